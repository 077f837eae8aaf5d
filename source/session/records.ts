/**
 * The records of a session log, one JSON object per line, told apart by `type`. Other rooms
 * add their own record types (power samples, segments) to the union; a reader keeps records
 * of types it does not know, so an older Nebula can still read a newer log.
 */
import type { InvocationResult } from '../core/invocation.js';

/** 2: invocations as compact rows after a `cell` record (compact.ts); 1: whole records. */
export const LOG_FORMAT_VERSION = 2;

export interface FunctionHashes {
  /** sha256 (hex) of each artifact, null when it was not built. */
  wasm: string | null;
  component: string | null;
  native: string | null;
}

export interface HeaderRecord {
  type: 'header';
  format: number;
  /** Wall clock (epoch ms) when the session started. */
  startedAt: number;
  profile: string;
  /**
   * emulation: how Node was emulated (qemu), when it was: its timings are not performance
   * figures. emulated: said either way (absent in logs written before it was recorded).
   */
  machine: { hostname: string; os: string; arch: string; emulation?: string; emulated?: boolean };
  /**
   * governor: cpu0's cpufreq scaling governor, null with governorNote saying why when there is
   * none (virtual machines). mhz: the clock os.cpus() reports for cpu0, null when it reports none. Absent in older logs.
   */
  cpu: {
    model: string;
    cores: number;
    mhz?: number | null;
    governor?: string | null;
    governorNote?: string | null;
  };
  /** The 1, 5 and 15 minute load averages when the session started (absent in older logs). */
  loadAverage?: [number, number, number];
  node: string;
  /** process.versions.v8 (absent in older logs). */
  v8?: string;
  nebula: string;
  functions: Record<string, FunctionHashes>;
}

/**
 * One invocation as it finished. Its `timings` are core/invocation.ts Timings: `execMs` is the
 * function's compute alone (input_read to computed). Records written before the functions
 * marked input_read and computed have no inputMs, outputMs, thesisStartupMs or
 * thesisRuntimeMs, and their execMs spans main_start to main_end; reports read them as they
 * are and show those phases as absent.
 */
export interface InvocationRecord extends InvocationResult {
  type: 'invocation';
  experiment: string;
  /** core/plan.ts cellKey. */
  cell: string;
  step: number;
  repetition: number;
  warmup: boolean;
  /** Wall clock (epoch ms) when the invocation was handed to the runtime. */
  at: number;
  /** Size of the output in UTF-8 bytes. */
  outputBytes: number;
  /** With energy: the block it ran in, and its window on the host's monotonic clock. */
  block?: number;
  startNs?: string;
  endNs?: string;
}

/** Any record this version does not know; kept as read. */
export interface OtherRecord {
  type: string;
  [field: string]: unknown;
}

export type SessionRecord = HeaderRecord | InvocationRecord;
export type AnyRecord = SessionRecord | OtherRecord;

export function isHeader(record: AnyRecord): record is HeaderRecord {
  return record.type === 'header';
}

export function isInvocation(record: AnyRecord): record is InvocationRecord {
  return record.type === 'invocation';
}
