import { Box, Text, useInput, useStdin } from '#ui-vendor';
import { commandFor } from '../keymap.js';
import { useTheme } from '../theme-context.js';

/** What a key or a paste adds to the text: no control characters, no line breaks. */
export function printable(input: string): string {
  let text = '';
  for (const char of input) if (char >= ' ' && char !== '\x7f') text += char;
  return text;
}

/**
 * A one-line text input: printable keys type, Backspace deletes, Enter applies, Escape
 * cancels. It owns the keyboard while open.
 */
export function InputEditor(props: {
  functionName: string;
  format: string;
  draft: string;
  onAppend: (text: string) => void;
  onDelete: (count: number) => void;
  onApply: () => void;
  onCancel: () => void;
}) {
  const theme = useTheme();
  const { isRawModeSupported } = useStdin();
  useInput(
    (input, key) => {
      const command = commandFor('input', input, key);
      if (command === 'confirm') props.onApply();
      else if (command === 'close') props.onCancel();
      else if (key.backspace || key.delete) props.onDelete(1);
      else if (!key.ctrl && !key.meta) {
        // Keys typed quickly (or over a slow link, or pasted) arrive as one chunk: "\x7f\x7f3"
        // is two deletions, then a 3, and "25\r" is 25, then Enter.
        for (const part of input.split(/([\x7f\b]+|\r)/)) {
          if (part === '\r') {
            props.onApply();
            return;
          }
          if (/^[\x7f\b]+$/.test(part)) props.onDelete(part.length);
          else props.onAppend(printable(part));
        }
      }
    },
    // Ink leaves isRawModeSupported undefined (stdin.isTTY) for a file or /dev/null, and only
    // `false` turns a hook off: anything else asks for raw mode and throws.
    { isActive: isRawModeSupported === true },
  );
  return (
    <Box flexDirection="column" borderStyle="round" paddingX={1}>
      <Text bold color={theme.accent}>
        Input for {props.functionName}
      </Text>
      <Text color={theme.muted} wrap="truncate">
        {props.format}
      </Text>
      <Text>
        {'> '}
        {props.draft}
        <Text inverse> </Text>
      </Text>
      <Text color={theme.muted}>Enter applies, Esc cancels</Text>
    </Box>
  );
}
