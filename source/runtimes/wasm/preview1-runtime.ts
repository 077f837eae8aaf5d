import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import type { FunctionEntry } from '../../catalog/catalog.js';
import { WasmRuntime } from './wasm-runtime.js';

/** `wasm-p1`: the same preview1 module on Node's own WASI, to compare engines. */
export class Preview1Runtime extends WasmRuntime {
  readonly name = 'wasm-p1' as const;
  protected readonly kind = 'preview1' as const;

  async isDeployed(fn: FunctionEntry): Promise<boolean> {
    return existsSync(fn.wasmPath);
  }

  async deploy(fn: FunctionEntry): Promise<void> {
    if (!existsSync(fn.wasmPath)) {
      throw new Error(
        `${fn.name}: no module at ${fn.wasmPath}; build it with \`npm run build:functions\``,
      );
    }
  }

  protected artifact(fn: FunctionEntry): string {
    return fn.wasmPath;
  }

  protected revisionOf(fn: FunctionEntry): string {
    return createHash('sha256').update(readFileSync(fn.wasmPath)).digest('hex');
  }
}
