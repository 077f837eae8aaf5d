import { Box, Text } from '#ui-vendor';
import type { ConsoleState } from '../../console/state.js';
import { ms } from '../format.js';
import { useTheme } from '../theme-context.js';

/**
 * Where the session log is, the machine, and as many of the last invocations as fit in
 * `height` rows of `columns` (border, title, path and segment take 5; the machine wraps).
 */
export function LogOverlay({
  state,
  height,
  columns,
}: {
  state: ConsoleState;
  height: number;
  columns: number;
}) {
  const theme = useTheme();
  const machine = `machine: ${state.target.detail ?? state.target.host ?? 'not known yet'}${
    state.target.url ? ` (gateway ${state.target.url})` : ''
  }`;
  const machineRows = Math.ceil(machine.length / Math.max(1, columns - 4));
  const room = Math.max(1, height - 5 - machineRows);
  const recent = state.recent.slice(-room).reverse();
  return (
    <Box flexDirection="column" borderStyle="round" paddingX={1}>
      <Text bold color={theme.accent}>
        Session log (Esc closes)
      </Text>
      <Text wrap="truncate-start">{state.logPath ?? '-'}</Text>
      <Text wrap="wrap">{machine}</Text>
      <Text color={theme.muted}>
        segment {state.segment}, read it with: nebula report {'<file>'}
      </Text>
      {recent.length === 0 ? <Text color={theme.muted}>no invocation yet</Text> : null}
      {recent.map((r, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: newest first, positional
        <Text key={i} wrap="truncate" color={r.ok ? undefined : theme.error}>
          {r.ok ? 'ok' : 'x '} {r.function} {r.runtime} {r.mode} {JSON.stringify(r.input)}{' '}
          {r.ok ? ms(r.totalMs) : r.failure}
        </Text>
      ))}
    </Box>
  );
}
