/**
 * Runs a plan (core/plan.ts) one invocation at a time. The invoke function, the clock and the
 * sleep are injected, so the loop is tested exactly and the console can drive any engine.
 * Progress is a typed event stream; listeners run synchronously, so a session log that
 * listens has written each invocation before the next one starts. The runner keeps no
 * record: what it finished lives only in its listeners (statistics, the log).
 */
import { EventEmitter } from 'node:events';
import type { FailureKind, InvocationResult } from '../core/invocation.js';
import { type Cell, cellKey, type Step, type StepRecord } from '../core/plan.js';

/** What a plan sets for one invocation beyond its cell: its function's timeout. */
export interface InvokeSettings {
  timeoutMs?: number;
}

export type InvokeFn = (
  cell: Cell,
  signal: AbortSignal,
  settings?: InvokeSettings,
) => Promise<InvocationResult>;

export interface Clock {
  /** Wall-clock milliseconds since the epoch (records carry it, to line up with power samples). */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

export interface ExperimentEvents {
  start: [{ experiment: string; total: number }];
  /** After each finished invocation, warm-ups included. */
  record: [{ record: StepRecord; done: number; total: number; elapsedMs: number }];
  done: [ExperimentOutcome];
}

export interface ExperimentOutcome {
  experiment: string;
  /** Finished invocations, warm-ups included (each went to the 'record' listeners). */
  finished: number;
  /** True when the signal stopped the run before the plan's end. */
  aborted: boolean;
  planned: number;
}

export interface RunnerOptions {
  invoke: InvokeFn;
  /** Pause between two invocations (not before the first), in ms. */
  pauseMs?: number;
  signal?: AbortSignal;
  clock?: Clock;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  experimentId?: string;
}

export function newExperimentId(clock: Clock = systemClock): string {
  const stamp = new Date(clock.now())
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `exp-${stamp}-${Math.random().toString(16).slice(2, 6)}`;
}

/** Resolves after ms, or at once when the signal aborts. */
export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted || ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

export class ExperimentRunner extends EventEmitter<ExperimentEvents> {
  readonly experiment: string;
  private readonly clock: Clock;

  constructor(
    private readonly plan: readonly Step[],
    private readonly options: RunnerOptions,
  ) {
    super();
    this.clock = options.clock ?? systemClock;
    this.experiment = options.experimentId ?? newExperimentId(this.clock);
  }

  async run(): Promise<ExperimentOutcome> {
    const signal = this.options.signal ?? new AbortController().signal;
    const sleep = this.options.sleep ?? abortableSleep;
    const pauseMs = this.options.pauseMs ?? 0;
    const total = this.plan.length;
    let finished = 0;
    const started = this.clock.now();
    this.emit('start', { experiment: this.experiment, total });
    for (const step of this.plan) {
      if (signal.aborted) break;
      if (pauseMs > 0 && step.index > 0) {
        await sleep(pauseMs, signal);
        if (signal.aborted) break;
      }
      const at = this.clock.now();
      const result = await this.invokeOnce(step.cell, signal);
      // An invocation cut short by the abort (a runtime closing under it fails it) is not a
      // finished one: it is left out. One that succeeded all the same is kept.
      if (result.failure === 'aborted' || (signal.aborted && !result.ok)) break;
      const record: StepRecord = {
        experiment: this.experiment,
        step: step.index,
        cell: cellKey(step.cell),
        warmup: step.warmup,
        repetition: step.repetition,
        at,
        result,
      };
      finished++;
      this.emit('record', {
        record,
        done: finished,
        total,
        elapsedMs: this.clock.now() - started,
      });
    }
    const outcome = {
      experiment: this.experiment,
      finished,
      aborted: finished < total,
      planned: total,
    };
    this.emit('done', outcome);
    return outcome;
  }

  /** A runtime that throws (engine gone, crash in a runtime) gives a failed result, not a stop. */
  private async invokeOnce(cell: Cell, signal: AbortSignal): Promise<InvocationResult> {
    try {
      return await this.options.invoke(cell, signal);
    } catch (error) {
      const aborted = signal.aborted;
      // An engine whose errors know their cause (a gateway's client) names it; else the engine.
      const named = (error as { failure?: FailureKind })?.failure;
      return {
        ...cell,
        ok: false,
        output: '',
        error: (error as Error).message ?? String(error),
        failure: aborted ? 'aborted' : (named ?? 'engine'),
        exitCode: null,
        stderr: '',
        timings: { startupMs: 0, execMs: 0, teardownMs: 0, totalMs: 0 },
        acceptedAtNs: '0',
      };
    }
  }
}
