/**
 * `nebula bench`'s estimate, said before the run (and alone with --estimate): a counted plan
 * priced from earlier session logs of this machine and profile, a short calibration for the
 * lanes none of them covers; an energy plan from its blocks and idle windows. After the run,
 * its duration against the estimate.
 */

import { planInvocations } from '../../core/plan.js';
import { calibrate, calibrationInvocations } from '../../measure/calibrate.js';
import type { MeasureClock } from '../../measure/clock.js';
import { costsFromLogs, machineOf, sessionLogs } from '../../measure/cost-from-logs.js';
import type { Driver } from '../../measure/driver.js';
import {
  estimateCounted,
  estimateEnergy,
  estimateLines,
  formatDuration,
  laneUses,
  type PlanEstimate,
} from '../../measure/estimate.js';
import type { ExperimentPlan } from '../../measure/plan.js';
import type { SessionEvent } from '../../measure/types.js';
import type { PowerSource } from '../../power/source.js';
import type { Profile } from '../../profiles/schema.js';
import { defaultLogsDir } from '../../session/logs-dir.js';
import type { TargetEngine } from '../../target/target-engine.js';
import { stopSignal } from '../signals.js';

/** All of a calibration's time, in s (each function and mode gets its share). */
export const CALIBRATION_BUDGET_S = 30;
/** A plan is calibrated only when it makes this many times the calibration's invocations. */
export const CALIBRATION_MIN_RATIO = 4;

export interface EstimateContext {
  engine: TargetEngine;
  profile: Profile;
  /** An energy plan's source (its expected reading interval sizes the blocks). */
  power: PowerSource | null;
  clock: MeasureClock;
  err: (text: string) => void;
  logsDir?: string;
  /** Called once before a calibration: the functions must be deployed for it. */
  ready: () => Promise<void>;
  /** The log this run writes: not an earlier session. */
  ownLog?: string;
  /** Who will drive the run: its calibration is driven the same way (round trips and all). */
  driver?: Driver;
}

export async function benchEstimate(
  plan: ExperimentPlan,
  context: EstimateContext,
): Promise<PlanEstimate> {
  const { err } = context;
  if (plan.energy) {
    const intervalS = (context.power?.expectedPeriodMs ?? 1000) / 1000;
    const estimate = estimateEnergy(plan, intervalS);
    for (const line of estimateLines(estimate, plan)) err(`${line}\n`);
    return estimate;
  }
  const machine = machineOf(context.engine.header(context.profile.name, []));
  const dir = context.logsDir ?? defaultLogsDir();
  const logs = sessionLogs(dir).filter((path) => path !== context.ownLog);
  const found = await costsFromLogs(logs, machine);
  const uses = laneUses(plan);
  const missing = uses.filter((use) => !found.book.has(use.key));
  const here = `${machine.hostname} with profile ${machine.profile}`;
  const newest = `the ${found.read.length} newest session log${found.read.length === 1 ? '' : 's'}`;
  err(
    found.read.length === 0
      ? `costs: no earlier session log in ${dir}\n`
      : found.matched.length === 0
        ? `costs: none of ${newest} has runs on ${here}\n`
        : `costs: ${found.matched.length} of ${newest} ${found.matched.length === 1 ? 'has' : 'have'} runs on ${here}; ${uses.length - missing.length} of the plan's ${uses.length} lanes priced from ${found.matched.length === 1 ? 'it' : 'them'}\n`,
  );
  const calibrating = calibrationInvocations(missing);
  const count = planInvocations(plan);
  if (missing.length > 0 && count < CALIBRATION_MIN_RATIO * calibrating) {
    err(
      `no calibration for a plan this small (${count} invocations; calibrating would take ${calibrating}): its ETA follows its own pace\n`,
    );
  } else if (missing.length > 0) {
    await context.ready();
    const timeouts = new Map<string, number>();
    for (const fn of plan.functions) if (fn.timeoutMs) timeouts.set(fn.name, fn.timeoutMs);
    await calibrate(missing, found.book, {
      run: (calibration, options) =>
        context.engine.runExperiment(calibration, {
          ...options,
          power: null,
          clock: context.clock,
          ...(context.driver ? { driver: context.driver } : {}),
        }),
      clock: context.clock,
      budgetS: CALIBRATION_BUDGET_S,
      say: (line) => err(`${line}\n`),
      timeouts,
      stop: stopSignal(),
    });
  }
  const estimate = estimateCounted(plan, found.book);
  for (const line of estimateLines(estimate, plan)) err(`${line}\n`);
  return estimate;
}

/** What the ETA goes by: the estimate, unless some of its lanes are unpriced (then the pace). */
export function etaEstimate(estimate: PlanEstimate): PlanEstimate | null {
  return estimate.kind === 'counted' && estimate.unpriced > 0 ? null : estimate;
}

/** "took 1 min 12 s; estimated 1 min 05 s (1.11 times the estimate)" */
export function durationLine(estimate: PlanEstimate, seconds: number, aborted: boolean): string {
  const took = `${aborted ? 'stopped after' : 'took'} ${formatDuration(seconds)}`;
  if (etaEstimate(estimate) === null) return `${took}; no estimate (lanes unpriced)`;
  const planned =
    estimate.kind === 'energy' && estimate.maxSeconds !== null
      ? `estimated ${formatDuration(estimate.seconds)} to ${formatDuration(estimate.maxSeconds)}`
      : `estimated ${formatDuration(estimate.seconds)}`;
  const ratio =
    !aborted && estimate.seconds > 0
      ? ` (${(seconds / estimate.seconds).toFixed(2)} times the estimate)`
      : '';
  return `${took}; ${planned}${ratio}`;
}

/**
 * A run's duration as its estimate counts it: from the session's start (the first
 * invocation's turn), not from before the deployed sizes the log gets first (`docker save |
 * gzip` of every image: long for a Debian base), which is said apart.
 */
export class RunTiming {
  private readonly began: number;
  private started: number | null = null;

  constructor(private readonly clock: MeasureClock) {
    this.began = clock.wallMs();
  }

  event(event: SessionEvent): void {
    if (event.type === 'start' && this.started === null) this.started = this.clock.wallMs();
  }

  line(estimate: PlanEstimate, aborted: boolean): string {
    const started = this.started ?? this.began;
    const line = durationLine(estimate, (this.clock.wallMs() - started) / 1000, aborted);
    const before = (started - this.began) / 1000;
    return before >= 1
      ? `${line}; before it, ${formatDuration(before)} measuring the deployed sizes (not estimated)`
      : line;
  }
}
