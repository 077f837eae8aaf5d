/** Messages between the runtimes (main thread) and the Wasm worker. */
export type WasmJobKind = 'component' | 'preview1';

export interface WasmJob {
  id: number;
  kind: WasmJobKind;
  /** Component: the transpiled glue (.js). Preview1: the core module (.wasm). */
  path: string;
  /**
   * A hash of what `path` holds (runtime: revisionOf): every cache in the worker is keyed by
   * it, so a function imported again under the same name and path is never run from the
   * modules, plan or glue of the one it replaced.
   */
  revision: string;
  name: string;
  input: string;
  /** Cold compiles every module again; warm reuses compiled modules. */
  cold: boolean;
  memoryBytes: number;
  /** stdout plus stderr kept; a write past it stops the run (output-limit). */
  outputLimitBytes: number;
  /**
   * Modules compiled by the host before the request (the `load=precompiled` variant), by
   * file path: the worker instantiates these instead of compiling.
   */
  precompiled?: Record<string, WebAssembly.Module>;
}

export interface WasmJobResult {
  id: number;
  stdout: string;
  stderr: string;
  exitCode: number | null;
  failure?: 'trap' | 'out-of-memory' | 'not-deployed' | 'output-limit';
  failureMessage?: string;
  /** Host monotonic clock when the core modules were loaded, before instantiation. */
  modulesLoadedNs?: bigint;
  /** The function's linear memory at the end of the run (its high-water mark), in bytes. */
  linearBytes?: number;
  /** How much the worker's V8 heap and external memory grew over the run, in bytes. */
  workerGrowthBytes?: number;
}

/** A transpiled component's glue file and the revision of what it was transpiled from. */
export interface GlueRef {
  path: string;
  revision: string;
}

export type ToWorker = { type: 'job'; job: WasmJob } | ({ type: 'load' } & GlueRef);

export type FromWorker =
  | { type: 'ready' }
  | ({ type: 'loaded' } & GlueRef)
  | { type: 'result'; result: WasmJobResult };

/** workerData: the glue files to import before the worker says it is ready. */
export interface WorkerData {
  preload: GlueRef[];
  /** The channel for every message, so either side can also take one synchronously. */
  port: import('node:worker_threads').MessagePort;
  /** Two Int32 flags (see HANDOFF) beside the port, to wake the other side without its loop. */
  handoff: SharedArrayBuffer;
  /**
   * Whether the two sides hand messages over through the flags (a pool of one, whose host
   * blocks for each result). A larger pool serves concurrent callers from an event loop that
   * never blocks, so it leaves the flags alone: waking through them costs the host a futex
   * call under V8's one process-wide lock for every job, which its workers take and release
   * on every wait, and each job then costs the host the event-loop wake-up anyway.
   */
  handOff: boolean;
}

/**
 * Waking a thread through its event loop costs tens of microseconds each way, more than a
 * warm `hello` runs. So after each message a side waits briefly on a shared flag
 * (Atomics.wait, a futex: no spinning) and takes the next message synchronously when the flag
 * says one is there; when nothing comes within the window it returns to its event loop,
 * where the port's listener gets any later message as usual.
 */
export const HANDOFF = {
  /** Set by the host after posting to the worker. */
  toWorker: 0,
  /** Set by the worker after posting to the host. */
  toHost: 1,
  /** How long the worker waits for the next job before returning to its loop. */
  workerWindowMs: 50,
  /** How long the host blocks for a result before returning to its loop. */
  hostWindowMs: 2,
} as const;
