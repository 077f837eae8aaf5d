/**
 * A bounded queue in front of the engine: at most maxConcurrent invocations run, at most
 * maxQueued wait in arrival order, and anything beyond is refused at once so the caller can
 * answer 429 instead of letting latency grow without bound.
 */
export class Admission {
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  private idleWaiters: Array<() => void> = [];

  constructor(
    readonly maxConcurrent: number,
    readonly maxQueued: number,
  ) {
    if (!Number.isInteger(maxConcurrent) || maxConcurrent < 1) {
      throw new RangeError(`maxConcurrent must be a whole number >= 1, got ${maxConcurrent}`);
    }
    if (!Number.isInteger(maxQueued) || maxQueued < 0) {
      throw new RangeError(`maxQueued must be a whole number >= 0, got ${maxQueued}`);
    }
  }

  get inFlight(): number {
    return this.active;
  }

  get queued(): number {
    return this.waiting.length;
  }

  /** A promise of the release function once a slot is free, or null when the queue is full. */
  enter(): Promise<() => void> | null {
    if (this.active < this.maxConcurrent) {
      this.active++;
      return Promise.resolve(this.ticket());
    }
    if (this.waiting.length >= this.maxQueued) return null;
    return new Promise((resolve) => this.waiting.push(() => resolve(this.ticket())));
  }

  /** Resolves when nothing runs and nothing waits (for a graceful shutdown). */
  idle(): Promise<void> {
    if (this.active === 0 && this.waiting.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** A release that works once, so a double release cannot free a slot twice. */
  private ticket(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) {
        next(); // the slot passes straight to the next in line
        return;
      }
      this.active--;
      if (this.active === 0) {
        const waiters = this.idleWaiters;
        this.idleWaiters = [];
        for (const resolve of waiters) resolve();
      }
    };
  }
}
