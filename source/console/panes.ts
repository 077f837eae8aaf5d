/**
 * What each runtime pane shows, derived from the state: the series of the selected function
 * in the current mode and input, its statistics (core/stats), and a histogram on bins shared
 * with the other pane.
 */
import { PHASES, type Phase, phaseSamples } from '../core/invocation.js';
import { cellKey } from '../core/plan.js';
import { type Summary, summarize } from '../core/stats.js';
import { type Bins, countInBins, sharedBins } from './histogram.js';
import {
  type ConsoleState,
  currentInput,
  PANE_RUNTIMES,
  type PaneRuntime,
  type Series,
  sideRuntime,
} from './state.js';

export interface PaneView {
  runtime: PaneRuntime;
  n: number;
  failures: number;
  stats: Record<Phase, Summary> | null;
  counts: number[];
  last: Series['last'] | null;
}

export interface PanesView {
  function: string | null;
  bins: Bins | null;
  /** The highest count of any bin of either pane: both histograms use the same scale. */
  maxCount: number;
  panes: PaneView[];
}

/** The series a pane shows: its side's runtime (the Wasm side: the chosen Wasm runtime). */
export function seriesFor(state: ConsoleState, side: PaneRuntime): Series | undefined {
  const fn = state.functions[state.selected];
  if (!fn) return undefined;
  const runtime = sideRuntime(state, side);
  return state.series[
    cellKey({ function: fn.name, runtime, mode: state.mode, input: currentInput(state) })
  ];
}

export function panesView(state: ConsoleState, binCount: number): PanesView {
  const fn = state.functions[state.selected];
  const all = PANE_RUNTIMES.map((runtime) => ({ runtime, series: seriesFor(state, runtime) }));
  const totals = all.map(({ series }) => series?.timings.map((t) => t.totalMs) ?? []);
  const bins = sharedBins(totals, binCount);
  const panes = all.map(({ runtime, series }, i): PaneView => {
    const values = totals[i] as number[];
    let stats: PaneView['stats'] = null;
    if (series && series.timings.length > 0) {
      stats = {} as Record<Phase, Summary>;
      for (const phase of PHASES) stats[phase] = summarize(phaseSamples(series.timings, phase));
    }
    return {
      runtime,
      n: values.length,
      failures: series?.failures ?? 0,
      stats,
      counts: bins ? countInBins(values, bins) : [],
      last: series?.last ?? null,
    };
  });
  const maxCount = Math.max(0, ...panes.flatMap((pane) => pane.counts));
  return { function: fn?.name ?? null, bins, maxCount, panes };
}
