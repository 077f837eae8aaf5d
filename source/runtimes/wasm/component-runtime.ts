import { existsSync } from 'node:fs';
import type { FunctionEntry } from '../../catalog/catalog.js';
import { glueFile, isTranspiled, transpileFunction } from './transpile.js';
import { WasmRuntime } from './wasm-runtime.js';

/** `wasm`: the function's component, transpiled by jco, on preview2-shim. */
export class ComponentRuntime extends WasmRuntime {
  readonly name = 'wasm' as const;
  protected readonly kind = 'component' as const;
  private readonly checked = new Set<string>();

  async isDeployed(fn: FunctionEntry): Promise<boolean> {
    // Hashing the component on every call would sit on the invocation path: once is enough.
    if (this.checked.has(fn.name)) return true;
    const ready = existsSync(fn.componentPath) && isTranspiled(fn);
    if (ready) this.checked.add(fn.name);
    return ready;
  }

  async deploy(fn: FunctionEntry): Promise<void> {
    await transpileFunction(fn);
    this.checked.add(fn.name);
  }

  protected artifact(fn: FunctionEntry): string {
    return glueFile(fn);
  }
}
