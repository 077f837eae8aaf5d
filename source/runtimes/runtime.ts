import type { FunctionEntry } from '../catalog/catalog.js';
import type {
  FailureKind,
  InvocationResult,
  InvokeRequest,
  RuntimeName,
  Timings,
} from '../core/invocation.js';
import { computeTimings, parseMarks } from '../core/marks.js';

/** One way of running a function. Every runtime times the same way (core/marks.ts). */
export interface Runtime {
  readonly name: RuntimeName;
  invoke(fn: FunctionEntry, request: InvokeRequest): Promise<InvocationResult>;
  /** Whether the artifact this runtime needs for the function is ready. */
  isDeployed(fn: FunctionEntry): Promise<boolean>;
  /** Build or prepare the artifact (component transpile, container image). */
  deploy(fn: FunctionEntry): Promise<void>;
  /** Release everything kept between invocations (workers, warm containers). */
  close(): Promise<void>;
  /** How this runtime's own code is emulated (an arm64 image on an amd64 engine), if it is. */
  readonly emulation?: string | null;
}

export const nowNs = (): bigint => process.hrtime.bigint();

/** What a runtime observed of one run, before it becomes an InvocationResult. */
export interface RawRun {
  stdout: string;
  stderr: string;
  exitCode: number | null;
  /** Set when the runtime knows why the run failed (timeout, out of memory, trap, engine). */
  failure?: FailureKind;
  failureMessage?: string;
  phases?: Record<string, number>;
  /**
   * Wasm runtimes: when the run's core modules were loaded (compiled, or taken from the warm
   * cache), just before instantiation: where the thesis's Wasm startup ended.
   */
  modulesLoadedNs?: bigint;
}

/** The one place where a raw run becomes a result, so every runtime reports alike. */
export function toResult(
  fn: FunctionEntry,
  runtime: RuntimeName,
  request: InvokeRequest,
  acceptNs: bigint,
  doneNs: bigint,
  run: RawRun,
): InvocationResult {
  const marks = parseMarks(run.stderr);
  // The thesis timed a container up to its main, a Wasm module up to the end of loading.
  const thesisStartupEndNs =
    runtime === 'container' ? marks.mainStartNs : (run.modulesLoadedNs ?? null);
  const timings: Timings = computeTimings(acceptNs, doneNs, { ...marks, thesisStartupEndNs });
  const stderr = marks.stderr.trimEnd();
  let failure: FailureKind | null = run.failure ?? null;
  let error: string | null = run.failureMessage ?? null;
  if (!failure && run.exitCode !== 0) {
    // Functions reject input with `error: ...` on stderr and exit 2; the preview1 adapter
    // turns every non-zero exit into 1, so the stderr line is what tells bad input apart.
    failure = /^error: /m.test(stderr) ? 'bad-input' : 'exit';
    error = `${fn.name} exited with code ${run.exitCode}`;
  }
  if (failure && stderr) error = `${error ?? failure}: ${lastLines(stderr)}`;
  return {
    function: fn.name,
    runtime,
    mode: request.mode,
    input: request.input,
    ok: failure === null,
    output: run.stdout,
    error,
    failure,
    exitCode: run.exitCode,
    stderr,
    timings,
    ...(run.phases ? { phases: run.phases } : {}),
    acceptedAtNs: acceptNs.toString(),
  };
}

function lastLines(text: string, count = 3): string {
  return text.split('\n').slice(-count).join(' | ');
}
