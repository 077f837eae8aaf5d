import { Box, Text } from '#ui-vendor';
import { type ConsoleState, currentInput } from '../../console/state.js';
import { useTheme } from '../theme-context.js';

function experimentText(state: ConsoleState): string {
  const exp = state.experiment;
  if (!exp) return 'no experiment';
  if (exp.phase === 'baseline') return `experiment: measuring the idle baseline`;
  return `experiment ${exp.done}/${exp.total} ${exp.phase}`;
}

/** Settings, experiment progress, and the latest notice or error. */
export function Footer({ state }: { state: ConsoleState }) {
  const theme = useTheme();
  const input = currentInput(state);
  return (
    <Box flexDirection="column">
      <Text wrap="truncate">
        <Text bold>{state.mode}</Text> | input {JSON.stringify(input)} | {experimentText(state)}
        {state.busy ? ' | running...' : ''}
      </Text>
      {state.message ? (
        <Text wrap="truncate" color={state.message.error ? theme.error : undefined}>
          {state.message.error ? '! ' : ''}
          {state.message.text}
        </Text>
      ) : (
        <Text color={theme.muted} wrap="truncate">
          w wasm c container b both m mode i input s start x stop ? help q quit
        </Text>
      )}
    </Box>
  );
}
