/** Sizes of every artifact of the functions; image sizes from the engine when it answers. */
import type { FunctionEntry } from '../catalog/catalog.js';
import { type FunctionSizes, fileSizes, type SizesRecord } from './storage.js';

export async function collectSizes(
  functions: readonly FunctionEntry[],
  dockerHost?: string,
  platform?: string,
  at = Date.now(),
): Promise<SizesRecord> {
  // Loaded here so that reading sizes of files alone never loads dockerode.
  const { ImageSizes } = await import('../runtimes/container/image-sizes.js');
  const images = new ImageSizes(dockerHost, platform);
  const out: Record<string, FunctionSizes> = {};
  for (const fn of functions) {
    out[fn.name] = {
      imageScratch: await images.size(fn, 'scratch'),
      imageDebian: await images.size(fn, 'debian'),
      ...fileSizes(fn),
    };
  }
  return { type: 'sizes', at, functions: out };
}
