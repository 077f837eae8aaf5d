import type { FunctionEntry } from '../../catalog/catalog.js';
import type { InvocationResult, InvokeRequest, RuntimeName } from '../../core/invocation.js';
import { nowNs, type RawRun, type Runtime, toResult } from '../runtime.js';
import type { WasmJobKind } from './protocol.js';
import { WorkerPool } from './worker-pool.js';

const MIB = 1024 * 1024;

/** What the two Wasm runtimes share: a worker pool, timeouts, and turning outcomes into runs. */
export abstract class WasmRuntime implements Runtime {
  abstract readonly name: RuntimeName;
  protected abstract readonly kind: WasmJobKind;
  private readonly pool: WorkerPool;
  private readonly prepared = new Set<string>();

  /** `jcoGlue` runs every component through jco's own glue, as NEBULA_JCO_GLUE=1 does. */
  constructor(workers = 1, options: { jcoGlue?: boolean } = {}) {
    this.pool = new WorkerPool(
      workers,
      options.jcoGlue ? { ...process.env, NEBULA_JCO_GLUE: '1' } : undefined,
    );
    this.pool.warm();
  }

  abstract isDeployed(fn: FunctionEntry): Promise<boolean>;
  abstract deploy(fn: FunctionEntry): Promise<void>;
  /** The file the worker loads for this function. */
  protected abstract artifact(fn: FunctionEntry): string;

  async invoke(fn: FunctionEntry, request: InvokeRequest): Promise<InvocationResult> {
    // Deploying on first use and booting workers are one-offs, not part of any invocation.
    if (!this.prepared.has(fn.name)) {
      // Checked once per function (the component check hashes it), not on every call.
      if (!(await this.isDeployed(fn))) await this.deploy(fn);
      this.prepared.add(fn.name);
    }
    const path = this.artifact(fn);
    await this.pool.ready(this.kind === 'component' ? path : undefined);
    const acceptNs = nowNs();
    const { timeoutMs, memoryMb, outputLimitBytes } = fn.manifest;
    const outcome = await this.pool.run(
      {
        kind: this.kind,
        path,
        name: fn.name,
        input: request.input,
        cold: request.mode === 'cold',
        memoryBytes: memoryMb * MIB,
        outputLimitBytes,
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
          failureMessage: `timed out after ${timeoutMs} ms (the manifest's timeoutMs); the instance was stopped`,
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
    return toResult(fn, this.name, request, acceptNs, doneNs, run);
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
