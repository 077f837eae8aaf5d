/** Messages between the runtimes (main thread) and the Wasm worker. */
export type WasmJobKind = 'component' | 'preview1';

export interface WasmJob {
  id: number;
  kind: WasmJobKind;
  /** Component: the transpiled glue (.js). Preview1: the core module (.wasm). */
  path: string;
  name: string;
  input: string;
  /** Cold compiles every module again; warm reuses compiled modules. */
  cold: boolean;
  memoryBytes: number;
}

export interface WasmJobResult {
  id: number;
  stdout: string;
  stderr: string;
  exitCode: number | null;
  failure?: 'trap' | 'out-of-memory' | 'not-deployed';
  failureMessage?: string;
}

export type ToWorker = { type: 'job'; job: WasmJob } | { type: 'load'; path: string };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'loaded'; path: string }
  | { type: 'result'; result: WasmJobResult };

/** workerData: the glue files to import before the worker says it is ready. */
export interface WorkerData {
  preload: string[];
}
