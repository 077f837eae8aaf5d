import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { FunctionEntry } from '../../catalog/catalog.js';
import { withFunctionLock } from '../../catalog/function-lock.js';
import type {
  InvocationResult,
  InvokeRequest,
  MemoryPeak,
  RuntimeName,
} from '../../core/invocation.js';
import { nowNs, type RawRun, type Runtime, toResult } from '../runtime.js';
import { DEFAULT_WASM_VARIANT, variantName, type WasmVariant } from '../variants.js';
import { compileCapped } from './module-cache.js';
import type { WasmJobKind, WasmJobResult } from './protocol.js';
import { WorkerPool } from './worker-pool.js';

const MIB = 1024 * 1024;

/** What the two Wasm runtimes share: a worker pool, timeouts, and turning outcomes into runs. */
export abstract class WasmRuntime implements Runtime {
  abstract readonly name: RuntimeName;
  protected abstract readonly kind: WasmJobKind;
  private readonly pool: WorkerPool;
  /**
   * Per function name, the catalog entry it was prepared for and the revision of its
   * artifact. An entry the catalog replaced (an import of the same name) is prepared again.
   */
  private readonly prepared = new Map<string, { fn: FunctionEntry; revision: string }>();
  /** load=precompiled: each function's modules, compiled once before its first request. */
  private readonly compiled = new Map<string, Record<string, WebAssembly.Module>>();
  /** The variant's canonical name, '' for the defaults. */
  readonly variant: string;

  /** `jcoGlue` runs every component through jco's own glue, as NEBULA_JCO_GLUE=1 does. */
  constructor(
    workers = 1,
    options: { jcoGlue?: boolean } = {},
    private readonly conditions: WasmVariant = DEFAULT_WASM_VARIANT,
  ) {
    this.pool = new WorkerPool(
      workers,
      options.jcoGlue ? { ...process.env, NEBULA_JCO_GLUE: '1' } : undefined,
    );
    this.pool.warm();
    this.variant = variantName('wasm', conditions);
  }

  /**
   * The thesis's Wasm started from modules compiled ahead of time (wasmtime's serialised
   * modules). V8 keeps no compiled module on disk, so the nearest is a module compiled by
   * the host when the function is prepared and handed to the worker with each request: the
   * worker instantiates it without compiling. Compiling happens before t_accept, once.
   */
  private precompiled(fn: FunctionEntry, path: string, memoryBytes: number) {
    let modules = this.compiled.get(fn.name);
    if (!modules) {
      const files =
        this.kind === 'component'
          ? readdirSync(dirname(path))
              .filter((name) => name.endsWith('.wasm'))
              .map((name) => join(dirname(path), name))
          : [path];
      modules = Object.fromEntries(files.map((file) => [file, compileCapped(file, memoryBytes)]));
      this.compiled.set(fn.name, modules);
    }
    return modules;
  }

  abstract isDeployed(fn: FunctionEntry): Promise<boolean>;
  abstract deploy(fn: FunctionEntry): Promise<void>;
  /** The file the worker loads for this function. */
  protected abstract artifact(fn: FunctionEntry): string;
  /** A hash of what the worker will load for this function, read once when it is prepared. */
  protected abstract revisionOf(fn: FunctionEntry): string;

  /** Deploying on first use and hashing: one-offs, under the function's lock, never timed. */
  private async prepare(fn: FunctionEntry): Promise<string> {
    const known = this.prepared.get(fn.name);
    if (known?.fn === fn) return known.revision;
    const revision = await withFunctionLock(fn.name, async () => {
      if (!(await this.isDeployed(fn))) await this.deploy(fn);
      return this.revisionOf(fn);
    });
    if (known?.revision !== revision) this.compiled.delete(fn.name);
    this.prepared.set(fn.name, { fn, revision });
    return revision;
  }

  async invoke(fn: FunctionEntry, request: InvokeRequest): Promise<InvocationResult> {
    const revision = await this.prepare(fn);
    const path = this.artifact(fn);
    await this.pool.ready(this.kind === 'component' ? { path, revision } : undefined);
    const { timeoutMs, memoryMb, outputLimitBytes } = fn.manifest;
    const precompiled =
      this.conditions.load === 'precompiled'
        ? this.precompiled(fn, path, memoryMb * MIB)
        : undefined;
    const acceptNs = nowNs();
    const outcome = await this.pool.run(
      {
        kind: this.kind,
        path,
        revision,
        name: fn.name,
        input: request.input,
        cold: request.mode === 'cold',
        memoryBytes: memoryMb * MIB,
        outputLimitBytes,
        ...(precompiled ? { precompiled } : {}),
      },
      timeoutMs,
      request.signal,
    );
    const doneNs = nowNs();
    let run: RawRun;
    switch (outcome.kind) {
      case 'done':
        run = outcome.result;
        break;
      case 'timeout':
        run = {
          stdout: '',
          stderr: '',
          exitCode: null,
          failure: 'timeout',
          failureMessage: `timed out after ${timeoutMs} ms (the manifest's timeoutMs, or the plan's); the instance was stopped`,
        };
        break;
      case 'aborted':
        run = {
          stdout: '',
          stderr: '',
          exitCode: null,
          failure: 'aborted',
          failureMessage: 'aborted before it finished',
        };
        break;
      case 'crashed':
        run = {
          stdout: '',
          stderr: '',
          exitCode: null,
          failure: 'trap',
          failureMessage: `the Wasm worker failed: ${outcome.message}`,
        };
        break;
    }
    const result = toResult(fn, this.name, request, acceptNs, doneNs, run);
    if (outcome.kind === 'done') result.memory = wasmMemory(outcome.result);
    if (this.variant) result.variant = this.variant;
    return result;
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

function wasmMemory(result: WasmJobResult): MemoryPeak {
  return {
    peakBytes: result.linearBytes ?? null,
    source: 'wasm-linear',
    ...(result.workerGrowthBytes === undefined
      ? {}
      : { workerGrowthBytes: result.workerGrowthBytes }),
    ...(result.linearBytes === undefined
      ? { note: 'the instance ended before its memory could be read' }
      : {}),
  };
}
