/**
 * The append-only session log. Each record is one line, written with a single writeSync on a
 * file opened for appending: once append() returns, the line is in the kernel, so a crash or
 * a kill -9 of Nebula loses no record that was appended.
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
import type { StepRecord } from '../experiment/runner.js';
import { defaultLogsDir, sessionFileName } from './logs-dir.js';
import type { AnyRecord, InvocationRecord } from './records.js';

export class SessionLog {
  private fd: number | null;

  private constructor(readonly path: string) {
    try {
      ensureDir(dirname(path));
      this.fd = openSync(path, 'a');
    } catch (error) {
      throw new Error(`cannot open session log ${path}: ${(error as Error).message}`);
    }
    this.endTornLine();
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
    const line = `${JSON.stringify(record)}\n`;
    const written = writeSync(this.fd, line);
    // A regular file takes the whole line at once; finish a short write all the same.
    if (written < Buffer.byteLength(line)) this.finish(Buffer.from(line), written);
  }

  private finish(bytes: Buffer, from: number): void {
    let written = from;
    while (written < bytes.length) written += writeSync(this.fd as number, bytes, written);
  }

  appendStep(step: StepRecord): void {
    this.append(invocationRecord(step));
  }

  close(): void {
    if (this.fd === null) return;
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
