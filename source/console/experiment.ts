/**
 * The console's `s` and its plan files: the measurement session (source/measure) with the
 * console's store as the listener (a run's end: run-end.ts). Nothing is measured or attributed
 * here; this file only turns the session's events into store actions.
 */

import { ratioOfMedians } from '../core/compare.js';
import type { InvocationResult, Mode, RuntimeName } from '../core/invocation.js';
import { buildPlan, type Cell, type Lane } from '../core/plan.js';
import { median, sortAscending } from '../core/stats.js';
import { BLOCKS_FOR_INTERVAL, type CellEnergy } from '../measure/block-figures.js';
import { type MeasureClock, systemClock } from '../measure/clock.js';
import { estimateEnergy, formatDuration, type PlanEstimate } from '../measure/estimate.js';
import { EtaTracker } from '../measure/eta.js';
import type { ExperimentPlan } from '../measure/plan.js';
import { planFromProfile } from '../measure/plan-from-profile.js';
import type { PowerSource } from '../power/source.js';
import type { Profile } from '../profiles/schema.js';
import type { AnyRecord } from '../session/records.js';
import type { TargetEngine, TargetOutcome } from '../target/target-engine.js';
import { sideOf } from './panes.js';
import type { EnergyRatio, EnergyView, ExperimentView, PaneRuntime } from './state.js';
import type { ConsoleStore } from './store.js';

export interface ConsoleExperimentHooks {
  clock?: MeasureClock;
  /** The deployed sizes go into the log first, as `nebula bench` writes them. */
  sizes?: boolean;
  /** Around each invocation: the console keeps its drawing out of the measured time. */
  around: <T>(invoke: () => Promise<T>) => Promise<T>;
  log: (record: AnyRecord) => void;
  store: ConsoleStore;
  /**
   * What the run should take, for its ETA (measure/estimate.ts); without one an energy run's
   * comes from its plan and a counted run's from its own pace.
   */
  estimate?: PlanEstimate | null;
}

/** What the console's `s` runs: the selected function and input, on these runtimes. */
export interface ConsoleChoice {
  function: string;
  input: string;
  mode: Mode;
  runtimes: RuntimeName[];
  /** With energy: a power source is up. */
  energy: boolean;
}

/** The plan of the console's `s`: the choice with the profile's settings. */
export function consolePlan(
  settings: Profile['experiment'],
  chosen: ConsoleChoice,
): ExperimentPlan {
  return planFromProfile(settings, {
    functions: [{ name: chosen.function, inputs: [chosen.input] }],
    runtimes: chosen.runtimes,
    modes: [chosen.mode],
    energy: chosen.energy ? {} : null,
  });
}

/** What the footer says a run is about: `s`'s function, or a plan file's name and thinning. */
export interface RunAbout {
  function: string;
  runtimes: RuntimeName[];
  file: { name: string; thin: number } | null;
}

/**
 * A plan (`s`'s, or a plan file's from the picker) through the measurement session where the
 * functions run, its events into the store: progress, the panes, and for a plan file the
 * cell running now (the plan's steps are known before it starts; energy runs say the last).
 */
export async function runConsolePlan(
  plan: ExperimentPlan,
  about: RunAbout,
  engine: TargetEngine,
  power: PowerSource | null,
  signal: AbortSignal,
  hooks: ConsoleExperimentHooks,
): Promise<TargetOutcome> {
  const { store } = hooks;
  const steps = about.file && !plan.energy ? buildPlan(plan) : [];
  const clock = hooks.clock ?? systemClock;
  const eta = new EtaTracker(
    hooks.estimate ??
      (plan.energy && power ? estimateEnergy(plan, power.expectedPeriodMs / 1000) : null),
  );
  let view: ExperimentView | null = null;
  const set = (change: Partial<ExperimentView>) => {
    if (!view) return;
    const left = eta.eta(clock.wallMs()).remainingS;
    view = { ...view, ...change, eta: left === null ? null : formatDuration(left) };
    store.dispatch({ type: 'experiment', experiment: view });
  };
  const now = (cell: Cell | null) => {
    if (!view?.plan) return;
    const lanes = cell ? { ...view.plan.lanes, [sideOf(cell)]: laneOf(cell) } : view.plan.lanes;
    set({ plan: { ...view.plan, now: cell, lanes } });
  };
  // On a gateway's profile the session runs there; its events come back the same.
  const outcome = await engine.runExperiment(plan, {
    power,
    clock: hooks.clock,
    log: hooks.log,
    signal,
    around: hooks.around,
    sizes: hooks.sizes,
    onEvent: (event) => {
      eta.event(event, clock.wallMs());
      switch (event.type) {
        case 'start':
          view = {
            id: event.experiment,
            phase: event.energy ? 'baseline' : 'running',
            done: 0,
            total: event.total,
            function: about.function,
            runtimes: about.runtimes,
            eta: null,
          };
          if (about.file) view.plan = { ...about.file, now: null, lanes: firstLanes(plan) };
          store.dispatch({ type: 'experiment', experiment: view });
          now(steps[0]?.cell ?? null);
          break;
        case 'baseline':
          set({ phase: 'baseline' });
          break;
        case 'blocks':
          set({ phase: 'running' });
          break;
        case 'invocation': {
          const { record } = event;
          store.dispatch({ type: 'invocation', result: record.result, warmup: record.warmup });
          if (!plan.energy) set({ done: event.done });
          // The next step is the one running now; the last keeps its cell once the run ends.
          if (about.file) now(steps[record.step + 1]?.cell ?? cellOf(record.result));
          break;
        }
        case 'block':
          set({ done: event.done });
          break;
      }
    },
  });
  if (plan.energy) {
    store.dispatch({ type: 'baseline', watts: outcome.idle?.idleWatts ?? null });
    store.dispatch({
      type: 'energy',
      energy: outcome.energy.map(energyView),
      ratio: energyRatio(outcome.energy),
    });
  }
  return outcome;
}

function energyView(cell: CellEnergy): EnergyView {
  return {
    experiment: cell.experiment,
    runtime: cell.cell.split('/')[1] as EnergyView['runtime'],
    invocations: cell.invocations,
    grossMicroWh: cell.grossMicroWhPerInvocation,
    netMicroWh: cell.netMicroWhPerInvocation,
    netLow: cell.ci95.net.low,
    netHigh: cell.ci95.net.high,
    blocks: cell.blocks.length,
    readings: cell.readings,
    reason: cell.reason,
  };
}

/**
 * Container over Wasm energy per invocation: net where both have positive net figures, else
 * gross;
 * the median of one's blocks over the other's, the interval by the same bootstrap as the
 * timing ratios.
 */
export function energyRatio(cells: readonly CellEnergy[]): EnergyRatio | null {
  const of = (runtime: string) => cells.find((cell) => cell.cell.split('/')[1] === runtime);
  const container = of('container');
  const wasm = of('wasm') ?? of('wasm-p1');
  if (!container || !wasm) return null;
  const figures = (cell: CellEnergy, basis: EnergyRatio['basis']) =>
    cell.blocks.flatMap((block) => {
      const value =
        basis === 'net' ? block.netMicroWhPerInvocation : block.grossMicroWhPerInvocation;
      return value === null ? [] : [value];
    });
  for (const basis of ['net', 'gross'] as const) {
    const top = figures(container, basis);
    const bottom = figures(wasm, basis);
    // A net median at or below zero (idle as high as the load, on a busy machine) makes no
    // ratio: the gross figures then.
    const topMedian = median(sortAscending(top));
    const bottomMedian = median(sortAscending(bottom));
    if (topMedian === null || bottomMedian === null || topMedian <= 0 || bottomMedian <= 0)
      continue;
    const { ratio, low, high } = ratioOfMedians(top, bottom);
    if (ratio === null) continue;
    const interval = Math.min(top.length, bottom.length) >= BLOCKS_FOR_INTERVAL;
    return { basis, ratio, low: interval ? low : null, high: interval ? high : null };
  }
  return null;
}

/** Each pane's first lane of the plan (a variant is a lane of its own). */
function firstLanes(plan: ExperimentPlan): Partial<Record<PaneRuntime, Lane>> {
  const lanes = plan.lanes ?? plan.runtimes.map((runtime) => ({ runtime }));
  const first: Partial<Record<PaneRuntime, Lane>> = {};
  for (const lane of lanes) first[sideOf(lane)] ??= lane;
  return first;
}

function laneOf(cell: Cell): Lane {
  return cell.variant
    ? { runtime: cell.runtime, variant: cell.variant }
    : { runtime: cell.runtime };
}

function cellOf(result: InvocationResult): Cell {
  const { function: name, runtime, mode, input, variant } = result;
  const cell: Cell = { function: name, runtime, mode, input };
  return variant ? { ...cell, variant } : cell;
}
