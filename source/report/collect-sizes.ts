/** Sizes of every artifact of the functions, asking the container engine for image sizes. */
import type { FunctionEntry } from '../catalog/catalog.js';
import type { Engine } from '../engine/engine.js';
import type { ContainerRuntime } from '../runtimes/container/container-runtime.js';
import { type FunctionSizes, fileSizes, type SizesRecord } from './storage.js';

async function imageSize(
  engine: Engine,
  fn: FunctionEntry,
  variant?: string,
): Promise<number | null> {
  try {
    const runtime = (await engine.runtime('container', variant)) as unknown as ContainerRuntime;
    return typeof runtime.imageSize === 'function' ? await runtime.imageSize(fn) : null;
  } catch {
    // No engine reachable: the files' sizes still stand.
    return null;
  }
}

export async function collectSizes(
  engine: Engine,
  functions: readonly FunctionEntry[],
  at = Date.now(),
): Promise<SizesRecord> {
  const out: Record<string, FunctionSizes> = {};
  for (const fn of functions) {
    out[fn.name] = {
      imageScratch: await imageSize(engine, fn),
      imageDebian: await imageSize(engine, fn, 'base=debian'),
      ...fileSizes(fn),
    };
  }
  return { type: 'sizes', at, functions: out };
}
