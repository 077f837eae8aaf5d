import { Box, memo, Text } from '#ui-vendor';
import { cellLine } from '../../console/panes.js';
import type { ConsoleState, ExperimentView, PlanRunView } from '../../console/state.js';
import { useTheme } from '../theme-context.js';

type FooterProps = Pick<ConsoleState, 'mode' | 'experiment' | 'busy' | 'message'> & {
  input: string;
};

function experimentText(exp: ConsoleState['experiment']): string {
  if (!exp) return 'no experiment';
  if (exp.plan) return planText(exp, exp.plan);
  if (exp.phase === 'baseline') return `experiment: measuring the idle baseline`;
  return `experiment ${exp.done}/${exp.total} ${exp.phase}`;
}

/** "plan small 12/64 running: prime-number "20" on container, cold": the cell running now. */
function planText(exp: ExperimentView, plan: PlanRunView): string {
  const progress =
    exp.phase === 'baseline'
      ? 'measuring the idle baseline'
      : `${exp.done.toLocaleString('en-US')}/${exp.total.toLocaleString('en-US')} ${exp.phase}`;
  return `plan ${plan.name} ${progress}${plan.now ? `: ${cellLine(plan.now)}` : ''}`;
}

/** Settings, experiment progress, and the latest notice or error; drawn again only when they change. */
export const Footer = memo(function Footer(state: FooterProps) {
  const theme = useTheme();
  const { input } = state;
  return (
    <Box flexDirection="column">
      <Text wrap="truncate">
        <Text bold>{state.mode}</Text> |{' '}
        {/* A plan file's run says its own cell's input instead of the selection's. */}
        {state.experiment?.plan ? '' : `input ${JSON.stringify(input)} | `}
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
          w wasm c container b both m mode t wasm/p1 d deploy i input / filter s start f plans x
          stop r results ? help q quit
        </Text>
      )}
    </Box>
  );
});
