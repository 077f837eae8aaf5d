import { constants } from 'node:os';
import type { FunctionEntry } from '../../catalog/catalog.js';
import type { RawRun } from '../runtime.js';

/** Signals of a crash: the native counterpart of a Wasm trap (panic = abort raises SIGABRT). */
const CRASH_SIGNALS = new Set([
  'SIGABRT',
  'SIGSEGV',
  'SIGILL',
  'SIGBUS',
  'SIGFPE',
  'SIGTRAP',
  'SIGSYS',
]);

export function signalName(signal: number): string {
  const found = Object.entries(constants.signals).find(([, number]) => number === signal);
  return found ? found[0] : `signal ${signal}`;
}

export interface Ending {
  /** Exit status, with 128 + N for a process killed by signal N (the shell's and Docker's way). */
  exitCode: number | null;
  signal?: number;
  timedOut?: boolean;
  oomKilled?: boolean;
  /** Who killed it on timeout: "the container" (cold) or "the function" (warm). */
  killed: string;
}

/** The failure fields of a run; exit codes without a known cause are left to toResult. */
export function describeEnding(
  fn: FunctionEntry,
  ending: Ending,
): Pick<RawRun, 'exitCode' | 'failure' | 'failureMessage'> {
  const { exitCode } = ending;
  if (ending.timedOut) {
    return {
      exitCode,
      failure: 'timeout',
      failureMessage: `${fn.name} timed out after ${fn.manifest.timeoutMs} ms; ${ending.killed} was killed`,
    };
  }
  if (ending.oomKilled) {
    return {
      exitCode,
      failure: 'out-of-memory',
      failureMessage: `${fn.name} ran out of memory (limit ${fn.manifest.memoryMb} MiB) and was killed`,
    };
  }
  const signal =
    ending.signal ??
    (exitCode !== null && exitCode > 128 && exitCode < 160 ? exitCode - 128 : undefined);
  if (signal !== undefined) {
    const name = signalName(signal);
    if (CRASH_SIGNALS.has(name)) {
      return { exitCode, failure: 'trap', failureMessage: `${fn.name} crashed (${name})` };
    }
    return { exitCode, failure: 'exit', failureMessage: `${fn.name} was killed by ${name}` };
  }
  return { exitCode };
}
