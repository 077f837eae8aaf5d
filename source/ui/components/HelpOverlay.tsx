import { Box, Text } from '#ui-vendor';
import { type Binding, KEYMAP, keysLabel } from '../keymap.js';
import { useTheme } from '../theme-context.js';
import { type Line, ScrollText, wrapLines } from './ScrollText.js';

/** What the function table's deploy columns say. */
const TABLE_LEGEND: Line[] = [
  { text: 'The function table', bold: true },
  { text: '  yes        deployed on that runtime' },
  { text: '  no         not deployed yet: d deploys it on every runtime it supports' },
  { text: '  n/a        that runtime can never run it (e.g. no native binary for a container)' },
  { text: '  ...        being checked' },
  { text: '  ?          cannot tell (the Docker engine is down, or the engine cannot say)' },
];

/** Every command with its keys, drawn from the keymap itself, then the table's words. */
export function helpLines(keymap: readonly Binding[] = KEYMAP): Line[] {
  const lines: Line[] = [];
  for (const category of new Set(keymap.map((binding) => binding.category))) {
    lines.push({ text: category, bold: true });
    for (const binding of keymap.filter((b) => b.category === category)) {
      lines.push({ text: `  ${keysLabel(binding).padEnd(10)} ${binding.description}` });
    }
  }
  return [...lines, ...TABLE_LEGEND];
}

/** The title stays; the rest scrolls in the rows left. */
export function HelpOverlay(props: {
  height: number;
  width: number;
  offset: number;
  keymap?: readonly Binding[];
}) {
  const theme = useTheme();
  return (
    <Box flexDirection="column">
      <Text bold color={theme.accent}>
        Keys (Esc closes)
      </Text>
      <ScrollText
        lines={wrapLines(helpLines(props.keymap), props.width)}
        offset={props.offset}
        height={props.height - 1}
      />
    </Box>
  );
}
