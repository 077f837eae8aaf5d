import { asciichart, Box, memo, Text } from '#ui-vendor';
import type { PowerView } from '../../console/state.js';
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

/**
 * Three significant digits, whatever the magnitude: 0.712, 12.3, 1234; never an exponent
 * (a net of idle equal to the load is a rounding residue like 7e-16, shown as 0.0000).
 */
export function sig(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '-';
  if (Math.abs(value) >= 1000) return value.toFixed(0);
  if (Math.abs(value) < 0.001) return value.toFixed(4);
  return value.toPrecision(3);
}

const interval = (low: number | null, high: number | null) =>
  low === null || high === null ? '' : ` [${sig(low)}-${sig(high)}]`;

const SHORT: Record<string, string> = {
  container: 'container',
  wasm: 'wasm',
  'wasm-p1': 'wasm-p1',
};

/**
 * Energy per invocation on two lines that fit 80 columns: each runtime's net figure with its
 * interval (gross when there is no net), then the container/Wasm ratio with its interval and
 * the gross figures. A runtime without a figure says why.
 */
export function energyLines(power: Pick<PowerView, 'energy' | 'energyRatio'>): [string, string] {
  if (power.energy.length === 0) return ['energy/inv: after an experiment with power (s)', ''];
  const net = power.energy.some((e) => e.netMicroWh !== null);
  const figures = power.energy.map((e) => {
    const name = SHORT[e.runtime] ?? e.runtime;
    if (e.netMicroWh !== null)
      return `${name} ${sig(e.netMicroWh)}${interval(e.netLow, e.netHigh)}`;
    if (e.grossMicroWh !== null) return `${name} ${sig(e.grossMicroWh)} gross`;
    return `${name} ${e.reason ?? 'no figure'}`;
  });
  const first = `energy/inv ${net ? 'net ' : ''}uWh  ${figures.join('  ')}`;
  const ratio = power.energyRatio;
  const ratioText = ratio
    ? `container/wasm x${sig(ratio.ratio)}${interval(ratio.low, ratio.high)} ${ratio.basis}`
    : 'container/wasm -';
  const gross = power.energy
    .filter((e) => e.grossMicroWh !== null)
    .map((e) => `${SHORT[e.runtime] ?? e.runtime} ${sig(e.grossMicroWh)}`);
  const blocks = power.energy[0];
  const second = [
    ratioText,
    gross.length > 0 ? `gross ${gross.join(' ')}` : '',
    blocks ? `${blocks.blocks} blocks` : '',
  ]
    .filter(Boolean)
    .join('  ');
  return [first, second];
}

function Energy({ power }: { power: PowerView }) {
  const theme = useTheme();
  const [first, second] = energyLines(power);
  const muted = power.energy.length === 0 ? theme.muted : undefined;
  return (
    <>
      <Text wrap="truncate" color={muted}>
        {first}
      </Text>
      <Text wrap="truncate">{second || ' '}</Text>
    </>
  );
}

/** Rows under the sparkline: energy per invocation and the ratio. */
export const ENERGY_ROWS = 2;

/** Watts over time, current and baseline, where they come from, and energy per invocation. */
export const PowerPanel = memo(function PowerPanel(props: {
  power: PowerView | null;
  columns: number;
  height: number;
}) {
  const theme = useTheme();
  const { power } = props;
  if (!power) {
    // As many rows as with a source, so the screen does not move when one comes.
    return (
      <Box height={props.height + ENERGY_ROWS} flexDirection="column">
        <Text color={theme.muted}>no power source</Text>
      </Box>
    );
  }
  const side = Math.min(36, Math.floor(props.columns / 2));
  const chart = sparkline(power.watts, props.columns - side - 1, props.height);
  return (
    <Box flexDirection="column">
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
        </Box>
      </Box>
      <Energy power={power} />
    </Box>
  );
});
