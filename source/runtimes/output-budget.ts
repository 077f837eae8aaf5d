/**
 * What one invocation may print (the manifest's outputLimitBytes), counted over stdout and
 * stderr together on the host side, so a function that floods cannot fill Nebula's memory.
 */
export class OutputBudget {
  private used = 0;
  private exceeded = false;

  constructor(readonly limit: number) {}

  /** The part of the chunk that still fits; past the limit, the budget is exceeded for good. */
  take(chunk: Buffer): Buffer {
    if (this.exceeded) return chunk.subarray(0, 0);
    const room = this.limit - this.used;
    if (chunk.length <= room) {
      this.used += chunk.length;
      return chunk;
    }
    this.exceeded = true;
    this.used = this.limit;
    return chunk.subarray(0, room);
  }

  /** Whether a write of this many more bytes would go past the limit (without taking it). */
  wouldExceed(bytes: number): boolean {
    return this.used + bytes > this.limit;
  }

  get over(): boolean {
    return this.exceeded;
  }
}

export function outputLimitFailure(limit: number): {
  failure: 'output-limit';
  failureMessage: string;
} {
  return {
    failure: 'output-limit',
    failureMessage: `output over the limit of ${limit} bytes (the manifest's outputLimitBytes); the function was stopped`,
  };
}
