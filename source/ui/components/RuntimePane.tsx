import { Box, memo, Text } from '#ui-vendor';
import type { Bins } from '../../console/histogram.js';
import type { PaneView } from '../../console/panes.js';
import { bytes, firstLine, ms } from '../format.js';
import { useTheme } from '../theme-context.js';
import { Histogram } from './Histogram.js';

function Axis({ bins, width }: { bins: Bins | null; width: number }) {
  const theme = useTheme();
  if (!bins) return <Text color={theme.muted}>no samples yet</Text>;
  const low = ms(bins.edges[0]);
  const high = ms(bins.edges.at(-1));
  const middle = bins.log ? ' log ' : '';
  const fill = Math.max(1, width - low.length - high.length - middle.length - 2);
  const left = '─'.repeat(Math.floor(fill / 2));
  const right = '─'.repeat(Math.ceil(fill / 2));
  return (
    <Text color={theme.muted} wrap="truncate">
      {low} {left}
      {middle}
      {right} {high}
    </Text>
  );
}

function Last({ pane }: { pane: PaneView }) {
  const theme = useTheme();
  const last = pane.last;
  if (!last) return <Text color={theme.muted}>nothing run yet</Text>;
  if (last.ok) {
    return (
      <Text wrap="truncate">
        <Text color={theme.ok}>ok</Text> {ms(last.timings.totalMs)} {'-> '}
        {firstLine(last.output) || '(no output)'}
      </Text>
    );
  }
  return (
    <Text wrap="truncate" color={theme.error}>
      x {last.failure}: {last.error}
    </Text>
  );
}

/**
 * Phase medians on one line, "ms" said once so that startup, input and compute fit a pane of
 * an 80-column terminal; output and teardown follow where there is room.
 */
function Phases({ stats }: { stats: PaneView['stats'] }) {
  const theme = useTheme();
  const value = (phase: keyof NonNullable<PaneView['stats']>) =>
    ms(stats?.[phase].median).replace(/ ms$/, '');
  return (
    <Text wrap="truncate" color={theme.muted}>
      ms start {value('startupMs')} in {value('inputMs')} compute {value('execMs')} out{' '}
      {value('outputMs')} tear {value('teardownMs')}
    </Text>
  );
}

/** One runtime: title, histogram, axis, median/p95/n, phase medians, last result. */
function RuntimePaneView(props: {
  pane: PaneView;
  bins: Bins | null;
  maxCount: number;
  width: number;
  histogramHeight: number;
  title: string;
}) {
  const theme = useTheme();
  const { pane } = props;
  const total = pane.stats?.totalMs;
  const color = pane.runtime === 'wasm' ? theme.wasm : theme.container;
  return (
    <Box flexDirection="column" width={props.width} flexShrink={0}>
      <Text wrap="truncate" bold color={color}>
        {props.title}
      </Text>
      <Box flexDirection="column" height={props.histogramHeight}>
        <Histogram
          counts={pane.counts}
          maxCount={props.maxCount}
          height={props.histogramHeight}
          color={color}
        />
      </Box>
      <Axis bins={props.bins} width={props.width - 1} />
      <Text wrap="truncate">
        n {pane.n}
        {pane.failures > 0 ? <Text color={theme.error}> ({pane.failures} failed)</Text> : ''} med{' '}
        {ms(total?.median)} p95 {ms(total?.p95)}
        {pane.last?.memory?.peakBytes ? ` peak ${bytes(pane.last.memory.peakBytes)}` : ''}
      </Text>
      <Phases stats={pane.stats} />
      <Last pane={pane} />
    </Box>
  );
}

/** Redrawn only when its own props change, not on every wattage update. */
export const RuntimePane = memo(RuntimePaneView);
