/**
 * A session's power readings over time in bounded memory, for the power-over-time figure:
 * readings fall into buckets of a fixed width (mean, min and max of each), and when there
 * are more than MAX_BUCKETS the width doubles and neighbours merge. An hour at 10 Hz keeps
 * at most MAX_BUCKETS points, and a short run keeps every reading.
 */

export const MAX_BUCKETS = 4096;
/** A bucket at first: finer than any meter's interval, so short runs keep each reading. */
const FIRST_WIDTH_MS = 50;

export interface TracePoint {
  /** Epoch ms of the bucket's first reading. */
  ms: number;
  mean: number;
  min: number;
  max: number;
  readings: number;
}

interface Bucket {
  ms: number;
  sum: number;
  min: number;
  max: number;
  readings: number;
}

export class PowerTrace {
  private width = FIRST_WIDTH_MS;
  private origin: number | null = null;
  private buckets = new Map<number, Bucket>();

  add(ms: number, watts: number): void {
    if (!Number.isFinite(ms) || !Number.isFinite(watts)) return;
    this.origin ??= ms;
    this.put(Math.floor((ms - this.origin) / this.width), {
      ms,
      sum: watts,
      min: watts,
      max: watts,
      readings: 1,
    });
    if (this.buckets.size > MAX_BUCKETS) this.coarsen();
  }

  /** The points whose time lies in [from, to], in time order. */
  between(from: number, to: number): TracePoint[] {
    return [...this.buckets.values()]
      .filter((b) => b.ms >= from && b.ms <= to)
      .sort((a, b) => a.ms - b.ms)
      .map((b) => ({
        ms: b.ms,
        mean: b.sum / b.readings,
        min: b.min,
        max: b.max,
        readings: b.readings,
      }));
  }

  private put(index: number, bucket: Bucket): void {
    const found = this.buckets.get(index);
    if (!found) {
      this.buckets.set(index, bucket);
      return;
    }
    found.ms = Math.min(found.ms, bucket.ms);
    found.sum += bucket.sum;
    found.min = Math.min(found.min, bucket.min);
    found.max = Math.max(found.max, bucket.max);
    found.readings += bucket.readings;
  }

  private coarsen(): void {
    while (this.buckets.size > MAX_BUCKETS) {
      const old = this.buckets;
      this.buckets = new Map();
      this.width *= 2;
      for (const [index, bucket] of old) this.put(Math.floor(index / 2), bucket);
    }
  }
}

/** The span of each experiment's invocations (epoch ms), to cut the trace per run. */
export class Spans {
  private readonly spans = new Map<string, { from: number; to: number }>();

  add(key: string, at: number): void {
    if (!Number.isFinite(at)) return;
    const span = this.spans.get(key);
    if (!span) this.spans.set(key, { from: at, to: at });
    else {
      span.from = Math.min(span.from, at);
      span.to = Math.max(span.to, at);
    }
  }

  get(key: string): { from: number; to: number } | undefined {
    return this.spans.get(key);
  }
}
