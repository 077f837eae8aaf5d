/** Sizes of every artifact of the functions; image sizes from the engine when it answers. */
import type { FunctionEntry } from '../catalog/catalog.js';
import { type FunctionSizes, fileSizes, type SizesRecord } from './storage.js';

export interface SizesOptions {
  dockerHost?: string;
  platform?: string;
  /** Ask the Docker engine for image sizes (false: files only, dockerode never loaded). */
  images?: boolean;
  at?: number;
}

export async function collectSizes(
  functions: readonly FunctionEntry[],
  options: SizesOptions = {},
): Promise<SizesRecord> {
  const { ImageSizes } =
    options.images === false
      ? { ImageSizes: null }
      : await import('../runtimes/container/image-sizes.js');
  const images = ImageSizes ? new ImageSizes(options.dockerHost, options.platform) : null;
  const out: Record<string, FunctionSizes> = {};
  for (const fn of functions) {
    out[fn.name] = {
      imageScratch: images ? await images.size(fn, 'scratch') : null,
      imageScratchGzip: images ? await images.compressedSize(fn, 'scratch') : null,
      imageDebian: images ? await images.size(fn, 'debian') : null,
      imageDebianGzip: images ? await images.compressedSize(fn, 'debian') : null,
      ...fileSizes(fn),
    };
  }
  return { type: 'sizes', at: options.at ?? Date.now(), functions: out };
}
