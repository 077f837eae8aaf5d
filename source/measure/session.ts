/**
 * The measurement session: the one place that runs an experiment plan. Without energy it runs
 * the plan's invocations through the experiment runner. With energy it measures idle power,
 * runs each runtime back to back for blocks of time that alternate between runtimes
 * (A B A B), measures idle again, and attributes the readings to the blocks
 * (block-figures.ts). Everything goes to the session log as it happens, in one vocabulary
 * (records.ts). `nebula bench`, the console's `s` and the gateway's POST /experiments all
 * call runExperiment; the clock and the power source are injected, so the same plan and the
 * same readings give the same figures whichever face asked.
 */
import { type MeasureClock, systemClock } from './clock.js';
import { runCounted } from './counted-run.js';
import { DRIVER_TIMING } from './driver.js';
import { DurationRun } from './duration-run.js';
import type { ExperimentPlan } from './plan.js';
import type { ExperimentRecord } from './records.js';
import type { ExperimentFigures, ExperimentOutcome, SessionOptions } from './types.js';

export type { Driver } from './driver.js';
export type {
  ExperimentFigures,
  ExperimentOutcome,
  SessionEvent,
  SessionOptions,
} from './types.js';

export function newExperimentId(clock: MeasureClock): string {
  const stamp = new Date(clock.wallMs())
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `exp-${stamp}-${Math.random().toString(16).slice(2, 6)}`;
}

/** The figures alone, the part every face must show alike. */
export function figuresOf(outcome: ExperimentOutcome): ExperimentFigures {
  const {
    invocations: _invocations,
    measured: _measured,
    cells: _cells,
    planned: _planned,
    ...figures
  } = outcome;
  return figures;
}

/** Each invocation of a function whose plan entry sets a timeout is asked to keep it. */
function withPlanTimeouts(plan: ExperimentPlan, options: SessionOptions): SessionOptions {
  const timeouts = new Map<string, number>();
  for (const fn of plan.functions) if (fn.timeoutMs) timeouts.set(fn.name, fn.timeoutMs);
  if (timeouts.size === 0) return options;
  const invoke = options.invoke;
  return {
    ...options,
    invoke: (cell, signal) => {
      const timeoutMs = timeouts.get(cell.function);
      return invoke(cell, signal, timeoutMs === undefined ? undefined : { timeoutMs });
    },
  };
}

export async function runExperiment(
  plan: ExperimentPlan,
  options: SessionOptions,
): Promise<ExperimentOutcome> {
  options = withPlanTimeouts(plan, options);
  const clock = options.clock ?? systemClock;
  const experiment =
    options.resume?.record.experiment ?? options.experimentId ?? newExperimentId(clock);
  const signal = options.signal ?? new AbortController().signal;
  const log = options.log ?? (() => {});
  const emit = options.onEvent ?? (() => {});
  const power = plan.energy ? options.power : null;
  if (plan.energy && !power) {
    throw new Error('this plan measures energy but no power source is configured');
  }
  const start: ExperimentRecord = {
    type: 'experiment',
    experiment,
    at: clock.wallMs(),
    plan,
    power: power ? { source: power.label, kind: power.kind, simulated: power.simulated } : null,
    driver: options.driver ?? 'target',
    timing: DRIVER_TIMING[options.driver ?? 'target'],
  };
  if (options.resume && plan.energy) {
    throw new Error('a run that measures energy cannot be resumed (measure/resume.ts)');
  }
  log(options.resume ? { ...options.resume.record } : { ...start });
  if (!power || !plan.energy) return runCounted(plan, options, clock, experiment, signal, log);
  return new DurationRun(
    plan,
    plan.energy,
    power,
    options,
    clock,
    experiment,
    signal,
    log,
    emit,
  ).run();
}
