/**
 * The append-only session log, one JSON line per record, invocations in their compact form
 * (compact.ts). A plain file (.jsonl) gets each record with a single writeSync on a file
 * opened for appending: once append() returns, the line is in the kernel, so a crash or a
 * kill -9 of Nebula loses no record that was appended. A file named .gz is compressed: lines
 * gather in memory and go out as one complete gzip member at least every FLUSH_MS (and at
 * every close), so a kill -9 loses at most the last second and the file reads up to its
 * last member (gzip files may hold many members, RFC 1952 2.2).
 */
import {
  closeSync,
  existsSync,
  fstatSync,
  mkdirSync,
  openSync,
  readSync,
  writeSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { StepRecord } from '../core/plan.js';
import { CompactEncoder } from './compact.js';
import { defaultLogsDir, sessionFileName } from './logs-dir.js';
import type { AnyRecord, InvocationRecord } from './records.js';

/** A compressed log writes out at least this often, and whenever this much is waiting. */
export const FLUSH_MS = 1000;
export const FLUSH_BYTES = 256 * 1024;

export class SessionLog {
  private fd: number | null;
  private readonly encoder = new CompactEncoder();
  readonly compressed: boolean;
  private pending: string[] = [];
  private pendingBytes = 0;
  private timer: NodeJS.Timeout | null = null;
  /** Bytes this writer put in the file (compressed bytes for a .gz log). */
  private bytesWritten = 0;

  private constructor(readonly path: string) {
    this.compressed = path.endsWith('.gz');
    try {
      ensureDir(dirname(path));
      this.fd = openSync(path, 'a');
    } catch (error) {
      throw new Error(`cannot open session log ${path}: ${(error as Error).message}`);
    }
    if (!this.compressed) this.endTornLine();
  }

  /** The file's size now, all writers included (what the status bar and progress show). */
  size(): number {
    if (this.fd === null) return this.bytesWritten;
    return fstatSync(this.fd).size + this.pendingBytes;
  }

  /** Appends to FILE (created if missing). */
  static open(path: string): SessionLog {
    return new SessionLog(path);
  }

  /** A new file logs/<time>-<profile>.jsonl. */
  static create(profile: string, options: { dir?: string; startedAt?: number } = {}): SessionLog {
    const dir = options.dir ?? defaultLogsDir();
    return new SessionLog(join(dir, sessionFileName(profile, options.startedAt ?? Date.now())));
  }

  append(record: AnyRecord): void {
    if (this.fd === null) throw new Error(`session log ${this.path} is closed`);
    const text = `${this.encoder.encode(record).join('\n')}\n`;
    if (!this.compressed) {
      this.write(Buffer.from(text));
      return;
    }
    this.pending.push(text);
    this.pendingBytes += text.length;
    if (this.pendingBytes >= FLUSH_BYTES) this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), FLUSH_MS);
      // A log waiting to be written must not keep a finished process alive: close() flushes.
      this.timer.unref();
    }
  }

  /** Writes what waits as one gzip member (a plain log has nothing waiting). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.fd === null || this.pending.length === 0) return;
    const member = gzipSync(this.pending.join(''));
    this.pending = [];
    this.pendingBytes = 0;
    this.write(member);
  }

  private write(bytes: Buffer): void {
    let written = writeSync(this.fd as number, bytes);
    // A regular file takes it all at once; finish a short write all the same.
    while (written < bytes.length) written += writeSync(this.fd as number, bytes, written);
    this.bytesWritten += bytes.length;
  }

  appendStep(step: StepRecord): void {
    this.append(invocationRecord(step));
  }

  close(): void {
    if (this.fd === null) return;
    this.flush();
    closeSync(this.fd);
    this.fd = null;
  }

  /** Appending to a file a crash left with a torn last line: start on a line of our own. */
  private endTornLine(): void {
    const fd = this.fd as number;
    const size = fstatSync(fd).size;
    if (size === 0) return;
    const last = Buffer.alloc(1);
    // Opened with 'a' we cannot read; open a reading handle just for this byte.
    const reader = openSync(this.path, 'r');
    try {
      readSync(reader, last, 0, 1, size - 1);
    } finally {
      closeSync(reader);
    }
    if (last[0] !== 0x0a) writeSync(fd, '\n');
  }
}

/**
 * mkdir -p without { recursive: true }, which spins forever in Node 20 on a path under /proc
 * whose parent refuses the new folder (mkdir says ENOENT there).
 */
export function ensureDir(dir: string): void {
  if (existsSync(dir)) return;
  const parent = dirname(dir);
  if (parent !== dir) ensureDir(parent);
  try {
    mkdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}

export function invocationRecord(step: StepRecord): InvocationRecord {
  return {
    type: 'invocation',
    experiment: step.experiment,
    cell: step.cell,
    step: step.step,
    repetition: step.repetition,
    warmup: step.warmup,
    at: step.at,
    outputBytes: Buffer.byteLength(step.result.output),
    ...(step.block === undefined ? {} : { block: step.block }),
    ...(step.startNs === undefined ? {} : { startNs: step.startNs, endNs: step.endNs }),
    ...step.result,
  };
}
