/** Plain types shared by every room of the engine. No I/O, no UI. */

export const RUNTIME_NAMES = ['wasm', 'wasm-p1', 'container'] as const;
export type RuntimeName = (typeof RUNTIME_NAMES)[number];

export const MODES = ['cold', 'warm'] as const;
export type Mode = (typeof MODES)[number];

/** The four phases of DESIGN.md, "Measuring the same thing on both sides". */
export interface Timings {
  startupMs: number;
  execMs: number;
  teardownMs: number;
  totalMs: number;
}

export const PHASES = ['startupMs', 'execMs', 'teardownMs', 'totalMs'] as const;
export type Phase = (typeof PHASES)[number];

/** Why an invocation failed, so callers can react without parsing messages. */
export type FailureKind =
  | 'bad-input'
  | 'exit'
  | 'trap'
  | 'timeout'
  | 'out-of-memory'
  | 'engine'
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
}

export interface InvokeRequest {
  input: string;
  mode: Mode;
  signal?: AbortSignal;
}

export function isRuntimeName(value: string): value is RuntimeName {
  return (RUNTIME_NAMES as readonly string[]).includes(value);
}

export function isMode(value: string): value is Mode {
  return (MODES as readonly string[]).includes(value);
}
