/** The flags of `nebula bench` and what they ask for, checked before anything starts. */
import type { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import {
  isMode,
  isRuntimeName,
  MODES,
  type Mode,
  RUNTIME_NAMES,
  type RuntimeName,
} from '../../core/invocation.js';
import { type Lane, PLAN_ORDERS, PlanError, type PlanOrder } from '../../core/plan.js';
import { DRIVERS, type Driver } from '../../measure/driver.js';
import { ladderLanes, parseLane, VariantError } from '../../runtimes/variants.js';
import { positiveInt } from '../run.js';
import {
  addBenchPowerOptions,
  type BenchPowerOptions,
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
  /** A plan file (plans/thesis.json): functions, inputs, runtimes and the rest from it. */
  plan?: string;
  /** With --plan: keep every K-th input of each function. */
  thin?: number;
  /** Say the invocation count and the estimated duration, then stop without running. */
  estimate?: boolean;
  /** A stopped or killed run's session log: go on with its plan (bench-resume.ts). */
  resume?: string;
  /** The options given on the command line (not defaults), where commander told. */
  given?: readonly string[];
  /** target (the default) or client: which machine drives the session (measure/driver.ts). */
  driver?: string;
}

/** An hour: longer pauses are a mistake (and overflow Node's timers). */
const MAX_PAUSE_MS = 3_600_000;

export function addBenchOptions(command: Command): Command {
  return addBenchPowerOptions(command)
    .description(
      'run functions many times on several runtimes and summarise (medians, intervals, ratios)',
    )
    .option(
      '--functions <names>',
      'comma-separated function names (default: all but faulty and prime-number-thesis)',
    )
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
    .option(
      '--plan <file>',
      'run a plan file (plans/thesis.json): its functions, inputs, runtimes, mode, repetitions, order, pause and power',
    )
    .option(
      '--thin <k>',
      'with --plan: keep every K-th input (a quick look)',
      positiveInt('--thin'),
    )
    .option(
      '--estimate',
      'say the invocation count and the estimated duration (from earlier sessions here, or a short calibration), and run nothing',
    )
    .option(
      '--resume <log>',
      'go on with a stopped or killed run from its session log: its plan, the groups it finished kept, the rest run and appended',
    )
    .option(
      '--driver <where>',
      "on a gateway profile: target (the default; the whole experiment runs on the gateway's machine) or client (this machine drives it, one HTTP request per invocation, while the target reads its power)",
    )
    .option('--profile <name>', 'profile name in profiles/ or a path');
}

/** The options the command line gave (commander fills in defaults for the rest). */
export function givenOptions(command: Command): string[] {
  return command.options
    .map((option) => option.attributeName())
    .filter((key) => command.getOptionValueSource(key) === 'cli');
}

/** The output format asked for: one at most. */
export function benchFormat(options: BenchOptions): 'json' | 'csv' | 'markdown' {
  const formats = (['json', 'csv', 'markdown'] as const).filter((format) => options[format]);
  if (formats.length > 1) {
    throw new UsageError(
      `choose one output format, not ${formats.map((f) => `--${f}`).join(' and ')}`,
    );
  }
  return formats[0] ?? 'markdown';
}

/** What the flags ask for beyond the functions: runtimes, modes, lanes, energy or not. */
export interface BenchAsk {
  withEnergy: boolean;
  runtimes: RuntimeName[];
  modes: Mode[];
  lanes: Lane[] | null;
  driver: Driver;
}

/** Flags that contradict each other are refused here, before any engine is started. */
export function benchAsk(options: BenchOptions): BenchAsk {
  if (options.thin !== undefined && options.plan === undefined) {
    throw new UsageError("--thin thins a plan file's inputs; use it with --plan FILE");
  }
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
  const driver = options.driver ?? 'target';
  if (!(DRIVERS as readonly string[]).includes(driver)) {
    throw new UsageError(`unknown --driver "${driver}"; choose one of ${DRIVERS.join(', ')}`);
  }
  return { withEnergy, runtimes, modes, lanes, driver: driver as Driver };
}

/** Runtimes take turns unless told otherwise (energy runs use blocks of time instead). */
export function planOrder(options: BenchOptions): PlanOrder {
  if (options.order === undefined) return 'interleaved';
  if (!(PLAN_ORDERS as readonly string[]).includes(options.order)) {
    throw new UsageError(
      `unknown --order "${options.order}"; choose one of ${PLAN_ORDERS.join(', ')}`,
    );
  }
  return options.order as PlanOrder;
}

export function splitList(text: string): string[] {
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

/** A PlanError (core/plan.ts) is the request's fault: a UsageError with its message. */
export function parseOrUsage<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof PlanError) throw new UsageError(error.message);
    throw error;
  }
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
