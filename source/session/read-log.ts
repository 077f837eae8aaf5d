/**
 * Reads a session log back, plain or gzip-compressed, old (format 1) or compact (format 2)
 * alike, line by line: `streamSessionLog` holds one line at a time, so a log of gigabytes
 * reads in the memory of a small one. A line that is not a JSON object with a string `type`
 * (nor a compact row) is skipped with a warning: a torn last line (the process died while
 * writing it) is expected after a crash; one in the middle means the file was damaged, and
 * says where. A record of a known type that lacks what reports read from it, or carries an
 * impossible number, refuses the log, naming the line (check-record.ts). A file none of
 * whose lines is a record is refused as not a session log.
 */
import { closeSync, createReadStream, openSync, readFileSync, readSync } from 'node:fs';
import { constants, createGunzip, gunzipSync } from 'node:zlib';
import { BreakFilter, isResume, type ResumeRecord, TornLine } from './breaks.js';
import { checkRecord } from './check-record.js';
import { CompactDecoder } from './compact.js';
import type { AnyRecord, InvocationRecord } from './records.js';

export interface SessionLogContents {
  records: AnyRecord[];
  warnings: string[];
}

export class SessionLogError extends Error {
  override name = 'SessionLogError';
}

/** A line longer than this is not a record anyone wrote: it is skipped, never held whole. */
export const MAX_LINE_BYTES = 64 * 1024 * 1024;

/** One line at a time, in order: a record, or why the line was skipped. */
export class LogLines {
  private readonly decoder = new CompactDecoder();
  /** A resumed run's break: the invocations it ran again are held, then dropped (breaks.ts). */
  private readonly breaks = new BreakFilter();
  private line = 0;
  readonly torn = new TornLine();
  records = 0;
  readonly warnings: string[] = [];
  /** Set by end(): the invocations of the group the log ended in (a resume runs it again). */
  heldAtEnd: InvocationRecord[] = [];

  constructor(private readonly name: string) {}

  /** The records to pass on after this line, in log order (a break may hold some back). */
  take(text: string, last: boolean): AnyRecord[] {
    const record = this.read(text, last);
    if (!record) return [];
    if (isResume(record)) this.forgiveTornLine(record);
    return this.breaks.take(record);
  }

  /** After the last line: what the break filter still held. */
  end(): AnyRecord[] {
    this.heldAtEnd = this.breaks.holding();
    return this.breaks.end();
  }

  /** The line a run was stopped in, named by the resume that followed: a break, not damage. */
  private forgiveTornLine(resume: ResumeRecord): void {
    const warning = this.torn.forgive(resume);
    if (warning !== null) this.warnings.splice(this.warnings.indexOf(warning), 1);
  }

  private warn(warning: string): void {
    this.warnings.push(warning);
    this.torn.skipped(this.line, warning);
  }

  /** Returns the record the line holds, or null (skipped: warning added; blank). */
  private read(text: string, last: boolean): AnyRecord | null {
    this.line++;
    if (text.trim() === '') return null;
    const where = `${this.name}:${this.line}`;
    const value = parseJson(text);
    const decoded = value === undefined ? undefined : this.decoder.decode(value);
    if (decoded === null) {
      this.records++; // a cell declaration: part of the log, no record of its own
      this.torn.read();
      return null;
    }
    if (decoded === undefined || typeof decoded === 'string') {
      const why = typeof decoded === 'string' ? ` (${decoded})` : '';
      this.warn(
        last
          ? `${where}: skipped a torn last line (${text.length} characters; the writer was stopped mid-line)`
          : `${where}: skipped a line that is not a JSON record with a "type"${why}`,
      );
      return null;
    }
    const wrong = checkRecord(decoded);
    if (wrong) {
      if (last) {
        this.warn(`${where}: skipped a torn last line (${wrong})`);
        return null;
      }
      throw new SessionLogError(`${where}: ${wrong}; this log cannot be reported as it is`);
    }
    this.records++;
    this.torn.read();
    return decoded;
  }

  /** A line over MAX_LINE_BYTES, dropped unread. */
  tooLong(bytes: number): void {
    this.line++;
    this.warn(
      `${this.name}:${this.line}: skipped a line of ${bytes} bytes (over ${MAX_LINE_BYTES}: not a record Nebula writes)`,
    );
  }

  /** After the whole file: a file with lines but no record is another kind of file. */
  finish(): void {
    const damaged = this.warnings.filter((w) => !w.includes('torn last line'));
    if (this.records === 0 && damaged.length > 0) {
      throw new SessionLogError(
        `${this.name} is not a Nebula session log: none of its ${this.warnings.length} lines is a JSON record with a "type" (session logs are the .jsonl and .jsonl.gz files that nebula bench and nebula-tui write under logs/)`,
      );
    }
  }
}

function parseJson(text: string): unknown {
  try {
    const value: unknown = JSON.parse(text);
    if (Array.isArray(value)) return value;
    if (value && typeof value === 'object') {
      const type = (value as { type?: unknown }).type;
      if (typeof type === 'string') return value;
    }
  } catch {
    // fall through: not a record
  }
  return undefined;
}

/** True when the file starts with gzip's magic bytes. */
export function isGzipFile(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(2);
    const read = readSync(fd, head, 0, 2, 0);
    return read === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    closeSync(fd);
  }
}

/**
 * Every record of the log at `path`, in order, to `onRecord`; resolves with the warnings.
 * A compressed log cut short (a killed writer) reads up to its last whole member. When
 * `onRecord` returns a promise (a slow reader of its output), reading waits for it.
 */
export async function streamSessionLog(
  path: string,
  onRecord: (record: AnyRecord) => void | Promise<void>,
  lines: LogLines = new LogLines(path),
): Promise<string[]> {
  let gzip: boolean;
  try {
    gzip = isGzipFile(path);
  } catch (error) {
    throw unreadable(path, error);
  }
  const input = createReadStream(path);
  const source = gzip ? input.pipe(createGunzip({ finishFlush: constants.Z_SYNC_FLUSH })) : input;
  let held: Buffer[] = [];
  let heldBytes = 0;
  let skipping = 0;
  let waiting: Array<Promise<void>> = [];
  const pass = (records: AnyRecord[]) => {
    for (const pending of records.map((record) => onRecord(record))) {
      if (pending) waiting.push(pending);
    }
  };
  const emit = (bytes: Buffer, last: boolean) => pass(lines.take(bytes.toString('utf8'), last));
  const onChunk = (chunk: Buffer) => {
    let from = 0;
    for (;;) {
      const newline = chunk.indexOf(0x0a, from);
      if (newline < 0) break;
      const piece = chunk.subarray(from, newline);
      from = newline + 1;
      if (skipping > 0 || heldBytes + piece.length > MAX_LINE_BYTES) {
        lines.tooLong(skipping + heldBytes + piece.length);
        skipping = 0;
        held = [];
        heldBytes = 0;
        continue;
      }
      const whole = heldBytes === 0 ? piece : Buffer.concat([...held, piece]);
      held = [];
      heldBytes = 0;
      emit(whole, false);
    }
    const rest = chunk.subarray(from);
    if (rest.length === 0) return;
    if (skipping > 0 || heldBytes + rest.length > MAX_LINE_BYTES) {
      skipping += heldBytes + rest.length;
      held = [];
      heldBytes = 0;
      return;
    }
    held.push(Buffer.from(rest));
    heldBytes += rest.length;
  };
  await new Promise<void>((resolve, reject) => {
    let failed = false;
    const fail = (error: unknown) => {
      if (failed) return;
      failed = true;
      source.destroy();
      input.destroy();
      reject(error);
    };
    input.on('error', (error) => fail(unreadable(path, error)));
    source.on('data', (chunk: Buffer) => {
      try {
        onChunk(chunk);
      } catch (error) {
        fail(error);
        return;
      }
      if (waiting.length === 0) return;
      const all = Promise.all(waiting);
      waiting = [];
      source.pause();
      all.then(
        () => source.resume(),
        (error: unknown) => fail(error),
      );
    });
    // A compressed file cut mid-member: what came before it is read, the rest is the torn end.
    source.on('error', (error: Error) => {
      if (gzip && !failed) {
        lines.warnings.push(
          `${path}: the compressed log ends mid-block (${error.message}); read up to its last whole block, as a writer that was killed leaves it`,
        );
        input.destroy();
        resolve();
      } else fail(error);
    });
    source.on('end', () => resolve());
  });
  if (skipping > 0) lines.tooLong(skipping);
  else if (heldBytes > 0) emit(Buffer.concat(held), true);
  pass(lines.end());
  await Promise.all(waiting);
  lines.finish();
  return lines.warnings;
}

function unreadable(path: string, error: unknown): SessionLogError {
  const code = (error as NodeJS.ErrnoException).code;
  const why =
    code === 'ENOENT'
      ? 'no such file'
      : code === 'EISDIR'
        ? 'it is a directory'
        : (error as Error).message;
  return new SessionLogError(`cannot read session log ${path}: ${why}`);
}

/** The whole log in memory, read at once: for small logs (tests, benches); reports stream. */
export function readSessionLog(path: string): SessionLogContents {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw unreadable(path, error);
  }
  const gzip = bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
  // A compressed log cut short still gives what its whole blocks hold.
  const text = (gzip ? gunzipSync(bytes, { finishFlush: constants.Z_SYNC_FLUSH }) : bytes).toString(
    'utf8',
  );
  const lines = new LogLines(path);
  const contents = parseLines(lines, text);
  lines.finish();
  return contents;
}

/** A log's text, already read (plain, either format). */
export function parseSessionLog(text: string, name = 'session log'): SessionLogContents {
  return parseLines(new LogLines(name), text);
}

function parseLines(lines: LogLines, text: string): SessionLogContents {
  const all = text.split('\n');
  const lastIndex = all.at(-1) === '' ? all.length - 2 : all.length - 1;
  const records: AnyRecord[] = [];
  all.forEach((line, index) => {
    records.push(...lines.take(line, index === lastIndex));
  });
  records.push(...lines.end());
  return { records, warnings: lines.warnings };
}
