/**
 * Sizes of a function's images (FROM scratch and on the Debian base), asked of the engine
 * with a bare client: no runtime is created, so nothing is swept or hooked to signals, and a
 * session that runs only Wasm does not start one. Null where the image is not built or the
 * engine does not answer within a moment.
 */
import Docker from 'dockerode';
import type { FunctionEntry } from '../../catalog/catalog.js';
import { resolveAddress } from './address.js';
import { type ImageBase, imageTag, NotBuiltError, SourceHasher } from './image.js';

const ASK_TIMEOUT_MS = 3000;

export class ImageSizes {
  private readonly docker: Docker;
  private readonly hashers = new Map<ImageBase, SourceHasher>();
  private reachable: boolean | null = null;

  constructor(dockerHost?: string) {
    let options = {};
    try {
      options = resolveAddress(dockerHost).options;
    } catch {
      this.reachable = false;
    }
    this.docker = new Docker({ ...options, timeout: ASK_TIMEOUT_MS });
  }

  async size(fn: FunctionEntry, base: ImageBase): Promise<number | null> {
    if (this.reachable === null) {
      this.reachable = await this.docker.ping().then(
        () => true,
        () => false,
      );
    }
    if (!this.reachable) return null;
    let hasher = this.hashers.get(base);
    if (!hasher) {
      hasher = new SourceHasher(base);
      this.hashers.set(base, hasher);
    }
    let tag: string;
    try {
      tag = imageTag(fn, hasher.hash(fn), base);
    } catch (error) {
      if (error instanceof NotBuiltError) return null;
      throw error;
    }
    try {
      return (await this.docker.getImage(tag).inspect()).Size;
    } catch {
      return null;
    }
  }
}
