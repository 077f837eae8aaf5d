import { existsSync } from 'node:fs';
import type { FunctionEntry } from '../../catalog/catalog.js';
import {
  glueFallback,
  glueFile,
  isTranspiled,
  transpiledRevision,
  transpileFunction,
} from './transpile.js';
import { WasmRuntime } from './wasm-runtime.js';

/** `wasm`: the function's component, transpiled by jco, on preview2-shim. */
export class ComponentRuntime extends WasmRuntime {
  readonly name = 'wasm' as const;
  protected readonly kind = 'component' as const;

  async isDeployed(fn: FunctionEntry): Promise<boolean> {
    return existsSync(fn.componentPath) && isTranspiled(fn);
  }

  async deploy(fn: FunctionEntry): Promise<void> {
    await this.build(fn);
  }

  /** deploy() with what it found: which path runs the component, and why not the direct one. */
  async build(fn: FunctionEntry): Promise<{ tag: string; built: boolean }> {
    const built = !(await this.isDeployed(fn));
    if (built) await transpileFunction(fn);
    const fallback = glueFallback(fn);
    return { tag: fallback ? `runs on jco's glue: ${fallback}` : 'direct bindings', built };
  }

  /** Why jco's glue runs this function instead of the direct bindings, or null. */
  glueFallback(fn: FunctionEntry): string | null {
    return glueFallback(fn);
  }

  protected artifact(fn: FunctionEntry): string {
    return glueFile(fn);
  }

  protected revisionOf(fn: FunctionEntry): string {
    return transpiledRevision(fn);
  }
}
