/**
 * The console's `s`: the measurement session (source/measure) with the console's store as
 * the listener. Nothing is measured or attributed here; this file only turns the session's
 * events into store actions.
 */

import { ratioOfMedians } from '../core/compare.js';
import type { Mode, RuntimeName } from '../core/invocation.js';
import { median, sortAscending } from '../core/stats.js';
import { BLOCKS_FOR_INTERVAL, type CellEnergy } from '../measure/block-figures.js';
import type { MeasureClock } from '../measure/clock.js';
import type { ExperimentPlan } from '../measure/plan.js';
import { planFromProfile } from '../measure/plan-from-profile.js';
import type { PowerSource } from '../power/source.js';
import type { Profile } from '../profiles/schema.js';
import type { AnyRecord } from '../session/records.js';
import type { TargetEngine, TargetOutcome } from '../target/target-engine.js';
import type { EnergyRatio, EnergyView, ExperimentView } from './state.js';
import type { ConsoleStore } from './store.js';

export interface ConsoleExperimentHooks {
  clock?: MeasureClock;
  /** Around each invocation: the console keeps its drawing out of the measured time. */
  around: <T>(invoke: () => Promise<T>) => Promise<T>;
  log: (record: AnyRecord) => void;
  store: ConsoleStore;
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

/** Runs it where the functions run; a plan the schema refuses rejects, never throws. */
export async function runConsoleExperiment(
  settings: Profile['experiment'],
  chosen: ConsoleChoice,
  engine: TargetEngine,
  power: PowerSource | null,
  signal: AbortSignal,
  hooks: ConsoleExperimentHooks,
): Promise<TargetOutcome> {
  const plan = consolePlan(settings, chosen);
  const { store } = hooks;
  let view: ExperimentView | null = null;
  const set = (change: Partial<ExperimentView>) => {
    if (!view) return;
    view = { ...view, ...change };
    store.dispatch({ type: 'experiment', experiment: view });
  };
  // On a gateway's profile the session runs there; its events come back the same.
  const outcome = await engine.runExperiment(plan, {
    power,
    clock: hooks.clock,
    log: hooks.log,
    signal,
    around: hooks.around,
    onEvent: (event) => {
      switch (event.type) {
        case 'start':
          view = {
            id: event.experiment,
            phase: event.energy ? 'baseline' : 'running',
            done: 0,
            total: event.total,
            function: chosen.function,
            runtimes: chosen.runtimes,
          };
          store.dispatch({ type: 'experiment', experiment: view });
          break;
        case 'baseline':
          set({ phase: 'baseline' });
          break;
        case 'blocks':
          set({ phase: 'running' });
          break;
        case 'invocation':
          store.dispatch({
            type: 'invocation',
            result: event.record.result,
            warmup: event.record.warmup,
          });
          if (!plan.energy) set({ done: event.done });
          break;
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
