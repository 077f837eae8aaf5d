import { outputLimitFailure } from '../output-budget.js';
import type { WasmJobResult } from './protocol.js';

/** Thrown into the function when it writes past its output limit: it stops it there. */
export class OutputLimitError extends Error {
  override name = 'OutputLimitError';
}

/**
 * In-memory stdio for one invocation: stdin from a buffer, stdout and stderr collected up to
 * `limit` bytes together. A write past it keeps nothing more and throws into the function
 * (a trap for most), and the run fails as output-limit whatever the function did next.
 */
export class MemoryStdio {
  private stdin: Uint8Array;
  private readonly out: Uint8Array[] = [];
  private readonly err: Uint8Array[] = [];
  private written = 0;
  private overflowed = false;

  constructor(
    input: string,
    private readonly limit = Number.POSITIVE_INFINITY,
  ) {
    this.stdin = new TextEncoder().encode(input);
  }

  /** Up to `max` bytes of stdin; empty once it is all read. */
  read(max: number): Uint8Array {
    const chunk = this.stdin.subarray(0, max);
    this.stdin = this.stdin.subarray(chunk.length);
    return chunk;
  }

  /** Copies: the bytes may be a view of linear memory that the next call changes. */
  write(fd: 1 | 2, bytes: Uint8Array): void {
    const room = this.limit - this.written;
    if (bytes.length > room || this.overflowed) {
      this.overflowed = true;
      if (room > 0) (fd === 1 ? this.out : this.err).push(bytes.slice(0, room));
      this.written = this.limit;
      throw new OutputLimitError(`wrote more than ${this.limit} bytes to stdout and stderr`);
    }
    this.written += bytes.length;
    (fd === 1 ? this.out : this.err).push(bytes.slice());
  }

  /** The result of a run that ended (any exit code), or of one stopped at the limit. */
  result(id: number, exitCode: number | null): WasmJobResult {
    const base = { id, stdout: this.stdout(), stderr: this.stderr(), exitCode };
    if (!this.overflowed) return base;
    return { ...base, exitCode: null, ...outputLimitFailure(this.limit) };
  }

  get overLimit(): boolean {
    return this.overflowed;
  }

  stdout(): string {
    return Buffer.concat(this.out).toString('utf8');
  }

  stderr(): string {
    return Buffer.concat(this.err).toString('utf8');
  }
}

const OOM = /memory allocation of \d+ bytes failed/;

/** A trap after the allocator said it ran out is the memory cap at work, not a bug. */
export function classifyTrap(
  error: unknown,
  stderr: string,
): { failure: 'trap' | 'out-of-memory'; failureMessage: string } {
  const message = error instanceof Error ? error.message : String(error);
  if (OOM.test(stderr)) {
    return {
      failure: 'out-of-memory',
      failureMessage: `out of memory (memory cap reached): ${message}`,
    };
  }
  return { failure: 'trap', failureMessage: `trap: ${message}` };
}

/** The result of a run that trapped: what it wrote before, and why it stopped. */
export function trapResult(id: number, stdio: MemoryStdio, error: unknown): WasmJobResult {
  if (stdio.overLimit) return stdio.result(id, null);
  const stderr = stdio.stderr();
  return { id, stdout: stdio.stdout(), stderr, exitCode: null, ...classifyTrap(error, stderr) };
}
