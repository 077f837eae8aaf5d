/**
 * Bins shared by both panes, so a bar on the left and one on the right cover the same
 * latencies. Edges come from the union of both samples; when the values span more than a
 * decade (Wasm in ms beside containers in hundreds of ms) the edges are logarithmic, else
 * linear. Counting into bins is display work, not statistics: medians come from core/stats.
 */

export interface Bins {
  /** count + 1 ascending edges; the last bin includes its upper edge. */
  edges: number[];
  log: boolean;
}

export function sharedBins(samples: ReadonlyArray<readonly number[]>, count: number): Bins | null {
  let min = Infinity;
  let max = -Infinity;
  for (const values of samples) {
    for (const value of values) {
      if (value < min) min = value;
      if (value > max) max = value;
    }
  }
  if (!Number.isFinite(min) || count < 1) return null;
  if (max === min) {
    // One distinct value: a small window around it, so it lands in the middle bin.
    const half = min === 0 ? 1 : Math.abs(min) * 0.05;
    return linear(min - half, max + half, count);
  }
  if (min > 0 && max / min > 10) {
    const lo = Math.log(min);
    const step = (Math.log(max) - lo) / count;
    const edges = Array.from({ length: count + 1 }, (_, i) => Math.exp(lo + step * i));
    edges[0] = min;
    edges[count] = max;
    return { edges, log: true };
  }
  return linear(min, max, count);
}

function linear(min: number, max: number, count: number): Bins {
  const step = (max - min) / count;
  const edges = Array.from({ length: count + 1 }, (_, i) => min + step * i);
  edges[count] = max;
  return { edges, log: false };
}

/** How many values fall in each bin; values outside the edges are not counted. */
export function countInBins(values: readonly number[], bins: Bins): number[] {
  const { edges } = bins;
  const counts = new Array<number>(edges.length - 1).fill(0);
  const last = edges.length - 1;
  for (const value of values) {
    if (value < (edges[0] as number) || value > (edges[last] as number)) continue;
    // Binary search for the last edge <= value.
    let lo = 0;
    let hi = last;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if ((edges[mid] as number) <= value) lo = mid;
      else hi = mid;
    }
    counts[lo] = (counts[lo] as number) + 1;
  }
  return counts;
}
