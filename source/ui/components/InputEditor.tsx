import { Box, Text, useInput, useStdin } from 'ink';
import { commandFor } from '../keymap.js';
import { useTheme } from '../theme-context.js';

/**
 * A one-line text input: printable keys type, Backspace deletes, Enter applies, Escape
 * cancels. It owns the keyboard while open.
 */
export function InputEditor(props: {
  functionName: string;
  format: string;
  draft: string;
  onChange: (text: string) => void;
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
      else if (key.backspace || key.delete) props.onChange(props.draft.slice(0, -1));
      else if (input && !key.ctrl && !key.meta && !/[\r\n]/.test(input)) {
        props.onChange(props.draft + input);
      }
    },
    { isActive: isRawModeSupported },
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
