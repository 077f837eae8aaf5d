/** In-memory stdio for one invocation: stdin from a buffer, stdout and stderr collected. */
export class MemoryStdio {
  private stdin: Uint8Array;
  private readonly out: Uint8Array[] = [];
  private readonly err: Uint8Array[] = [];

  constructor(input: string) {
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
    (fd === 1 ? this.out : this.err).push(bytes.slice());
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
export function trapResult(id: number, stdio: MemoryStdio, error: unknown) {
  const stderr = stdio.stderr();
  return { id, stdout: stdio.stdout(), stderr, exitCode: null, ...classifyTrap(error, stderr) };
}
