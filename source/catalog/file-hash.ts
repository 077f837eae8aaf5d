/**
 * Hashing the functions' artifacts without reading them whole. The catalog's binaries and
 * modules come to about 30 MB; read whole, each one a fresh buffer of a megabyte or more, they
 * left the C heap that much larger for the life of the process (the console's resident memory).
 */
import type { Hash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';

/** One buffer for every file: hashing is synchronous, so nothing else uses it meanwhile. */
const CHUNK = Buffer.allocUnsafe(64 * 1024);

/** Feeds the file's bytes into `hash`, 64 KiB at a time. */
export function updateWithFile(hash: Hash, path: string): Hash {
  const fd = openSync(path, 'r');
  try {
    for (let read = readSync(fd, CHUNK); read > 0; read = readSync(fd, CHUNK)) {
      hash.update(CHUNK.subarray(0, read));
    }
  } finally {
    closeSync(fd);
  }
  return hash;
}
