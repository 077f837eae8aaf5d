/**
 * One file over 300 lines: the figure of a cell is one chain (block, idle, median and its
 * interval, the thesis's method, the cell), read top to bottom beside docs/ENERGY.md.
 * Energy by duration, as pure functions (docs/ENERGY.md). A runtime runs back to back for a
 * block of seconds; the block's energy (trapezoid rule over the readings, power/integrate.ts) is
 * divided by the invocations it held, gross and net of idle. A runtime's figure is the median
 * over its blocks with a 95% interval of the median from order statistics. The thesis's own
 * method (mean power of the readings inside each invocation) is computed beside it.
 */
import { medianInterval, quantile, sortAscending } from '../core/stats.js';
import {
  type Baseline,
  joulesToMicrowattHours,
  type TimedGap,
  type TimedWatts,
  windowEnergy,
} from '../power/integrate.js';
import { type PrecisionFigure, precisionFigure, precisionText } from './idle-beside.js';

/** A block gives no figure below this many readings inside its window. */
export const MIN_BLOCK_READINGS = 3;
/** Blocks are sized by default to hold this many readings (a 1 Hz plug: 11 s blocks). */
export const TARGET_BLOCK_READINGS = 10;
/** Idle power that moved by more than this between before and after flags the run. */
export const DRIFT_LIMIT = 0.05;
export const ENERGY_LEVEL = 0.95;

/**
 * Seconds a block must last to hold `readings` readings at one reading every `intervalS`:
 * readings*interval guarantees them at any phase; one interval more absorbs jitter. Rounded
 * up to a tenth of a second (a measured 1.0005 s interval gives 11.1 s, not 12 s).
 */
export function blockSecondsFor(intervalS: number, readings = TARGET_BLOCK_READINGS): number {
  return Math.ceil((readings + 1) * intervalS * 10 - 1e-9) / 10;
}

/** Median time between consecutive readings, in s; null below two readings. */
export function readingIntervalS(readings: readonly TimedWatts[]): number | null {
  const times = readings.map((r) => BigInt(r.receivedAt.monoNs)).sort((a, b) => (a < b ? -1 : 1));
  const gaps = times.slice(1).map((t, i) => Number(t - (times[i] as bigint)) / 1e9);
  return quantile(sortAscending(gaps), 0.5);
}

/** Idle power measured over a window before or after the blocks. */
export interface IdleFigure {
  watts: number | null;
  readings: number;
  seconds: number;
  reason: string | null;
}

export function idleFigure(baseline: Baseline): IdleFigure {
  return {
    watts: baseline.watts,
    readings: baseline.samples,
    seconds: baseline.durationS,
    reason: baseline.reason,
  };
}

export interface IdleDrift {
  before: IdleFigure | null;
  after: IdleFigure | null;
  /** The idle power subtracted for net: the mean of before and after (either alone if one). */
  idleWatts: number | null;
  /** (after - before) / before; null unless both are known. */
  drift: number | null;
  /** True when |drift| > DRIFT_LIMIT: the machine's idle moved during the run. */
  flagged: boolean;
  reason: string | null;
}

export function idleDrift(before: IdleFigure | null, after: IdleFigure | null): IdleDrift {
  const known = [before?.watts, after?.watts].filter((w): w is number => typeof w === 'number');
  const idleWatts = known.length === 0 ? null : known.reduce((a, b) => a + b, 0) / known.length;
  const drift =
    before?.watts != null && after?.watts != null && before.watts > 0
      ? (after.watts - before.watts) / before.watts
      : null;
  const flagged = drift !== null && Math.abs(drift) > DRIFT_LIMIT;
  let reason: string | null = null;
  if (idleWatts === null) {
    reason = `no idle power: ${before?.reason ?? 'not measured before'}; ${after?.reason ?? 'not measured after'}`;
  } else if (flagged) {
    reason = `idle moved by ${((drift as number) * 100).toFixed(1)}% between before and after (over ${DRIFT_LIMIT * 100}%)`;
  }
  return { before, after, idleWatts, drift, flagged, reason };
}

/** Where and when one block ran, as the session log keeps it. */
export interface BlockSpan {
  cell: string;
  /** The block's position among the cell's blocks, from 0. */
  index: number;
  /** Host monotonic ns (decimal strings): first invocation handed over .. last one done. */
  startNs: string;
  endNs: string;
  /** Successful invocations inside the window. */
  invocations: number;
}

export interface BlockFigure {
  index: number;
  startNs: string;
  endNs: string;
  seconds: number;
  invocations: number;
  readings: number;
  meanWatts: number | null;
  grossMicroWhPerInvocation: number | null;
  netMicroWhPerInvocation: number | null;
  /** Why there is no figure (too few readings: how long the block must last), else null. */
  reason: string | null;
  /** With interleaved idle: the idle power beside this block that net subtracts. */
  idleWatts?: number | null;
}

/** One block's energy per invocation, gross and net of `idleWatts`. */
export function blockFigure(
  readings: readonly TimedWatts[],
  gaps: readonly TimedGap[],
  span: BlockSpan,
  idleWatts: number | null,
  intervalS: number | null,
): BlockFigure {
  const window = { startNs: BigInt(span.startNs), endNs: BigInt(span.endNs) };
  const energy = windowEnergy(readings, window, gaps);
  const figure: BlockFigure = {
    index: span.index,
    startNs: span.startNs,
    endNs: span.endNs,
    seconds: energy.durationS,
    invocations: span.invocations,
    readings: energy.samples,
    meanWatts: null,
    grossMicroWhPerInvocation: null,
    netMicroWhPerInvocation: null,
    reason: null,
  };
  if (energy.samples < MIN_BLOCK_READINGS) {
    const need =
      intervalS === null
        ? ''
        : `: at one reading every ${intervalS.toFixed(2)} s, a block must last at least ${blockSecondsFor(intervalS, MIN_BLOCK_READINGS)} s (--block-seconds)`;
    return {
      ...figure,
      reason: `${energy.samples} readings in ${energy.durationS.toFixed(1)} s, need ${MIN_BLOCK_READINGS}${need}`,
    };
  }
  if (energy.joules === null) return { ...figure, reason: energy.reason };
  if (span.invocations <= 0) return { ...figure, reason: 'no successful invocation in the block' };
  const net = idleWatts === null ? null : energy.joules - idleWatts * energy.durationS;
  return {
    ...figure,
    meanWatts: energy.meanWatts,
    grossMicroWhPerInvocation: joulesToMicrowattHours(energy.joules / span.invocations),
    netMicroWhPerInvocation: net === null ? null : joulesToMicrowattHours(net / span.invocations),
    reason: idleWatts === null ? 'no net figure: no idle power measured' : null,
  };
}

export interface MedianWithInterval {
  median: number | null;
  low: number | null;
  high: number | null;
}

/** The median of the values and its order-statistics interval (core/stats.ts medianInterval). */
export function medianWithInterval(values: readonly number[]): MedianWithInterval {
  const sorted = sortAscending(values);
  const ci = medianInterval(sorted, ENERGY_LEVEL);
  return { median: quantile(sorted, 0.5), low: ci.low, high: ci.high };
}

/** Blocks needed for a 95% order-statistics interval of the median. */
export const BLOCKS_FOR_INTERVAL = 6;

export interface EnergyInterval {
  level: number;
  gross: { low: number | null; high: number | null };
  net: { low: number | null; high: number | null };
  /** Why the bounds are null (too few blocks with a figure), else null. */
  reason: string | null;
}

/** The thesis's method: each invocation's energy from the readings inside it, gross. */
export interface ThesisFigure {
  /** Mean over the invocations that had a reading, in µWh. */
  grossMicroWhPerInvocation: number | null;
  /** Invocations with at least one reading inside them. */
  invocations: number;
  /** Invocations without a reading inside them: dropped, as the thesis did. */
  dropped: number;
}

/** An invocation's window on the host's monotonic clock (ns, decimal strings). */
export interface InvocationSpan {
  startNs: string;
  endNs: string;
}

/** The voltage the thesis assumed for every reading: power = 240 V x the meter's current. */
export const THESIS_VOLTS = 240;

/** A reading's power as the thesis computed it, or null when the meter gave no current. */
export function thesis240Watts(reading: TimedWatts): number | null {
  const amps = reading.meter?.amps;
  return typeof amps === 'number' && Number.isFinite(amps) ? THESIS_VOLTS * amps : null;
}

/**
 * Mean power of the readings inside each invocation times its duration; invocations without
 * a reading are dropped; the figure is the mean over those kept, gross (no idle subtracted).
 * `powerOf` picks a reading's power (its watts by default; null leaves the reading out).
 */
export function thesisFigure(
  readings: readonly TimedWatts[],
  invocations: readonly InvocationSpan[],
  powerOf: (reading: TimedWatts) => number | null = (reading) => reading.watts,
): ThesisFigure {
  const sorted = readings
    .flatMap((r) => {
      const w = powerOf(r);
      return w === null ? [] : [{ t: BigInt(r.receivedAt.monoNs), w }];
    })
    .sort((a, b) => (a.t < b.t ? -1 : a.t > b.t ? 1 : 0));
  let sum = 0;
  let kept = 0;
  for (const span of invocations) {
    const start = BigInt(span.startNs);
    const end = BigInt(span.endNs);
    let watts = 0;
    let inside = 0;
    for (let i = firstAtOrAfter(sorted, start); i < sorted.length; i++) {
      const reading = sorted[i] as { t: bigint; w: number };
      if (reading.t > end) break;
      watts += reading.w;
      inside++;
    }
    if (inside === 0) continue;
    sum += joulesToMicrowattHours(((watts / inside) * Number(end - start)) / 1e9);
    kept++;
  }
  return {
    grossMicroWhPerInvocation: kept === 0 ? null : sum / kept,
    invocations: kept,
    dropped: invocations.length - kept,
  };
}

/** Index of the first reading at or after t (binary search over readings sorted by time). */
function firstAtOrAfter(sorted: ReadonlyArray<{ t: bigint }>, t: bigint): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if ((sorted[mid] as { t: bigint }).t < t) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** A runtime's energy in one cell of one experiment: what every face shows and logs. */
export interface CellEnergy {
  experiment: string;
  cell: string;
  /** Median over blocks with a figure, in µWh per invocation. */
  grossMicroWhPerInvocation: number | null;
  netMicroWhPerInvocation: number | null;
  ci95: EnergyInterval;
  idleWatts: number | null;
  invocations: number;
  readings: number;
  seconds: number;
  blocks: BlockFigure[];
  thesis: ThesisFigure;
  /**
   * The thesis's method with its assumed power, 240 V x the meter's current; present only
   * when the readings carry a current.
   */
  thesis240V?: ThesisFigure;
  /** How precise the net figure is, and whether it reached the precision asked for. */
  precision: PrecisionFigure;
  /** Why there is no figure, or what to be careful about (drift); else null. */
  reason: string | null;
}

export const NO_THESIS_FIGURE: ThesisFigure = {
  grossMicroWhPerInvocation: null,
  invocations: 0,
  dropped: 0,
};

export interface CellEnergyInput {
  experiment: string;
  cell: string;
  spans: readonly BlockSpan[];
  /** The thesis method's figure over the cell's invocations (thesisFigure, thesis-sum.ts). */
  thesis: ThesisFigure;
  /** The same with 240 V x the meter's current, when readings carried a current. */
  thesis240V?: ThesisFigure;
  readings: readonly TimedWatts[];
  gaps: readonly TimedGap[];
  idle: IdleDrift;
  /** The source's reading interval (s), to say how long a short block must be. */
  intervalS: number | null;
  /** With interleaved idle: the idle beside each block (idle-beside.ts), instead of the run's. */
  idleBeside?: (span: BlockSpan) => number | null;
  /** The precision asked for, as a fraction (0.05), or null. */
  precisionTarget?: number | null;
}

export function cellEnergy(input: CellEnergyInput): CellEnergy {
  const beside = input.idleBeside;
  const blocks = input.spans.map((span) => {
    if (!beside) {
      return blockFigure(input.readings, input.gaps, span, input.idle.idleWatts, input.intervalS);
    }
    const idleWatts = beside(span);
    return {
      ...blockFigure(input.readings, input.gaps, span, idleWatts, input.intervalS),
      idleWatts,
    };
  });
  const gross = blocks.flatMap((b) =>
    b.grossMicroWhPerInvocation === null ? [] : [b.grossMicroWhPerInvocation],
  );
  const net = blocks.flatMap((b) =>
    b.netMicroWhPerInvocation === null ? [] : [b.netMicroWhPerInvocation],
  );
  const g = medianWithInterval(gross);
  const n = medianWithInterval(net);
  const intervalReason =
    gross.length < BLOCKS_FOR_INTERVAL
      ? `a 95% interval of the median needs ${BLOCKS_FOR_INTERVAL} blocks with a figure, ${gross.length} had one (--blocks ${BLOCKS_FOR_INTERVAL})`
      : null;
  const missing = blocks.filter((b) => b.grossMicroWhPerInvocation === null);
  const reasons: string[] = [];
  if (gross.length === 0) {
    reasons.push(`no block gave a figure: ${missing[0]?.reason ?? 'no block ran'}`);
  } else if (missing.length > 0) {
    reasons.push(
      `${missing.length} of ${blocks.length} blocks gave no figure: ${missing[0]?.reason}`,
    );
  }
  if (gross.length > 0 && net.length === 0) reasons.push('no net figure: no idle power measured');
  if (input.idle.flagged && input.idle.reason) reasons.push(input.idle.reason);
  const target = input.precisionTarget ?? null;
  const precision = precisionFigure(n.median, n.low, n.high, target);
  if (precision.met === false) {
    reasons.push(
      `net reached ${precisionText(precision.net)}, not the ${precisionText(target)} asked for, before the time cap`,
    );
  }
  return {
    experiment: input.experiment,
    cell: input.cell,
    grossMicroWhPerInvocation: g.median,
    netMicroWhPerInvocation: n.median,
    ci95: {
      level: ENERGY_LEVEL,
      gross: { low: g.low, high: g.high },
      net: { low: n.low, high: n.high },
      reason: intervalReason,
    },
    idleWatts: input.idle.idleWatts,
    invocations: blocks.reduce((a, b) => a + b.invocations, 0),
    readings: blocks.reduce((a, b) => a + b.readings, 0),
    seconds: blocks.reduce((a, b) => a + b.seconds, 0),
    blocks,
    thesis: input.thesis,
    ...(input.thesis240V ? { thesis240V: input.thesis240V } : {}),
    precision,
    reason: reasons.length === 0 ? null : reasons.join('; '),
  };
}
