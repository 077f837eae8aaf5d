/**
 * The thesis's method (block-figures.ts thesisFigure) one invocation at a time: each
 * invocation waits until a reading later than its end has arrived (readings come in time
 * order, so none inside it can follow), then adds its energy to its cell's running sum and
 * is forgotten. Same sums, in the same order, as thesisFigure over the whole list, with
 * memory bounded by the invocations between two readings (and by MAX_PENDING, past which the
 * oldest is settled with the readings it has).
 */
import { joulesToMicrowattHours, type TimedWatts } from '../power/integrate.js';
import type { ThesisFigure } from './block-figures.js';

export const MAX_PENDING = 100_000;

interface Pending {
  cell: string;
  start: bigint;
  end: bigint;
}

interface Sum {
  microWh: number;
  kept: number;
  dropped: number;
}

export class ThesisSums {
  /** Reading times (ns) and watts, sorted by time. */
  private readonly times: bigint[] = [];
  private readonly watts: number[] = [];
  private latest = -1n;
  private pending: Pending[] = [];
  private head = 0;
  private readonly sums = new Map<string, Sum>();

  reading(reading: TimedWatts): void {
    const t = BigInt(reading.receivedAt.monoNs);
    let at = this.times.length;
    while (at > 0 && (this.times[at - 1] as bigint) > t) at--;
    this.times.splice(at, 0, t);
    this.watts.splice(at, 0, reading.watts);
    if (t > this.latest) this.latest = t;
    while (this.head < this.pending.length && (this.pending[this.head] as Pending).end < t) {
      this.settle(this.pending[this.head++] as Pending);
    }
    this.compact();
  }

  invocation(cell: string, startNs: string, endNs: string): void {
    if (!this.sums.has(cell)) this.sums.set(cell, { microWh: 0, kept: 0, dropped: 0 });
    const span = { cell, start: BigInt(startNs), end: BigInt(endNs) };
    // Settled at once when a later reading is already here; in order behind the others.
    if (this.head === this.pending.length && span.end < this.latest) this.settle(span);
    else this.pending.push(span);
    if (this.pending.length - this.head > MAX_PENDING)
      this.settle(this.pending[this.head++] as Pending);
    this.compact();
  }

  /** Every cell's figure, settling what still waits (no reading will come any more). */
  figures(): Map<string, ThesisFigure> {
    while (this.head < this.pending.length) this.settle(this.pending[this.head++] as Pending);
    this.compact();
    const figures = new Map<string, ThesisFigure>();
    for (const [cell, sum] of this.sums) {
      figures.set(cell, {
        grossMicroWhPerInvocation: sum.kept === 0 ? null : sum.microWh / sum.kept,
        invocations: sum.kept,
        dropped: sum.dropped,
      });
    }
    return figures;
  }

  private settle(span: Pending): void {
    const sum = this.sums.get(span.cell) as Sum;
    let watts = 0;
    let inside = 0;
    for (let i = this.firstAtOrAfter(span.start); i < this.times.length; i++) {
      if ((this.times[i] as bigint) > span.end) break;
      watts += this.watts[i] as number;
      inside++;
    }
    if (inside === 0) {
      sum.dropped++;
      return;
    }
    sum.microWh += joulesToMicrowattHours(((watts / inside) * Number(span.end - span.start)) / 1e9);
    sum.kept++;
  }

  private firstAtOrAfter(t: bigint): number {
    let low = 0;
    let high = this.times.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if ((this.times[mid] as bigint) < t) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  /** Drops settled entries from the queue's front once they are the larger part. */
  private compact(): void {
    if (this.head > 1024 && this.head * 2 > this.pending.length) {
      this.pending = this.pending.slice(this.head);
      this.head = 0;
    }
  }
}
