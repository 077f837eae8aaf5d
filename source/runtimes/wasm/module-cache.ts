import { readFileSync } from 'node:fs';
import { capMemory } from './memory-cap.js';
import { importOwnMemory } from './memory-import.js';
import { MemoryPool } from './memory-pool.js';
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

/** A module to instantiate, and the pool of its memory when it takes one from a pool. */
export interface RunModule {
  module: WebAssembly.Module;
  pool: MemoryPool | null;
}

const pooledModules = new Map<string, RunModule>();

/**
 * What a run instantiates. Warm: the cached module rewritten to import its memory, and that
 * memory's pool (memory-pool.ts). Cold and precompiled runs, and modules whose memory cannot
 * be pooled, get the module of coreModule() with a memory of its own, as a cold start has.
 */
export function runModule(
  path: string,
  job: Pick<WasmJob, 'cold' | 'memoryBytes' | 'precompiled'>,
): RunModule {
  if (job.cold || job.precompiled?.[path]) return { module: coreModule(path, job), pool: null };
  const key = `${path}#${job.memoryBytes}`;
  let found = pooledModules.get(key);
  if (!found) {
    const imported = importOwnMemory(capMemory(readFileSync(path), job.memoryBytes));
    found = imported
      ? {
          module: new WebAssembly.Module(imported.bytes),
          pool: new MemoryPool(imported.initial, imported.maximum),
        }
      : { module: coreModule(path, job), pool: null };
    pooledModules.set(key, found);
  }
  return found;
}
