/**
 * The deployed sizes of functions, as the thesis tabled them: the container image (FROM
 * scratch, and on a Debian base when that variant was built), the static binary inside it,
 * the preview1 .wasm module (and stripped of custom sections) and the component. Image sizes come from the Docker engine when
 * it answers; the files need no engine.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import type { FunctionEntry } from '../catalog/catalog.js';
import { strippedWasmSize } from '../catalog/wasm-strip.js';

export interface FunctionSizes {
  imageScratch: number | null;
  imageDebian: number | null;
  /** `docker save | gzip` of each image: what a registry stores. Absent in older logs. */
  imageScratchGzip?: number | null;
  imageDebianGzip?: number | null;
  binary: number | null;
  wasm: number | null;
  /** The .wasm without custom sections (names, producers, debug). Absent in older logs. */
  wasmStripped?: number | null;
  component: number | null;
}

export interface SizesRecord {
  type: 'sizes';
  at: number;
  functions: Record<string, FunctionSizes>;
  [field: string]: unknown;
}

const fileSize = (path: string): number | null => (existsSync(path) ? statSync(path).size : null);

/** The artifact files of a function (no engine needed). */
export function fileSizes(
  fn: FunctionEntry,
): Pick<FunctionSizes, 'binary' | 'wasm' | 'wasmStripped' | 'component'> {
  return {
    binary: fileSize(fn.nativePath),
    wasm: fileSize(fn.wasmPath),
    wasmStripped: existsSync(fn.wasmPath) ? strippedWasmSize(readFileSync(fn.wasmPath)) : null,
    component: fileSize(fn.componentPath),
  };
}

/** Which functions (all when left out), and whether the Docker engine is asked for images. */
export interface SizesQuery {
  functions?: readonly string[];
  /** false: files only, dockerode never loaded. */
  images?: boolean;
}

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
