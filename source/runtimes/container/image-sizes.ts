/**
 * Sizes of a function's images (FROM scratch and on the Debian base), asked of the engine
 * with a bare client: no runtime is created, so nothing is swept or hooked to signals, and a
 * session that runs only Wasm does not start one. Null where the image is not built or the
 * engine does not answer within a moment.
 */
import { Agent } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import Docker from 'dockerode';
import type { FunctionEntry } from '../../catalog/catalog.js';
import { engineNativePlatform, type Platform, parsePlatform } from '../../core/platform.js';
import { resolveAddress } from './address.js';
import { type ImageBase, imageTag, NotBuiltError, SourceHasher } from './image.js';

const ASK_TIMEOUT_MS = 3000;

export class ImageSizes {
  private readonly docker: Docker;
  private readonly saver: Docker;
  private readonly hashers = new Map<ImageBase, SourceHasher>();
  private reachable: boolean | null = null;
  private platform: Platform | null = null;

  /** PLATFORM as a profile's docker.platform says it; else the engine's own. */
  constructor(
    dockerHost?: string,
    private readonly wanted?: string,
  ) {
    let options = {};
    try {
      options = resolveAddress(dockerHost).options;
    } catch {
      this.reachable = false;
    }
    // No kept-alive socket: a few questions must not hold the process open after them.
    // docker-modem takes an agent; dockerode's types do not list it.
    const agent = { agent: new Agent({ keepAlive: false }) } as object;
    this.docker = new Docker({ ...options, timeout: ASK_TIMEOUT_MS, ...agent });
    this.saver = new Docker({ ...options, ...agent });
  }

  /** The image's tag when the engine answers and the function is built, else null. */
  private async tagOf(fn: FunctionEntry, base: ImageBase): Promise<string | null> {
    if (this.reachable === null) {
      try {
        const version = await this.docker.version();
        this.platform = this.wanted
          ? parsePlatform(this.wanted)
          : engineNativePlatform(version.Os, version.Arch);
        this.reachable = true;
      } catch {
        this.reachable = false;
      }
    }
    if (!this.reachable || !this.platform) return null;
    let hasher = this.hashers.get(base);
    if (!hasher) {
      hasher = new SourceHasher(this.platform, base);
      this.hashers.set(base, hasher);
    }
    try {
      return imageTag(fn, hasher.hash(fn), base);
    } catch (error) {
      if (error instanceof NotBuiltError) return null;
      throw error;
    }
  }

  async size(fn: FunctionEntry, base: ImageBase): Promise<number | null> {
    const tag = await this.tagOf(fn, base);
    if (tag === null) return null;
    try {
      return (await this.docker.getImage(tag).inspect()).Size;
    } catch {
      return null;
    }
  }

  /**
   * The image as `docker save | gzip` gives it: its layers and config compressed, about what
   * a registry stores and a machine pulls. Null where the image is not built (the save fails).
   */
  async compressedSize(fn: FunctionEntry, base: ImageBase): Promise<number | null> {
    const tag = await this.tagOf(fn, base);
    if (tag === null) return null;
    try {
      // A save streams for longer than a question: a client of its own, without the timeout.
      const saving = await this.saver.getImage(tag).get();
      let bytes = 0;
      const gzip = createGzip({ level: 6 });
      gzip.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
      });
      await pipeline(saving, gzip);
      return bytes;
    } catch {
      return null;
    }
  }
}
