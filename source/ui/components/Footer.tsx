import { Box, memo, Text } from '#ui-vendor';
import type { ConsoleState } from '../../console/state.js';
import { useTheme } from '../theme-context.js';

type FooterProps = Pick<ConsoleState, 'mode' | 'experiment' | 'busy' | 'message'> & {
  input: string;
};

function experimentText(exp: ConsoleState['experiment']): string {
  if (!exp) return 'no experiment';
  if (exp.phase === 'baseline') return `experiment: measuring the idle baseline`;
  return `experiment ${exp.done}/${exp.total} ${exp.phase}`;
}

/** Settings, experiment progress, and the latest notice or error; drawn again only when they change. */
export const Footer = memo(function Footer(state: FooterProps) {
  const theme = useTheme();
  const { input } = state;
  return (
    <Box flexDirection="column">
      <Text wrap="truncate">
        <Text bold>{state.mode}</Text> | input {JSON.stringify(input)} |{' '}
        {experimentText(state.experiment)}
        {state.busy ? ' | running...' : ''}
      </Text>
      {state.message ? (
        <Text wrap="truncate" color={state.message.error ? theme.error : undefined}>
          {state.message.error ? '! ' : ''}
          {state.message.text}
        </Text>
      ) : (
        <Text color={theme.muted} wrap="truncate">
          w wasm c container b both m mode t wasm/p1 d deploy i input / filter s start x stop r
          results ? help q quit
        </Text>
      )}
    </Box>
  );
});
