/**
 * `nebula bench`: its flags and the profile make a plan (measure/plan-from-profile.ts), the
 * profile's engine runs it where the functions run (target/target-engine.ts), and the
 * outcome is printed as markdown, JSON or CSV.
 * One file over 300 lines: the command is one sequence (plan, readiness, estimate, log,
 * power, run or resume, output) sharing its state; its parts are the bench-*.ts beside it.
 */
import type { Command } from 'commander';
import { unavailableReason } from '../../catalog/availability.js';
import { UsageError } from '../../core/errors.js';
import type { RuntimeName } from '../../core/invocation.js';
import { buildPlan, parseInputs } from '../../core/plan.js';
import { type MeasureClock, systemClock } from '../../measure/clock.js';
import type { PlanEstimate } from '../../measure/estimate.js';
import { EtaTracker } from '../../measure/eta.js';
import { type ExperimentPlan, ExperimentPlanError } from '../../measure/plan.js';
import { planFromProfile } from '../../measure/plan-from-profile.js';
import { planCountLine } from '../../measure/plan-of-file.js';
import type { Driver, ExperimentOutcome } from '../../measure/session.js';
import type { PowerSource } from '../../power/source.js';
import { loadProfile } from '../../profiles/load.js';
import type { Profile } from '../../profiles/schema.js';
import { SessionLog } from '../../session/session-log.js';
import { createEngineForProfile } from '../../target/engine-for-profile.js';
import type { TargetEngine, TargetOutcome, TargetRunOptions } from '../../target/target-engine.js';
import { showProgress } from '../progress-line.js';
import { logSpaceWarning, runCost } from '../run-cost.js';
import { stopSignal } from '../signals.js';
import { benchEstimate, etaEstimate, RunTiming } from './bench-estimate.js';
import {
  addBenchOptions,
  type BenchAsk,
  type BenchOptions,
  benchAsk,
  benchFormat,
  givenOptions,
  parseOrUsage,
  planOrder,
  splitList,
} from './bench-options.js';
import { printOutcome, type SkippedCell } from './bench-output.js';
import { benchPlanFromFile } from './bench-plan.js';
import { benchPowerFlags } from './bench-power-options.js';
import { readResume, resumeOptions, resumePlan, resumeProfileName } from './bench-resume.js';

export type { BenchOptions } from './bench-options.js';

/** What a bench run needs from outside; tests inject a virtual clock and power source. */
export interface BenchDeps {
  createEngine: (profile: Profile) => Promise<TargetEngine>;
  /** The power source where the engine's functions run (a gateway's is read there). */
  createPower: (profile: Profile, options: BenchOptions, engine: TargetEngine) => PowerSource;
  clock?: MeasureClock;
  out: (text: string) => void;
  err: (text: string) => void;
  /** The progress line: only for a terminal's run. */
  interactive: boolean;
  /** Where earlier session logs are read for the estimate (default: logs/). */
  logsDir?: string;
}

const defaultDeps: BenchDeps = {
  createEngine: (profile) => createEngineForProfile(profile),
  createPower: (_profile, options, engine) => engine.openPower(benchPowerFlags(options)),
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  interactive: true,
};

/**
 * Benchmarked only when named: `faulty` exists to test the sandbox, prime-number-thesis is
 * prime-number on another indexing (for the thesis's plans).
 */
const NOT_BY_DEFAULT = new Set(['faulty', 'prime-number-thesis']);

export function registerBench(program: Command): void {
  addBenchOptions(program.command('bench')).action(
    async (options: BenchOptions, command: Command) => {
      await bench({ ...options, given: givenOptions(command) });
    },
  );
}

/** The run's outcome; null with --estimate (nothing is run). */
export async function bench(
  options: BenchOptions,
  deps: BenchDeps = defaultDeps,
): Promise<ExperimentOutcome | null> {
  const format = benchFormat(options);
  // --resume LOG: the plan and the profile come from the log (bench-resume.ts).
  const resumed = options.resume === undefined ? null : await readResume(options);
  const profile = loadProfile(resumed ? resumeProfileName(resumed, options) : options.profile);
  const ask = benchAsk(options);
  const engine = await deps.createEngine(profile);
  let log: SessionLog | null = null;
  let power: PowerSource | null = null;
  try {
    const { plan, skipped } = resumed
      ? resumePlan(resumed, engine, profile, options, deps.err)
      : options.plan === undefined
        ? benchPlan(engine, profile, options, ask, deps.err)
        : planOfFile(engine, profile, options, deps.err);
    // Once: before the run, or before a calibration with --estimate.
    let readied: Promise<void> | null = null;
    const ready = () => {
      readied ??= engine.checkReady(plan, (line) => deps.err(`${line}\n`), {
        driver: ask.driver,
      });
      return readied;
    };
    const clock = deps.clock ?? systemClock;
    const estimateWith = (source: PowerSource | null) =>
      benchEstimate(plan, {
        ownLog: log?.path,
        engine,
        profile,
        power: source,
        clock,
        err: deps.err,
        ready,
        driver: ask.driver,
        ...(deps.logsDir ? { logsDir: deps.logsDir } : {}),
      });
    if (options.estimate) {
      // Deployed only if a calibration needs it; an energy plan's source is not started.
      power = plan.energy ? deps.createPower(profile, options, engine) : null;
      await estimateWith(power);
      return null;
    }
    await ready();
    const names = plan.functions.map((fn) => fn.name);
    if (resumed) {
      log = SessionLog.open(resumed.path);
      deps.err(`session log: ${log.path} (going on)\n`);
    } else if (options.log !== false) {
      log =
        typeof options.log === 'string'
          ? SessionLog.open(options.log)
          : SessionLog.create(profile.name);
      log.append(engine.header(profile.name, names));
      deps.err(`session log: ${log.path}\n`);
      const space = logSpaceWarning(plan, log);
      if (space) deps.err(`${space}\n`);
    }
    const { gateway, host } = engine.where;
    if (plan.energy) {
      power = deps.createPower(profile, options, engine);
      if (gateway) deps.err(`power: measured on ${host ?? gateway} by its source ${power.label}\n`);
      else watchPower(power, plan, deps.err);
    }
    if (gateway) deps.err(`running on ${host ?? gateway} through the gateway ${gateway}\n`);
    const estimate = await estimateWith(power);
    const resume = resumed ? resumeOptions(resumed, Date.now()) : undefined;
    const timing = new RunTiming(clock);
    if (ask.driver === 'client') deps.err(`driver: this machine, one request per invocation\n`);
    const outcome = await runWithProgress(
      plan,
      engine,
      power,
      log,
      deps,
      estimate,
      timing,
      resume,
      ask.driver,
    );
    deps.err(`${timing.line(estimate, outcome.aborted)}\n`);
    const ladder = resumed ? plan.lanes !== undefined : ask.lanes !== null;
    printOutcome(outcome, { plan, format, power, skipped, ladder }, deps);
    return outcome;
  } finally {
    // A run that failed midway must not leave the plug's MQTT connection holding the process.
    await power?.stop();
    log?.close();
    await engine.close();
  }
}

/** `--plan FILE [--thin K]`: the file's plan, its count said before anything starts. */
function planOfFile(
  engine: TargetEngine,
  profile: Profile,
  options: BenchOptions,
  err: (text: string) => void,
): { plan: ExperimentPlan; skipped: SkippedCell[] } {
  const choice = benchPlanFromFile(
    options.plan as string,
    options.thin,
    { ...options },
    profile,
    (name) => engine.fn(name),
  );
  for (const { function: name, runtime, reason } of choice.skipped) {
    err(`skipped: ${name} on ${runtime}: ${reason}\n`);
  }
  err(`${planCountLine(choice)}\n`);
  return choice;
}

/**
 * The plan of the flags and the profile, checked whole before anything starts; the cells it
 * skips are said.
 */
function benchPlan(
  engine: TargetEngine,
  profile: Profile,
  options: BenchOptions,
  ask: BenchAsk,
  err: (text: string) => void,
): { plan: ExperimentPlan; skipped: SkippedCell[] } {
  const names = options.functions
    ? splitList(options.functions)
    : engine.catalog.functions.map((fn) => fn.name).filter((name) => !NOT_BY_DEFAULT.has(name));
  if (names.length === 0) throw new UsageError('--functions names no function');
  const inputs =
    options.inputs === undefined ? null : parseOrUsage(() => parseInputs(options.inputs as string));
  const laneRuntimes = ask.lanes ? ask.lanes.map((lane) => lane.runtime) : ask.runtimes;
  const skipped = skippedCells(engine, names, [...new Set(laneRuntimes)]);
  for (const { function: name, runtime, reason } of skipped) {
    err(`skipped: ${name} on ${runtime}: ${reason}\n`);
  }
  const functions = names.map((name) => {
    const skip = skipped.filter((cell) => cell.function === name).map((cell) => cell.runtime);
    return {
      name,
      inputs: inputs ?? [engine.fn(name).manifest.defaultInput],
      ...(skip.length > 0 ? { skip } : {}),
    };
  });
  let plan: ExperimentPlan;
  try {
    plan = planFromProfile(profile.experiment, {
      functions,
      runtimes: ask.runtimes,
      lanes: ask.lanes,
      modes: ask.modes,
      repetitions: options.n,
      warmup: options.warmup,
      pauseMs: options.pauseMs,
      order: planOrder(options),
      energy: ask.withEnergy
        ? {
            blocks: options.blocks,
            blockSeconds: options.blockSeconds,
            baselineSeconds: options.baseline,
            idle: options.idle,
            precision: options.precision,
            maxSeconds: options.maxMinutes === undefined ? undefined : options.maxMinutes * 60,
          }
        : null,
    });
  } catch (error) {
    if (error instanceof ExperimentPlanError) throw new UsageError(error.message);
    throw error;
  }
  // Checked whole now (a counted plan's size included; a function no runtime can run).
  parseOrUsage(() => buildPlan({ ...plan, order: plan.order }));
  return { plan, skipped };
}

/** Cells not run because the runtime can never run the function, and why. */
function skippedCells(
  engine: TargetEngine,
  names: string[],
  runtimes: RuntimeName[],
): SkippedCell[] {
  return names.flatMap((name) =>
    runtimes.flatMap((runtime) => {
      const reason = unavailableReason(engine.fn(name).manifest, runtime);
      return reason ? [{ function: name, runtime, reason }] : [];
    }),
  );
}

async function runWithProgress(
  plan: ExperimentPlan,
  engine: TargetEngine,
  power: PowerSource | null,
  log: SessionLog | null,
  deps: BenchDeps,
  estimate: PlanEstimate,
  timing: RunTiming,
  resume: TargetRunOptions['resume'] | undefined,
  driver: Driver,
): Promise<TargetOutcome> {
  const progress =
    deps.interactive && process.stderr.isTTY
      ? showProgress(process.stderr, () => runCost(log), new EtaTracker(etaEstimate(estimate)))
      : null;
  try {
    return await engine.runExperiment(plan, {
      power,
      driver,
      clock: deps.clock,
      log: log ? (record) => log.append(record) : undefined,
      // A resumed run's sizes were logged when it started.
      sizes: resume === undefined,
      ...(resume ? { resume } : {}),
      // SIGINT, SIGTERM, SIGHUP (cli/signals.ts): stop after the current invocation.
      signal: stopSignal(),
      onEvent: (event) => {
        timing.event(event);
        progress?.(event);
        if (event.type === 'baseline') {
          deps.err(`power: idle baseline ${event.phase} the blocks, ${event.seconds} s\n`);
        } else if (event.type === 'blocks') {
          const measured =
            event.intervalS === null
              ? 'no reading interval measured'
              : `a reading every ${event.intervalS.toFixed(2)} s`;
          deps.err(`power: ${event.total} blocks of ${event.blockSeconds} s (${measured})\n`);
        }
      },
    });
  } finally {
    progress?.({ type: 'end' });
  }
}

/** Trouble with the source is shown as it happens. */
function watchPower(power: PowerSource, plan: ExperimentPlan, err: (text: string) => void): void {
  const estimate = power.kind === 'estimate' ? ' (an estimate, not a measurement)' : '';
  const sim = power.simulated ? ' (SIMULATED readings)' : '';
  err(`power: ${power.label}${estimate}${sim}; ${plan.energy?.blocks} blocks per runtime\n`);
  power.on('status', (s) => {
    if (s.state === 'down' || s.state === 'stale') err(`power: ${s.state}: ${s.lastError ?? ''}\n`);
  });
  power.on('gap', (gap) => err(`power: gap recorded: ${gap.reason}\n`));
}
