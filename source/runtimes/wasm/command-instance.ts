/**
 * Instantiates a command component's two real core modules (the function and the preview1
 * adapter) with the bindings of command-bindings.ts. jco's glue also instantiates a shim
 * and a fix-up module only to break the cycle between the two; a late-bound JS forwarder
 * does that here. Returns null when the component has a shape this does not know.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type BindingContext, CommandExit, commandImports } from './command-bindings.js';
import { moduleImports as imports } from './module-imports.js';

export interface CommandModules {
  main: string;
  adapter: string;
}

/** Finds the function's module and the adapter among jco's extracted core modules. */
export function findCommandModules(dir: string): CommandModules | null {
  let main: string | null = null;
  let adapter: string | null = null;
  for (const file of readdirSync(dir).filter((name) => name.endsWith('.wasm'))) {
    const module = new WebAssembly.Module(readFileSync(join(dir, file)));
    const moduleImports = imports(module);
    const exports = WebAssembly.Module.exports(module).map((entry) => entry.name);
    if (moduleImports.some((entry) => entry.module === '__main_module__'))
      adapter = join(dir, file);
    else if (
      exports.includes('_start') &&
      exports.includes('memory') &&
      moduleImports.every((entry) => entry.module === 'wasi_snapshot_preview1')
    ) {
      main = join(dir, file);
    }
  }
  return main && adapter ? { main, adapter } : null;
}

export type HostContext = Omit<BindingContext, 'memory' | 'realloc'>;

/** Runs the command once; returns its exit code, or throws what trapped. */
export function runCommand(
  main: WebAssembly.Module,
  adapter: WebAssembly.Module,
  host: HostContext,
): number | { unsupported: string } {
  let adapterExports: WebAssembly.Exports | undefined;
  const forwarders: Record<string, (...args: number[]) => unknown> = {};
  for (const { module, name } of imports(main)) {
    if (module !== 'wasi_snapshot_preview1') return { unsupported: `${module} ${name}` };
    forwarders[name] = (...args) =>
      ((adapterExports as WebAssembly.Exports)[name] as (...a: number[]) => unknown)(...args);
  }
  let memory: WebAssembly.Memory | undefined;
  let realloc: BindingContext['realloc'] | undefined;
  const bound = commandImports(adapter, {
    ...host,
    memory: () => memory as WebAssembly.Memory,
    realloc: (...args) => (realloc as BindingContext['realloc'])(...args),
  });
  if (bound.imports === null) return { unsupported: bound.unknown };

  const mainInstance = new WebAssembly.Instance(main, { wasi_snapshot_preview1: forwarders });
  const mainExports = mainInstance.exports;
  memory = mainExports.memory as WebAssembly.Memory;
  const adapterImports: WebAssembly.Imports = { ...bound.imports, env: { memory } };
  const fromMain: Record<string, WebAssembly.ExportValue> = {};
  for (const { module, name } of imports(adapter)) {
    if (module === '__main_module__') fromMain[name] = mainExports[name] as WebAssembly.ExportValue;
  }
  adapterImports.__main_module__ = fromMain;
  adapterExports = new WebAssembly.Instance(adapter, adapterImports).exports;
  realloc = adapterExports.cabi_import_realloc as BindingContext['realloc'];
  const runName = Object.keys(adapterExports).find(
    (name) => name.startsWith('wasi:cli/run@') && name.endsWith('#run'),
  );
  if (!runName) return { unsupported: 'no wasi:cli/run export' };
  try {
    // result<_, _> flattens to one i32: 0 is ok.
    return (adapterExports[runName] as () => number)() === 0 ? 0 : 1;
  } catch (error) {
    if (error instanceof CommandExit) return error.code;
    throw error;
  }
}
