/**
 * Idle measured beside each block (interleaved idle, docs/ENERGY.md) and the precision an
 * energy figure reached. Pure.
 */
/** An idle window on the host's monotonic clock and its mean power (null: no figure). */
export interface IdleWindow {
  startNs: bigint;
  endNs: bigint;
  watts: number | null;
}

/**
 * The idle power a block is measured against: the mean of the nearest idle window before it
 * and the nearest after it (a drift that is linear over the three cancels), either alone when
 * the other is missing or gave no figure; null when neither did. `windows` sorted by start;
 * `span`: a block's start and end on the host's monotonic clock (decimal ns, as in BlockSpan).
 */
export function idleBeside(
  windows: readonly IdleWindow[],
  span: { startNs: string; endNs: string },
): number | null {
  const start = BigInt(span.startNs);
  const end = BigInt(span.endNs);
  let before: IdleWindow | undefined;
  let after: IdleWindow | undefined;
  for (const window of windows) {
    if (window.endNs <= start) before = window;
    else if (window.startNs >= end) {
      after = window;
      break;
    }
  }
  const known = [before?.watts, after?.watts].filter((w): w is number => typeof w === 'number');
  return known.length === 0 ? null : known.reduce((a, b) => a + b, 0) / known.length;
}

/** How precise a figure is: its 95% interval's half-width as a fraction of the figure. */
export interface PrecisionFigure {
  /** (high - low) / 2 / |net|, for the net figure; null without an interval. */
  net: number | null;
  /** The precision asked for (`--precision`), or null. */
  target: number | null;
  /** Whether the net figure reached the target; null without a target. */
  met: boolean | null;
}

export function relativeHalfWidth(
  median: number | null,
  low: number | null,
  high: number | null,
): number | null {
  if (median === null || low === null || high === null || median === 0) return null;
  return (high - low) / 2 / Math.abs(median);
}

export function precisionFigure(
  median: number | null,
  low: number | null,
  high: number | null,
  target: number | null,
): PrecisionFigure {
  const net = relativeHalfWidth(median, low, high);
  return { net, target, met: target === null ? null : net !== null && net <= target };
}

/** "±4.2%" */
export function precisionText(value: number | null): string {
  return value === null ? '–' : `±${(value * 100).toFixed(1)}%`;
}
