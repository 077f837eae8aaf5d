import { readFileSync } from 'node:fs';
import { capMemory } from './memory-cap.js';
import { importOwnMemory } from './memory-import.js';
import { MemoryPool } from './memory-pool.js';
import type { WasmJob } from './protocol.js';

/**
 * Per file: the revision its entries were compiled from, and its entries by memory cap. A
 * job of another revision (the function imported again) starts the file's entries afresh,
 * so a module compiled from former contents is never run and never kept.
 */
class RevisionCache<T> {
  private readonly files = new Map<string, { revision: string; byCap: Map<number, T> }>();

  get(path: string, revision: string, memoryBytes: number, make: () => T): T {
    let file = this.files.get(path);
    if (file?.revision !== revision) {
      file = { revision, byCap: new Map() };
      this.files.set(path, file);
    }
    let value = file.byCap.get(memoryBytes);
    if (value === undefined) {
      value = make();
      file.byCap.set(memoryBytes, value);
    }
    return value;
  }
}

type CacheKeys = Pick<WasmJob, 'cold' | 'memoryBytes' | 'precompiled' | 'revision'>;

const warmModules = new RevisionCache<WebAssembly.Module>();

/** Cold compiles from disk every time; warm reuses the module compiled with the same cap. */
export function coreModule(path: string, job: CacheKeys): WebAssembly.Module {
  const given = job.precompiled?.[path];
  if (given) return given;
  const compile = () => compileCapped(path, job.memoryBytes);
  if (job.cold) return compile();
  return warmModules.get(path, job.revision, job.memoryBytes, compile);
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

const pooledModules = new RevisionCache<RunModule>();

/**
 * What a run instantiates. Warm: the cached module rewritten to import its memory, and that
 * memory's pool (memory-pool.ts). Cold and precompiled runs, and modules whose memory cannot
 * be pooled, get the module of coreModule() with a memory of its own, as a cold start has.
 */
export function runModule(path: string, job: CacheKeys): RunModule {
  if (job.cold || job.precompiled?.[path]) return { module: coreModule(path, job), pool: null };
  return pooledModules.get(path, job.revision, job.memoryBytes, () => {
    const imported = importOwnMemory(capMemory(readFileSync(path), job.memoryBytes));
    return imported
      ? {
          module: new WebAssembly.Module(imported.bytes),
          pool: new MemoryPool(imported.initial, imported.maximum),
        }
      : { module: coreModule(path, job), pool: null };
  });
}
