/**
 * A short calibration: when no earlier session of this machine gives a lane's cost, a few
 * invocations of it at a few of the plan's inputs (the smallest, the middle and the largest),
 * through the same measurement session a run uses, bounded in time: each function gets its
 * share of the budget, and what did not fit is left to interpolation and the function's
 * growth model. Nothing of it goes to the run's log (a gateway keeps its own log of what it
 * runs); it only prices the run.
 */
import type { Mode, RuntimeName } from '../core/invocation.js';
import type { Lane } from '../core/plan.js';
import type { MeasureClock } from './clock.js';
import { type CostBook, costKeyText } from './cost-model.js';
import type { LaneUse } from './estimate.js';
import type { ExperimentPlan } from './plan.js';
import type { SessionEvent } from './types.js';

/** Runs a calibration plan where the functions run (TargetEngine.runExperiment). */
export type CalibrationRunner = (
  plan: ExperimentPlan,
  options: { signal: AbortSignal; onEvent: (event: SessionEvent) => void },
) => Promise<unknown>;

export interface CalibrationOptions {
  run: CalibrationRunner;
  clock: MeasureClock;
  /** All of the calibration's time, in s; each function and mode gets an equal share. */
  budgetS: number;
  say: (line: string) => void;
  /** Timeouts the plan sets per function, kept. */
  timeouts?: ReadonlyMap<string, number>;
  /** The command's stop (a signal): the calibration ends with what it has. */
  stop?: AbortSignal;
}

/** Measured invocations per input: cold starts vary little next to what they cost. */
const COLD_REPETITIONS = 2;
const WARM_REPETITIONS = 3;

/** Invocations a calibration of these uses makes (warm-ups included). */
export function calibrationInvocations(uses: readonly LaneUse[]): number {
  return uses.reduce((n, use) => {
    const warm = use.key.mode === 'warm';
    const each = warm ? WARM_REPETITIONS + 1 : COLD_REPETITIONS;
    return n + calibrationInputs(use.inputs).length * each;
  }, 0);
}

/** The smallest, middle and largest of the inputs (numeric ones by value), each once. */
export function calibrationInputs(inputs: readonly string[]): string[] {
  const numbers = inputs.map(Number);
  const sorted = numbers.every(Number.isFinite)
    ? [...inputs].sort((a, b) => Number(a) - Number(b))
    : [...inputs];
  const picks = [sorted[0], sorted[Math.floor((sorted.length - 1) / 2)], sorted.at(-1)];
  return [...new Set(picks.filter((input) => input !== undefined))] as string[];
}

/** Calibrates every use not yet in the book; the costs found go into it. */
export async function calibrate(
  uses: readonly LaneUse[],
  book: CostBook,
  options: CalibrationOptions,
): Promise<void> {
  const groups = new Map<string, LaneUse[]>();
  for (const use of uses) {
    const id = `${use.key.function}/${use.key.mode}`;
    groups.set(id, [...(groups.get(id) ?? []), use]);
  }
  const started = options.clock.wallMs();
  let left = groups.size;
  for (const group of groups.values()) {
    if (options.stop?.aborted) return;
    const spent = (options.clock.wallMs() - started) / 1000;
    const shareS = Math.max(0, options.budgetS - spent) / left--;
    await calibrateGroup(group, book, options, shareS);
  }
}

async function calibrateGroup(
  group: readonly LaneUse[],
  book: CostBook,
  options: CalibrationOptions,
  shareS: number,
): Promise<void> {
  const first = group[0] as LaneUse;
  const { function: name, mode } = first.key;
  const inputs = calibrationInputs(group.flatMap((use) => use.inputs));
  const lanes: Lane[] = group.map((use) => ({
    runtime: use.key.runtime as RuntimeName,
    ...(use.key.variant ? { variant: use.key.variant } : {}),
  }));
  const plan = calibrationPlan(name, mode, inputs, lanes, options.timeouts?.get(name));
  const what = `${group.map((use) => costKeyText(use.key)).join('; ')}`;
  options.say(
    `calibrating ${what}: ${plan.repetitions} each at ${inputs.join(', ')} (at most ${Math.round(shareS)} s)`,
  );
  const { clock } = options;
  const abort = new AbortController();
  const start = clock.wallMs();
  // A single invocation longer than the share is stopped too (its runtime is told to abort).
  let cut = false;
  const timer = setTimeout(
    () => {
      cut = true;
      abort.abort();
    },
    Math.max(1, shareS * 1000),
  );
  timer.unref();
  const onStop = () => abort.abort();
  options.stop?.addEventListener('abort', onStop, { once: true });
  // The invocation whose cost ends when the next one is handed over (or the run ends).
  const held: { last: { key: LaneUse['key']; input: string; at: number; ns: bigint } | null } = {
    last: null,
  };
  const add = (seconds: number) => {
    const { last } = held;
    if (last) book.add(last.key, last.input, seconds, 'calibration', 'calibration');
  };
  try {
    await options.run(plan, {
      signal: abort.signal,
      onEvent: (event) => {
        if (event.type !== 'invocation') return;
        const { record } = event;
        const r = record.result;
        const ns = /^[1-9]\d*$/.test(r.acceptedAtNs) ? BigInt(r.acceptedAtNs) : 0n;
        const { last } = held;
        if (last) {
          add(last.ns > 0n && ns > 0n ? Number(ns - last.ns) / 1e9 : (record.at - last.at) / 1000);
        }
        held.last =
          record.warmup || !r.ok
            ? null
            : {
                key: {
                  function: r.function,
                  runtime: r.runtime,
                  mode: r.mode,
                  ...(r.variant ? { variant: r.variant } : {}),
                },
                input: r.input,
                at: record.at,
                ns,
              };
        if ((clock.wallMs() - start) / 1000 >= shareS) abort.abort();
      },
    });
    // The last one ran until the end, unless the timer cut an invocation after it.
    if (!cut && held.last) add((clock.wallMs() - held.last.at) / 1000);
  } finally {
    clearTimeout(timer);
    options.stop?.removeEventListener('abort', onStop);
  }
  const short = abort.signal.aborted
    ? ': its time ran out, the inputs it did not reach are extrapolated'
    : '';
  options.say(`calibrated in ${((clock.wallMs() - start) / 1000).toFixed(1)} s${short}`);
}

function calibrationPlan(
  name: string,
  mode: Mode,
  inputs: string[],
  lanes: Lane[],
  timeoutMs: number | undefined,
): ExperimentPlan {
  return {
    functions: [{ name, inputs, lanes, ...(timeoutMs ? { timeoutMs } : {}) }],
    runtimes: [...new Set(lanes.map((lane) => lane.runtime))],
    modes: [mode],
    // A warm lane's first invocation starts it: a warm-up, not its cost.
    warmup: mode === 'warm' ? 1 : 0,
    repetitions: mode === 'warm' ? WARM_REPETITIONS : COLD_REPETITIONS,
    pauseMs: 0,
    order: 'interleaved',
    energy: null,
  };
}
