import { existsSync } from 'node:fs';
import type { FunctionEntry } from '../../catalog/catalog.js';
import { glueFile, isTranspiled, transpileFunction } from './transpile.js';
import { WasmRuntime } from './wasm-runtime.js';

/** `wasm`: the function's component, transpiled by jco, on preview2-shim. */
export class ComponentRuntime extends WasmRuntime {
  readonly name = 'wasm' as const;
  protected readonly kind = 'component' as const;

  async isDeployed(fn: FunctionEntry): Promise<boolean> {
    return existsSync(fn.componentPath) && isTranspiled(fn);
  }

  async deploy(fn: FunctionEntry): Promise<void> {
    await transpileFunction(fn);
  }

  protected artifact(fn: FunctionEntry): string {
    return glueFile(fn);
  }
}
