/**
 * The console's state: plain, serializable data, replaced (never mutated) on each change so
 * a React view can compare snapshots by identity. No React, no Ink, no I/O here.
 */
import type { InvocationResult, Mode, RuntimeName, Timings } from '../core/invocation.js';
import type { Cell, Lane } from '../core/plan.js';

/** One line of the results view (results-view.ts writes them from the report model). */
export interface ResultLine {
  text: string;
  /** A heading, a flag (drift, a failed cell), or plain. */
  kind: 'heading' | 'flag' | 'plain' | 'muted';
}

/** The two sides the console compares, one pane each: a Wasm runtime and the container. */
export const PANE_RUNTIMES = ['wasm', 'container'] as const;
export type PaneRuntime = (typeof PANE_RUNTIMES)[number];

/** The Wasm runtimes the Wasm side can be: the component on jco, or node:wasi (preview1). */
export const WASM_RUNTIMES = ['wasm', 'wasm-p1'] as const;
export type WasmRuntime = (typeof WASM_RUNTIMES)[number];

/** Every runtime the table keeps a deploy state for, and `d` deploys to. */
export const DEPLOY_RUNTIMES = ['wasm', 'wasm-p1', 'container'] as const;
export type DeployRuntime = (typeof DEPLOY_RUNTIMES)[number];

/**
 * Deployed, not deployed, being checked, cannot tell (engine down, remote gateway), or never
 * (`n/a`: the runtime cannot run this function at all, e.g. no native binary for a container).
 */
export type DeployState = 'yes' | 'no' | 'checking' | 'unknown' | 'n/a';

export interface FunctionRow {
  name: string;
  description: string;
  defaultInput: string;
  /** The manifest's description of the input, shown while editing it. */
  inputFormat: string;
  deployed: Record<DeployRuntime, DeployState>;
  /** Why a runtime can never run this function (see catalog/availability.ts). */
  unavailable: Partial<Record<DeployRuntime, string>>;
}

export type Overlay =
  | 'none'
  | 'help'
  | 'input'
  | 'profiles'
  | 'log'
  | 'filter'
  | 'results'
  | 'plans';

/** One plan file in the plan picker: what running it takes, or why it cannot run. */
export interface PlanEntry {
  path: string;
  /** Where it is, as the picker shows it: "plans/thesis.json", "~/.config/nebula/plans/x.json". */
  shown: string;
  name: string;
  /** The first line of its description ('' without one). */
  summary: string;
  functions: number;
  /** Invocations at the picker's thin factor; null when energy sets the length by time. */
  invocations: number | null;
  /** Cells skipped because a runtime can never run the function. */
  skipped: number;
  /** How long it should take (measure/estimate.ts), or why not known; null while unknown. */
  estimate: string | null;
  /** Why it cannot run, naming the field and the fix; null when it can. */
  error: string | null;
}

/** The plan picker: the plan files found, the highlighted one, every K-th input kept. */
export interface PlanPicker {
  entries: PlanEntry[];
  index: number;
  thin: number;
  /** The folders looked in (said when none holds a plan). */
  dirs: string[];
}

/** A plan file's run, beside its progress: its name, thinning, and the cell running now. */
export interface PlanRunView {
  name: string;
  thin: number;
  /** The cell running now (the last one run, once it ends); the panes follow it. */
  now: Cell | null;
  /** Each pane's lane in this plan: the one it ran last, at first the plan's first of its kind. */
  lanes: Partial<Record<PaneRuntime, Lane>>;
}

export type ServiceState = 'up' | 'down' | 'checking' | 'none' | 'remote' | 'stale';

export interface ServiceStatus {
  state: ServiceState;
  /** What it is: the Docker address, the broker URL, the gateway URL. */
  address: string;
  detail: string | null;
}

/** The machine the functions run on: this one, or a gateway's, and whether it answers. */
export interface TargetView {
  kind: 'local' | 'gateway';
  /** up: answers; down: does not (detail says why); checking: not asked yet. */
  state: 'up' | 'down' | 'checking';
  /** The gateway's URL, or null for this machine. */
  url: string | null;
  /** The machine's host name once known. */
  host: string | null;
  /** One line about the machine (CPU, cores, memory, kernel, engine, Node), or why not. */
  detail: string | null;
}

/** Where the watts come from, as the console labels them. */
export type PowerLabel = 'plug' | 'simulated' | 'estimate' | 'rapl' | 'pmic' | 'hwmon';

export interface PowerView {
  label: PowerLabel;
  /** The source's own name, e.g. "mqtt tasmota plug-1". */
  source: string;
  /** Latest readings, oldest first, at most POWER_HISTORY of them. */
  watts: number[];
  current: number | null;
  stale: boolean;
  baselineW: number | null;
  /** Energy per invocation, one per runtime of the last experiment with power. */
  energy: EnergyView[];
  /** Container over Wasm energy per invocation of that experiment, when both have a figure. */
  energyRatio: EnergyRatio | null;
  error: string | null;
}

export interface EnergyView {
  experiment: string;
  runtime: RuntimeName;
  invocations: number;
  /** Per invocation in microwatt-hours, median over blocks; null with a reason when not known. */
  grossMicroWh: number | null;
  netMicroWh: number | null;
  /** 95% interval of the net median; null below 6 blocks. */
  netLow: number | null;
  netHigh: number | null;
  blocks: number;
  readings: number;
  reason: string | null;
}

/** Median over median of the blocks' figures, with its 95% bootstrap interval (core/compare). */
export interface EnergyRatio {
  basis: 'net' | 'gross';
  ratio: number;
  /** Null below the blocks an interval needs (the cells' own intervals are null then too). */
  low: number | null;
  high: number | null;
}

/** What a long run costs while it runs: the session log's size and this process's memory. */
export interface RunCost {
  logBytes: number;
  rssBytes: number;
}

export interface ExperimentView {
  id: string;
  phase: 'baseline' | 'running' | 'done' | 'stopped';
  done: number;
  total: number;
  function: string;
  runtimes: RuntimeName[];
  /** A plan file's run (the plan picker); absent for `s`. */
  plan?: PlanRunView;
  /** The time left while it runs, "1 min 02 s" (measure/eta.ts); null until there is something to go by. */
  eta?: string | null;
}

/** One row of the recent invocations list (log overlay). */
export interface RecentInvocation {
  function: string;
  runtime: string;
  mode: Mode;
  input: string;
  ok: boolean;
  totalMs: number;
  failure: string | null;
}

/** Samples of one cell (function, runtime, mode, input), capped at MAX_SAMPLES. */
export interface Series {
  timings: Timings[];
  failures: number;
  last: InvocationResult;
}

export interface ConsoleState {
  profile: { name: string; label: string; choices: string[] };
  functions: FunctionRow[];
  selected: number;
  /** Only functions whose name holds this text are listed ('' lists all). */
  filter: string;
  mode: Mode;
  /** Which Wasm runtime the Wasm side (pane, w, b, s, the table's column) uses. */
  wasmRuntime: WasmRuntime;
  /** Input per function when edited; otherwise the manifest's defaultInput. */
  inputs: Record<string, string>;
  overlay: Overlay;
  /** The text being typed in the input editor. */
  draft: string;
  /** Highlighted profile in the picker. */
  pickerIndex: number;
  plans: PlanPicker;
  /** First line shown of a scrolling overlay (help, results); 0 when it opens. */
  scroll: number;
  docker: ServiceStatus;
  broker: ServiceStatus;
  target: TargetView;
  logPath: string | null;
  /** By core/plan.ts cellKey. */
  series: Record<string, Series>;
  recent: RecentInvocation[];
  busy: boolean;
  experiment: ExperimentView | null;
  /** The session's experiments as the results view shows them, the newest first. */
  results: ResultLine[];
  /** Shown in the status bar while an experiment runs. */
  runCost: RunCost | null;
  power: PowerView | null;
  /** The latest notice or error, shown in the footer. */
  message: { text: string; error: boolean } | null;
  quitting: boolean;
  /** Segment of the session log (a new one on each profile switch). */
  segment: number;
  /** How runs are emulated (qemu), when they are: shown so no one reads the timings as real. */
  emulated: string | null;
}

export const MAX_SAMPLES = 5000;
export const MAX_RECENT = 50;
export const POWER_HISTORY = 120;

export function initialState(
  profile: { name: string; label: string },
  emulated: string | null = null,
): ConsoleState {
  return {
    emulated,
    profile: { ...profile, choices: [] },
    functions: [],
    selected: 0,
    filter: '',
    mode: 'cold',
    wasmRuntime: 'wasm',
    inputs: {},
    overlay: 'none',
    draft: '',
    pickerIndex: 0,
    plans: { entries: [], index: 0, thin: 1, dirs: [] },
    scroll: 0,
    docker: { state: 'checking', address: '', detail: null },
    broker: { state: 'none', address: '', detail: null },
    target: { kind: 'local', state: 'checking', url: null, host: null, detail: null },
    logPath: null,
    series: {},
    recent: [],
    busy: false,
    experiment: null,
    runCost: null,
    results: [],
    power: null,
    message: null,
    quitting: false,
    segment: 0,
  };
}

/** The runtime a side of the console stands for now. */
export function sideRuntime(
  state: Pick<ConsoleState, 'wasmRuntime'>,
  side: PaneRuntime,
): DeployRuntime {
  return side === 'wasm' ? state.wasmRuntime : 'container';
}

/** The input the selected function will get. */
export function currentInput(state: ConsoleState): string {
  const fn = state.functions[state.selected];
  if (!fn) return '';
  return state.inputs[fn.name] ?? fn.defaultInput;
}

/** The selected function, unless the filter hides it. */
export function selectedFunction(state: ConsoleState): FunctionRow | undefined {
  const fn = state.functions[state.selected];
  return fn && matchesFilter(fn, state.filter) ? fn : undefined;
}

export function matchesFilter(fn: FunctionRow, filter: string): boolean {
  return filter === '' || fn.name.toLowerCase().includes(filter.toLowerCase());
}

/** Indices (into state.functions) of the functions the filter lets through, in order. */
export function shownFunctions(state: Pick<ConsoleState, 'functions' | 'filter'>): number[] {
  return state.functions.flatMap((fn, i) => (matchesFilter(fn, state.filter) ? [i] : []));
}
