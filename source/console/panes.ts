/**
 * What each runtime pane shows, derived from the state: the series of the selected function
 * in the current mode and input (or of the cell a plan file runs), its statistics
 * (core/stats), and a histogram on bins shared with the other pane.
 */
import { type Mode, PHASES, type Phase, phaseSamples } from '../core/invocation.js';
import { type Cell, cellKey, type Lane, laneLabel } from '../core/plan.js';
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

/** What the panes show: the selection, or the cell a plan file runs (and each side's lane). */
export interface PaneSubject {
  function: string | null;
  input: string;
  mode: Mode;
  lanes: Record<PaneRuntime, Lane>;
}

export function paneSubject(state: ConsoleState): PaneSubject {
  const now = state.experiment?.plan?.now;
  const own = {
    wasm: { runtime: sideRuntime(state, 'wasm') },
    container: { runtime: 'container' },
  } as Record<PaneRuntime, Lane>;
  if (!now) {
    const fn = state.functions[state.selected];
    return { function: fn?.name ?? null, input: currentInput(state), mode: state.mode, lanes: own };
  }
  const lanes = { ...own, ...state.experiment?.plan?.lanes };
  return { function: now.function, input: now.input, mode: now.mode, lanes };
}

/** The pane a lane shows in: the container's, or the Wasm side's. */
export function sideOf(lane: Lane): PaneRuntime {
  return lane.runtime === 'container' ? 'container' : 'wasm';
}

/** How a pane's title names its lane: which Wasm runtime, and a variant. */
export function laneName(lane: Lane): string {
  if (lane.runtime === 'wasm' && !lane.variant) return 'wasm (component)';
  if (lane.runtime === 'wasm-p1' && !lane.variant) return 'wasm-p1 (node:wasi)';
  return laneLabel(lane);
}

/** A plan's cell as the footer says it: `prime-number "20" on container[net=bridge], cold`. */
export function cellLine(cell: Cell): string {
  return `${cell.function} ${JSON.stringify(cell.input)} on ${laneLabel(cell)}, ${cell.mode}`;
}

/** The series a pane shows: its side's lane (the Wasm side: the chosen Wasm runtime). */
export function seriesFor(state: ConsoleState, side: PaneRuntime): Series | undefined {
  const subject = paneSubject(state);
  if (subject.function === null) return undefined;
  const { runtime, variant } = subject.lanes[side];
  const cell = { function: subject.function, runtime, mode: subject.mode, input: subject.input };
  return state.series[cellKey(variant ? { ...cell, variant } : cell)];
}

export function panesView(state: ConsoleState, binCount: number): PanesView {
  const fn = { name: paneSubject(state).function };
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
  return { function: fn.name, bins, maxCount, panes };
}
