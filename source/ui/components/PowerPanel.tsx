import { asciichart, Box, memo, Text } from '#ui-vendor';
import type { EnergyView, PowerView } from '../../console/state.js';
import { num } from '../format.js';
import { useTheme } from '../theme-context.js';

/** The wattage sparkline, `height` rows, fitted to `width` columns. */
export function sparkline(watts: readonly number[], width: number, height: number): string[] {
  // asciichart puts a label of about 9 columns before the line.
  const points = watts.slice(-Math.max(2, width - 10));
  if (points.length === 0) return [];
  const text = asciichart.plot([...points], {
    height: Math.max(1, height - 1),
    format: (value: number) => `${value.toFixed(1).padStart(6)} W`,
  });
  return text.split('\n');
}

/** One runtime's energy per invocation, net and gross, or why there is none. */
function energyText(energy: EnergyView): string {
  const interval =
    energy.netLow === null ? '' : ` [${num(energy.netLow, 2)}-${num(energy.netHigh, 2)}]`;
  const counts = `${energy.blocks} blocks, ${energy.readings} readings`;
  if (energy.netMicroWh !== null) {
    return `${energy.runtime} ${num(energy.netMicroWh, 2)}${interval} uWh net, ${num(energy.grossMicroWh, 2)} gross (${counts})`;
  }
  const gross = energy.grossMicroWh === null ? '' : ` ${num(energy.grossMicroWh, 2)} uWh gross,`;
  return `${energy.runtime}${gross} ${energy.reason ?? 'unknown'}`;
}

function Energy({ power }: { power: PowerView }) {
  const theme = useTheme();
  if (power.energy.length === 0) {
    return <Text color={theme.muted}>energy/inv: after an experiment</Text>;
  }
  return <Text wrap="truncate">energy/inv {power.energy.map(energyText).join(' | ')}</Text>;
}

/** Watts over time, current and baseline, where they come from, and energy per invocation. */
export const PowerPanel = memo(function PowerPanel(props: {
  power: PowerView | null;
  columns: number;
  height: number;
}) {
  const theme = useTheme();
  const { power } = props;
  if (!power) {
    return <Text color={theme.muted}>no power source</Text>;
  }
  const side = Math.min(36, Math.floor(props.columns / 2));
  const chart = sparkline(power.watts, props.columns - side - 1, props.height);
  return (
    <Box height={props.height}>
      <Box flexDirection="column" width={props.columns - side} flexShrink={0}>
        {chart.length === 0 ? (
          <Text color={theme.muted}>waiting for a reading...</Text>
        ) : (
          chart.map((line, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: rows are positional
            <Text key={i} wrap="truncate">
              {line}
            </Text>
          ))
        )}
      </Box>
      <Box flexDirection="column" width={side}>
        <Text wrap="truncate">
          now <Text bold>{num(power.current)} W</Text> {power.label}
          {power.stale ? <Text color={theme.error}> STALE</Text> : ''}
        </Text>
        <Text wrap="truncate" color={power.error ? theme.warn : undefined}>
          {power.error
            ? power.error
            : `baseline ${power.baselineW === null ? '-' : `${num(power.baselineW)} W`}`}
        </Text>
        <Energy power={power} />
      </Box>
    </Box>
  );
});
