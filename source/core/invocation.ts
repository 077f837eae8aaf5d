/** Plain types shared by every room of the engine. No I/O, no UI. */

export const RUNTIME_NAMES = ['wasm', 'wasm-p1', 'container'] as const;
export type RuntimeName = (typeof RUNTIME_NAMES)[number];

export const MODES = ['cold', 'warm'] as const;
export type Mode = (typeof MODES)[number];

/**
 * The phases of one invocation (docs/MEASURING.md), from the host's marks accept and done and
 * the function's marks main_start, input_read, computed and main_end, all on one monotonic
 * clock. startup + input + exec + output + teardown = total, over the phases known (an
 * unmarked phase is null, never 0).
 */
export interface Timings {
  /** main_start - accept: everything before the function's own code runs. */
  startupMs: number;
  /**
   * input_read - main_start: the function reading its stdin (the platform's I/O). Absent or
   * null when the function did not mark input_read (logs written before that mark existed).
   */
  inputMs?: number | null;
  /**
   * The function's compute alone: computed - input_read. Where a mark is missing it spans what
   * was not marked: from main_start without input_read, up to main_end (or done) without
   * computed; so in old logs, without those two marks, exec is main_end - main_start. Null
   * when the function marked nothing (a module brought as it is): its compute is unknown.
   */
  execMs: number | null;
  /** main_end - computed: writing the result (the platform's I/O). Absent or null unmarked. */
  outputMs?: number | null;
  /**
   * done - main_end: until the result is in and the runtime is clean again. Null without
   * main_end: the time after the function's last mark is in exec (or startup), not here.
   */
  teardownMs: number | null;
  /** done - accept. */
  totalMs: number;
  /**
   * The thesis's own startup, for setting results beside its tables: container, accept to
   * main_start (its "process spawn to main"); Wasm, accept to the end of module loading, before
   * instantiation. Absent or null where it cannot be told (old logs, a run that never loaded).
   */
  thesisStartupMs?: number | null;
  /** The thesis's runtime: total - thesis startup. */
  thesisRuntimeMs?: number | null;
}

/** Every phase reports keep statistics of, in the order tables show them. */
export const PHASES = [
  'startupMs',
  'inputMs',
  'execMs',
  'outputMs',
  'teardownMs',
  'totalMs',
  'thesisStartupMs',
  'thesisRuntimeMs',
] as const;
export type Phase = (typeof PHASES)[number];

/** A phase's value, or null where the invocation has none (an unmarked or old record). */
export function phaseValue(timings: Timings, phase: Phase): number | null {
  const value = timings[phase];
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** Why an invocation failed, so callers can react without parsing messages. */
export type FailureKind =
  | 'bad-input'
  | 'exit'
  | 'trap'
  | 'timeout'
  | 'out-of-memory'
  | 'engine'
  | 'gateway'
  | 'output-limit'
  | 'not-deployed'
  | 'aborted';

export interface InvocationResult {
  function: string;
  runtime: RuntimeName;
  mode: Mode;
  input: string;
  ok: boolean;
  output: string;
  error: string | null;
  failure: FailureKind | null;
  exitCode: number | null;
  stderr: string;
  timings: Timings;
  /** Runtime-specific sub-phases (container: create, start, wait, remove), in ms. */
  phases?: Record<string, number>;
  /** Host monotonic clock (ns, as decimal string) when Nebula accepted the request. */
  acceptedAtNs: string;
  /** Set when the run was emulated (qemu): its timings are not performance figures. */
  emulated?: string;
  /** A named set of conditions other than the runtime's defaults (runtimes/variants.ts). */
  variant?: string;
  /** Peak memory of this invocation, where the runtime can measure it. */
  memory?: MemoryPeak;
}

/**
 * Peak memory of one invocation. Containers: the cgroup's high-water mark (v1
 * memory.max_usage_in_bytes, v2 memory.peak) of a cgroup made for the one invocation.
 * Wasm: the instance's linear memory at its end (it never shrinks, so that is its
 * high-water mark), and how much the worker's heap and external memory grew meanwhile.
 */
export interface MemoryPeak {
  /** Bytes, or null when it could not be read (note says why). */
  peakBytes: number | null;
  source: 'cgroup-v1' | 'cgroup-v2' | 'wasm-linear' | 'none';
  /** Wasm only: growth of the worker's V8 heap and external memory over the run. */
  workerGrowthBytes?: number;
  note?: string;
}

export interface InvokeRequest {
  input: string;
  mode: Mode;
  signal?: AbortSignal;
  /** Run under a named variant instead of the runtime's defaults (cold only). */
  variant?: string;
  /** The invocation's timeout instead of the manifest's timeoutMs (a plan's), in ms. */
  timeoutMs?: number;
}

export function isRuntimeName(value: string): value is RuntimeName {
  return (RUNTIME_NAMES as readonly string[]).includes(value);
}

export function isMode(value: string): value is Mode {
  return (MODES as readonly string[]).includes(value);
}

/** The values of one phase over many invocations, leaving out those without one. */
export function phaseSamples(timings: readonly Timings[], phase: Phase): number[] {
  const values: number[] = [];
  for (const t of timings) {
    const value = phaseValue(t, phase);
    if (value !== null) values.push(value);
  }
  return values;
}
