import { readFileSync } from 'node:fs';
import { capMemory } from './memory-cap.js';
import type { WasmJob } from './protocol.js';

const warmModules = new Map<string, WebAssembly.Module>();

/** Cold compiles from disk every time; warm reuses the module compiled with the same cap. */
export function coreModule(
  path: string,
  job: Pick<WasmJob, 'cold' | 'memoryBytes' | 'precompiled'>,
): WebAssembly.Module {
  const given = job.precompiled?.[path];
  if (given) return given;
  const compile = () => compileCapped(path, job.memoryBytes);
  if (job.cold) return compile();
  const key = `${path}#${job.memoryBytes}`;
  let module = warmModules.get(key);
  if (!module) {
    module = compile();
    warmModules.set(key, module);
  }
  return module;
}

/** The module as every path compiles it: the manifest's memory cap written in first. */
export function compileCapped(path: string, memoryBytes: number): WebAssembly.Module {
  return new WebAssembly.Module(capMemory(readFileSync(path), memoryBytes));
}
