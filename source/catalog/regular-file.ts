/**
 * Reading a file a user named (a module to import, a manifest, a profile, a token): only a
 * regular file, and only up to a bound. A FIFO nobody writes to would block the reading
 * thread for ever, deaf to signals, and /dev/zero never ends; both are refused before a byte
 * is read. The file is opened without blocking and judged by what was opened (fstat), not by
 * a name that could change in between.
 */
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';

export class FileRefusedError extends Error {
  override name = 'FileRefusedError';
}

const MIB = 1024 * 1024;

/** "32 MiB", "64 KiB", "100 bytes": a bound as a person reads it. */
export function describeBytes(bytes: number): string {
  if (bytes >= MIB && bytes % MIB === 0) return `${bytes / MIB} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}

function kindOf(stat: Stats): string {
  if (stat.isDirectory()) return 'a folder';
  if (stat.isFIFO()) return 'a FIFO (named pipe)';
  if (stat.isCharacterDevice()) return 'a character device';
  if (stat.isBlockDevice()) return 'a block device';
  if (stat.isSocket()) return 'a socket';
  return 'not a regular file';
}

/**
 * The file's bytes, or a FileRefusedError naming `what` and why: not there, not a regular
 * file, or over `maxBytes` (a file that grows past it while read is refused too).
 */
export function readRegularFile(path: string, maxBytes: number, what: string): Buffer {
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    throw new FileRefusedError(`cannot read ${what} ${path}: ${(error as Error).message}`);
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) {
      throw new FileRefusedError(`${what} ${path} is ${kindOf(stat)}; give a regular file`);
    }
    const tooLarge = () =>
      new FileRefusedError(
        `${what} ${path} is over ${describeBytes(maxBytes)}, the most Nebula reads for it`,
      );
    if (stat.size > maxBytes) throw tooLarge();
    // Room for one byte more than fstat said tells a file that grew from one that fits.
    let buffer = Buffer.alloc(stat.size + 1);
    let length = 0;
    for (;;) {
      const read = readSync(fd, buffer, length, buffer.length - length, null);
      if (read === 0) break;
      length += read;
      if (length > maxBytes) throw tooLarge();
      if (length === buffer.length) {
        const bigger = Buffer.alloc(Math.min(length * 2, maxBytes + 1));
        buffer.copy(bigger);
        buffer = bigger;
      }
    }
    return buffer.subarray(0, length);
  } finally {
    closeSync(fd);
  }
}
