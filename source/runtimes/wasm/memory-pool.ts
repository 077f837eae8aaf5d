/**
 * Linear memories kept between warm runs, as wasmtime's pooling allocator keeps them. A fresh
 * WebAssembly.Memory per instance costs more than the instance: V8 frees a dead instance's
 * memory only in a full collection of the worker's heap, which it forces every few dozen runs
 * (each memory counts as external memory: about 1 MiB for a Rust function, and V8 collects
 * once 64 MiB of it has piled up), and that collection and the unmapping after it land inside
 * some later run. A pooled memory is zeroed when its run ends and handed to the next
 * instance at its initial size, so each instance still starts from all zeros plus its own
 * data segments, exactly as on a fresh memory.
 */
import { PAGE_BYTES } from './memory-cap.js';

/** Memories kept per module; more come and go as before. */
const KEEP = 2;

export class MemoryPool {
  private readonly free: WebAssembly.Memory[] = [];

  constructor(
    readonly initial: number,
    readonly maximum: number,
  ) {}

  /** A zeroed memory at its initial size. */
  take(): WebAssembly.Memory {
    return (
      this.free.pop() ?? new WebAssembly.Memory({ initial: this.initial, maximum: this.maximum })
    );
  }

  /**
   * Zeroes the memory and keeps it for the next run, unless the run grew it (a memory cannot
   * shrink back: it is left to the collector) or enough are kept already.
   */
  give(memory: WebAssembly.Memory): void {
    if (memory.buffer.byteLength !== this.initial * PAGE_BYTES || this.free.length >= KEEP) return;
    new Uint8Array(memory.buffer).fill(0);
    this.free.push(memory);
  }
}

/** Memories lent to the job in hand, given back once its result is on its way. */
const leased: Array<{ pool: MemoryPool; memory: WebAssembly.Memory }> = [];

/** A memory from the pool for the job in hand, zeroed and pooled by the next recycleMemories(). */
export function lease(pool: MemoryPool): WebAssembly.Memory {
  const memory = pool.take();
  leased.push({ pool, memory });
  return memory;
}

/**
 * Zeroes and pools the memories the job leased. The worker calls it after posting a
 * result, so the zeroing overlaps the host reading the result rather than delaying it; the
 * worker takes its next job only after this returns, so no run ever sees a memory not yet
 * zeroed.
 */
export function recycleMemories(): void {
  for (const { pool, memory } of leased.splice(0)) pool.give(memory);
}
