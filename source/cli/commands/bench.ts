import type { Command } from 'commander';
import { unavailableReason } from '../../catalog/availability.js';
import type { Catalog } from '../../catalog/catalog.js';
import { UsageError } from '../../core/errors.js';
import {
  isMode,
  isRuntimeName,
  MODES,
  RUNTIME_NAMES,
  type RuntimeName,
} from '../../core/invocation.js';
import {
  buildPlan,
  type Lane,
  laneLabel,
  PLAN_ORDERS,
  PlanError,
  type PlanOrder,
  parseInputs,
} from '../../core/plan.js';
import { Engine } from '../../engine/engine.js';
import type { InvocationEngine } from '../../engine/invocation-engine.js';
import { engineInvoke } from '../../experiment/engine-invoke.js';
import type { MeasureClock } from '../../measure/clock.js';
import {
  type ExperimentPlan,
  ExperimentPlanError,
  parseExperimentPlan,
} from '../../measure/plan.js';
import type { ExperimentOutcome } from '../../measure/session.js';
import type { PowerSource } from '../../power/source.js';
import { loadProfile } from '../../profiles/load.js';
import type { Profile } from '../../profiles/schema.js';
import { RemoteEngine } from '../../remote/remote-engine.js';
import { renderSummaryCsv } from '../../report/render/csv.js';
import { renderResultsJson } from '../../report/render/json.js';
import { renderExperimentMarkdown } from '../../report/render/markdown.js';
import { outcomeReport } from '../../report/report.js';
import { markdownTable } from '../../report/table.js';
import { ladderRows, ladderTable } from '../../report/variant-ladder.js';
import type { Runtime } from '../../runtimes/runtime.js';
import { ladderLanes, parseLane, VariantError } from '../../runtimes/variants.js';
import { sessionHeader } from '../../session/header.js';
import { SessionLog } from '../../session/session-log.js';
import { createEngineForProfile } from '../../target/engine-for-profile.js';
import {
  powerOnTarget,
  runOnTarget,
  sizesOnTarget,
  type TargetOutcome,
} from '../../target/on-target.js';
import { showProgress } from '../progress-line.js';
import { EXIT_FAILED, positiveInt } from '../run.js';
import { logSpaceWarning, runCost } from '../run-cost.js';
import { stopSignal } from '../signals.js';
import {
  addBenchPowerOptions,
  type BenchPowerOptions,
  benchPowerFlags,
  benchPowerRequested,
} from './bench-power-options.js';

export interface BenchOptions extends BenchPowerOptions {
  functions?: string;
  runtimes: string;
  mode: string;
  inputs?: string;
  n?: number;
  warmup?: number;
  pauseMs?: number;
  json?: boolean;
  csv?: boolean;
  markdown?: boolean;
  log: string | boolean;
  order?: string;
  variants?: string;
}

/** What a bench run needs from outside; tests inject a virtual clock and power source. */
export interface BenchDeps {
  createEngine: (profile: Profile) => Promise<InvocationEngine>;
  /** The power source where the engine's functions run (a gateway's is read there). */
  createPower: (profile: Profile, options: BenchOptions, engine: InvocationEngine) => PowerSource;
  clock?: MeasureClock;
  out: (text: string) => void;
  err: (text: string) => void;
  /** The progress line: only for a terminal's run. */
  interactive: boolean;
}

const defaultDeps: BenchDeps = {
  createEngine: (profile) => createEngineForProfile(profile),
  createPower: (profile, options, engine) =>
    powerOnTarget(engine, profile, benchPowerFlags(options)),
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  interactive: true,
};

/** An hour: longer pauses are a mistake (and overflow Node's timers). */
const MAX_PAUSE_MS = 3_600_000;

/** `faulty` exists to test the sandbox; it is benchmarked only when named. */
const NOT_BY_DEFAULT = new Set(['faulty']);

export function registerBench(program: Command): void {
  addBenchPowerOptions(program.command('bench'))
    .description(
      'run functions many times on several runtimes and summarise (medians, intervals, ratios)',
    )
    .option('--functions <names>', 'comma-separated function names (default: all but faulty)')
    .option(
      '--runtimes <names>',
      `comma-separated, of ${RUNTIME_NAMES.join(', ')}`,
      RUNTIME_NAMES.join(','),
    )
    .option('--mode <modes>', 'cold, warm, or cold,warm', 'cold')
    .option(
      '--inputs <list>',
      "inputs, e.g. 1,2,3 or a sweep 0:30:5 (default: each function's defaultInput)",
    )
    .option(
      '-n, --n <count>',
      "measured invocations per cell (default: the profile's repetitions)",
      positiveInt('-n'),
    )
    .option(
      '--warmup <count>',
      "uncounted invocations per cell first (default: the profile's)",
      positiveInt('--warmup'),
    )
    .option(
      '--pause-ms <ms>',
      "pause between invocations (default: the profile's)",
      positiveInt('--pause-ms', MAX_PAUSE_MS),
    )
    .option('--json', 'print {"results": [...], "comparisons": [...]}')
    .option('--csv', 'print one CSV row per cell')
    .option('--markdown', 'print markdown tables (the default)')
    .option('--log <file>', 'session log to append to (default: logs/<time>-<profile>.jsonl)')
    .option('--no-log', 'write no session log')
    .option(
      '--order <order>',
      'without energy: interleaved (runtimes take turns, the default) or blocked (each cell back to back)',
    )
    .option(
      '--variants <lanes>',
      'cold starts under other conditions, interleaved: "ladder" (Nebula\'s defaults to the thesis\'s, one factor at a time; "ladder:wasm-p1" on wasm-p1) or lanes like "container:net=bridge,client=cli; wasm:load=precompiled"',
    )
    .option('--profile <name>', 'profile name in profiles/ or a path')
    .action(async (options: BenchOptions) => {
      await bench(options);
    });
}

export async function bench(
  options: BenchOptions,
  deps: BenchDeps = defaultDeps,
): Promise<ExperimentOutcome> {
  const formats = (['json', 'csv', 'markdown'] as const).filter((format) => options[format]);
  if (formats.length > 1) {
    throw new UsageError(
      `choose one output format, not ${formats.map((f) => `--${f}`).join(' and ')}`,
    );
  }
  const profile = loadProfile(options.profile);
  const withEnergy = benchPowerRequested(options);
  if (withEnergy && options.n !== undefined) {
    throw new UsageError(
      '-n counts invocations of a run without energy; with --power each runtime runs for blocks of time: use --blocks and --block-seconds',
    );
  }
  if (withEnergy && options.order !== undefined) {
    throw new UsageError(
      '--order applies to runs without energy; with --power blocks alternate between runtimes (A B A B)',
    );
  }
  if (options.n !== undefined && options.n < 1) throw new UsageError('-n must be at least 1');
  if (options.blocks !== undefined && options.blocks < 1) {
    throw new UsageError('--blocks must be at least 1 (6 give a 95% interval of the median)');
  }
  const runtimes = parseList('--runtimes', options.runtimes, isRuntimeName, RUNTIME_NAMES);
  const modes = parseList('--mode', options.mode, isMode, MODES);
  const lanes = options.variants === undefined ? null : parseVariants(options.variants);
  if (lanes && (modes.length !== 1 || modes[0] !== 'cold')) {
    throw new UsageError('--variants are conditions of a cold start; use them with --mode cold');
  }
  if (lanes && withEnergy) {
    throw new UsageError(
      '--variants compare cold starts by count; run energy (--power) on the runtimes without variants',
    );
  }
  const engine = await deps.createEngine(profile);
  let log: SessionLog | null = null;
  let power: PowerSource | null = null;
  let remotePower: { label: string; kind: string; simulated: boolean } | null = null;
  try {
    const names = options.functions
      ? splitList(options.functions)
      : engine.catalog.functions.map((fn) => fn.name).filter((name) => !NOT_BY_DEFAULT.has(name));
    if (names.length === 0) throw new UsageError('--functions names no function');
    const inputs =
      options.inputs === undefined
        ? null
        : parseOrUsage(() => parseInputs(options.inputs as string));
    const laneList = lanes ?? runtimes.map((runtime) => ({ runtime }));
    const skipped = skippedCells(engine, names, [...new Set(laneList.map((l) => l.runtime))]);
    for (const { function: name, runtime, reason } of skipped) {
      deps.err(`skipped: ${name} on ${runtime}: ${reason}\n`);
    }
    const functions = names.map((name) => {
      const skip = skipped.filter((cell) => cell.function === name).map((cell) => cell.runtime);
      return {
        name,
        inputs: inputs ?? [engine.fn(name).manifest.defaultInput],
        ...(skip.length > 0 ? { skip } : {}),
      };
    });
    const settings = profile.experiment;
    const plan = planOrUsage({
      functions,
      runtimes,
      ...(lanes ? { lanes } : {}),
      modes,
      repetitions: options.n ?? settings.repetitions,
      warmup: options.warmup ?? settings.warmup,
      pauseMs: options.pauseMs ?? settings.pauseMs,
      order: planOrder(options),
      energy: withEnergy
        ? {
            blocks: options.blocks ?? settings.blocks,
            blockSeconds: options.blockSeconds ?? settings.blockSeconds ?? null,
            baselineSeconds: options.baseline ?? settings.baselineSeconds,
            ...(options.idle ? { idle: options.idle } : {}),
            ...(options.precision === undefined ? {} : { precision: options.precision }),
            ...(options.maxMinutes === undefined ? {} : { maxSeconds: options.maxMinutes * 60 }),
          }
        : null,
    });
    // Checked whole now (a counted plan's size included; a function no runtime can run),
    // before anything starts.
    parseOrUsage(() => buildPlan({ ...plan, order: plan.order }));
    await checkReady(engine, names, laneList, skipped);

    if (options.log !== false) {
      log =
        typeof options.log === 'string'
          ? SessionLog.open(options.log)
          : SessionLog.create(profile.name);
      const local =
        engine instanceof Engine
          ? engine.catalog.functions.filter((fn) => names.includes(fn.name))
          : [];
      log.append(sessionHeader(profile.name, local));
      // A session without containers neither loads dockerode nor asks an engine. A gateway
      // writes its own sizes into its log and streams the record here with the others.
      if (!(engine instanceof RemoteEngine)) {
        const images = laneList.some((lane) => lane.runtime === 'container');
        log.append(await sizesOnTarget(engine, profile, { functions: names, images }));
      }
      deps.err(`session log: ${log.path}\n`);
      const space = logSpaceWarning(plan, log);
      if (space) deps.err(`${space}\n`);
    }
    if (withEnergy) {
      if (engine instanceof RemoteEngine) {
        // Checked here; the experiment reads the gateway's own source on its clock.
        power = deps.createPower(profile, options, engine);
        const host = engine.description?.machine.hostname ?? engine.url;
        deps.err(`power: measured on ${host} by its source ${power.label}\n`);
        power = null;
        remotePower = engine.description?.power ?? null;
      } else {
        power = deps.createPower(profile, options, engine);
        watchPower(power, plan, deps.err);
      }
    }
    if (engine instanceof RemoteEngine) {
      const host = engine.description?.machine.hostname ?? engine.url;
      deps.err(`running on ${host} through the gateway ${engine.url}\n`);
    }
    const outcome = await runWithInterrupt(plan, engine, power, log, deps);
    const measuredBy = power ?? remotePower;
    const report = outcomeReport(
      outcome,
      measuredBy && plan.energy
        ? { source: measuredBy.label, kind: measuredBy.kind, simulated: measuredBy.simulated }
        : null,
    );
    if (outcome.lost) deps.err(`${outcome.lost}\n`);
    for (const cell of outcome.energy) {
      if (cell.reason) deps.err(`power: ${cell.cell}: ${cell.reason}\n`);
    }
    if (outcome.idle?.flagged) deps.err(`power: ${outcome.idle.reason}\n`);
    if (options.json) {
      deps.out(renderResultsJson({ ...report, aborted: outcome.aborted, skipped }));
    } else if (options.csv) deps.out(renderSummaryCsv(report.results));
    else {
      deps.out(renderExperimentMarkdown(report));
      for (const cell of skipped) {
        deps.out(`\nSkipped: ${cell.function} on ${cell.runtime}: ${cell.reason}\n`);
      }
      const steps = lanes ? ladderRows(outcome.cells) : [];
      if (steps.length > 0) deps.out(`\n${markdownTable(ladderTable(steps))}\n`);
    }
    if (outcome.aborted && !outcome.lost) {
      const ran = outcome.invocations;
      deps.err(
        plan.energy
          ? `interrupted: ${ran} invocations ran, in ${blocksRan(outcome)} of ${outcome.planned} blocks\n`
          : `interrupted: ${ran} of ${outcome.planned} invocations ran\n`,
      );
    } else if (outcome.lost || report.results.some((result) => result.failures > 0)) {
      process.exitCode = EXIT_FAILED;
    }
    return outcome;
  } finally {
    // A run that failed midway must not leave the plug's MQTT connection holding the process.
    await power?.stop();
    log?.close();
    await engine.close();
  }
}

async function runWithInterrupt(
  plan: ExperimentPlan,
  engine: InvocationEngine,
  power: PowerSource | null,
  log: SessionLog | null,
  deps: BenchDeps,
): Promise<TargetOutcome> {
  const progress =
    deps.interactive && process.stderr.isTTY
      ? showProgress(process.stderr, () => runCost(log))
      : null;
  try {
    return await runOnTarget(engine, plan, {
      invoke: engineInvoke(engine),
      power,
      clock: deps.clock,
      log: log ? (record) => log.append(record) : undefined,
      // SIGINT, SIGTERM, SIGHUP (cli/signals.ts): stop after the current invocation.
      signal: stopSignal(),
      onEvent: (event) => {
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

function blocksRan(outcome: ExperimentOutcome): number {
  return outcome.energy.reduce((n, cell) => n + cell.blocks.length, 0);
}

function planOrUsage(plan: unknown): ExperimentPlan {
  try {
    return parseExperimentPlan(plan);
  } catch (error) {
    if (error instanceof ExperimentPlanError) throw new UsageError(error.message);
    throw error;
  }
}

/** Runtimes take turns unless told otherwise (energy runs use blocks of time instead). */
function planOrder(options: BenchOptions): PlanOrder {
  if (options.order === undefined) return 'interleaved';
  if (!(PLAN_ORDERS as readonly string[]).includes(options.order)) {
    throw new UsageError(
      `unknown --order "${options.order}"; choose one of ${PLAN_ORDERS.join(', ')}`,
    );
  }
  return options.order as PlanOrder;
}

function splitList(text: string): string[] {
  return text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

function parseList<T extends string>(
  option: string,
  text: string,
  valid: (value: string) => value is T,
  known: readonly string[],
): T[] {
  const items = splitList(text);
  const wrong = items.filter((item) => !valid(item));
  if (wrong.length > 0 || items.length === 0) {
    throw new UsageError(
      `${option}: unknown ${wrong.map((w) => `"${w}"`).join(', ') || 'empty list'}; choose from ${known.join(', ')}`,
    );
  }
  return [...new Set(items)] as T[];
}

function parseOrUsage<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof PlanError) throw new UsageError(error.message);
    throw error;
  }
}

/** A cell that is not run because the runtime can never run the function, and why. */
interface SkippedCell {
  function: string;
  runtime: RuntimeName;
  reason: string;
}

function skippedCells(
  engine: InvocationEngine,
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

/** `ladder`, `ladder:wasm-p1`, or lanes `RUNTIME[:factor=value,...]` split by ; or spaces. */
function parseVariants(text: string): Lane[] {
  const trimmed = text.trim();
  if (trimmed === 'ladder') return ladderLanes('wasm');
  if (trimmed === 'ladder:wasm-p1') return ladderLanes('wasm-p1');
  const items = trimmed.split(/[;\s]+/).filter((item) => item !== '');
  if (items.length === 0) throw new UsageError('--variants names no lane; try --variants ladder');
  try {
    return items.map(parseLane);
  } catch (error) {
    if (error instanceof VariantError) throw new UsageError(`--variants: ${error.message}`);
    throw error;
  }
}

/**
 * A local engine: every runtime loads and has every function deployed, before anything runs.
 * A variant's artifacts (an image on another base) are built here when missing: they exist
 * only for the variant, so asking for it is asking for them.
 */
async function checkReady(
  engine: InvocationEngine,
  names: string[],
  lanes: readonly Lane[],
  skipped: SkippedCell[],
): Promise<void> {
  for (const name of names) engine.fn(name);
  if (engine instanceof RemoteEngine) return checkReadyThere(engine, names, lanes, skipped);
  if (!(engine instanceof Engine)) return;
  const missing: string[] = [];
  for (const lane of lanes) {
    const runtimeName = laneLabel(lane);
    const runs = names.filter(
      (name) => !skipped.some((cell) => cell.function === name && cell.runtime === lane.runtime),
    );
    if (runs.length === 0) continue;
    let runtime: Runtime;
    try {
      runtime = await engine.runtime(lane.runtime, lane.variant);
    } catch (error) {
      if (error instanceof UsageError) throw error;
      throw new Error(`runtime ${runtimeName} is not available: ${(error as Error).message}`);
    }
    for (const name of runs) {
      const fn = (engine.catalog as Catalog).get(name);
      if (await runtime.isDeployed(fn)) continue;
      if (lane.variant) {
        process.stderr.write(`deploying ${name} for ${runtimeName}\n`);
        await runtime.deploy(fn);
      } else missing.push(`${name} on ${runtimeName}`);
    }
  }
  if (missing.length > 0) {
    throw new Error(
      `not deployed: ${missing.join(', ')}; run \`nebula deploy ${[...new Set(missing.map((m) => m.split(' ')[0]))].join(' ')}\` first`,
    );
  }
}

/**
 * A gateway: every cell deployed there before anything runs. A variant's artifacts are
 * built there when missing, as they are here.
 */
async function checkReadyThere(
  engine: RemoteEngine,
  names: string[],
  lanes: readonly Lane[],
  skipped: SkippedCell[],
): Promise<void> {
  const runs = (lane: Lane) =>
    names.filter(
      (name) => !skipped.some((cell) => cell.function === name && cell.runtime === lane.runtime),
    );
  for (const lane of lanes.filter((lane) => lane.variant)) {
    const fns = runs(lane);
    if (fns.length === 0) continue;
    const rows = await engine.deploy(fns, [lane.runtime], { variant: lane.variant });
    const failed = rows.filter((row) => !row.ok);
    if (failed.length > 0) {
      throw new Error(
        `could not deploy for ${laneLabel(lane)} on the gateway ${engine.url}: ${failed.map((row) => `${row.function}: ${row.detail}`).join('; ')}`,
      );
    }
  }
  const plain = [...new Set(lanes.filter((lane) => !lane.variant).map((lane) => lane.runtime))];
  const states = plain.length > 0 ? await engine.functionStates(plain) : [];
  const missing = plain.flatMap((runtime) =>
    runs({ runtime })
      .filter((name) => states.find((fn) => fn.name === name)?.deployed[runtime] !== true)
      .map((name) => `${name} on ${runtime}`),
  );
  if (missing.length > 0) {
    throw new Error(
      `not deployed on the gateway ${engine.url}: ${missing.join(', ')}; run \`nebula deploy ${[...new Set(missing.map((m) => m.split(' ')[0]))].join(' ')} --profile ...\` with this profile first`,
    );
  }
}
