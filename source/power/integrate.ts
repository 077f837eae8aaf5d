/**
 * Energy from power samples, as pure functions. Power is integrated with the trapezoid rule
 * over the host's monotonic arrival times (receivedAt.monoNs), the clock the invocations use.
 * A window that is too thinly sampled or has a hole gets no number, only the reason.
 */

/** The part of a PowerSample these functions read. */
export interface TimedWatts {
  watts: number;
  receivedAt: { monoNs: string };
  /** The meter's current, where it gave one (the thesis's 240 V method multiplies it). */
  meter?: { amps?: number };
}

/** The part of a PowerGap these functions read. */
export interface TimedGap {
  from: { monoNs: string };
  to: { monoNs: string };
  reason: string;
}

/** Host monotonic ns, as InvocationResult.acceptedAtNs. */
export interface EnergyWindow {
  startNs: bigint;
  endNs: bigint;
}

export type EnergyFlag = 'too-few-samples' | 'gap';

export interface WindowEnergy {
  joules: number | null;
  /** Time-weighted mean power over the window: joules / durationS. */
  meanWatts: number | null;
  /** Samples that arrived inside the window. */
  samples: number;
  durationS: number;
  flags: EnergyFlag[];
  /** Why joules is null, in words; null when it is not. */
  reason: string | null;
}

/** At least 2 samples and one per 2 s; no interval over 3x the median interval. */
export const MIN_SAMPLES = 2;
export const MAX_SECONDS_PER_SAMPLE = 2;
export const GAP_FACTOR = 3;

interface Point {
  t: number;
  w: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/**
 * The energy in [startNs, endNs]. From each edge to the nearest reading inside, that reading
 * is held: a window's load starts and stops at its edges (a block, an idle stretch), so a
 * reading outside belongs to something else. Interpolating towards it, as this once did,
 * pulled every window towards its neighbours: about -1% on net energy per invocation in the
 * validation against known truth (docs/ENERGY.md). Readings outside still show a hole.
 */
export function windowEnergy(
  samples: readonly TimedWatts[],
  window: EnergyWindow,
  gaps: readonly TimedGap[] = [],
): WindowEnergy {
  const durationS = Number(window.endNs - window.startNs) / 1e9;
  const empty = { joules: null, meanWatts: null, durationS };
  if (!(durationS > 0)) {
    return { ...empty, samples: 0, flags: ['too-few-samples'], reason: 'the window is empty' };
  }
  const points = samples
    .map((s) => ({ t: Number(BigInt(s.receivedAt.monoNs) - window.startNs) / 1e9, w: s.watts }))
    .sort((a, b) => a.t - b.t);
  const inside = points.filter((p) => p.t >= 0 && p.t <= durationS);
  const before = points.filter((p) => p.t < 0).at(-1);
  const after = points.find((p) => p.t > durationS);
  const flags: EnergyFlag[] = [];
  const reasons: string[] = [];

  const needed = Math.max(MIN_SAMPLES, Math.ceil(durationS / MAX_SECONDS_PER_SAMPLE));
  if (inside.length < needed) {
    flags.push('too-few-samples');
    reasons.push(
      `${inside.length} samples in ${durationS.toFixed(1)} s, need ${needed} (at least ${MIN_SAMPLES} and one per ${MAX_SECONDS_PER_SAMPLE} s)`,
    );
  }

  const used = [...(before ? [before] : []), ...inside, ...(after ? [after] : [])];
  const intervals = used.slice(1).map((p, i) => p.t - (used[i] as Point).t);
  const inner = inside.slice(1).map((p, i) => p.t - (inside[i] as Point).t);
  const typical =
    inner.length > 0 ? median(inner) : intervals.length > 0 ? median(intervals) : null;
  if (typical !== null && typical > 0) {
    const limit = GAP_FACTOR * typical;
    const longest = Math.max(
      ...intervals,
      before || !inside[0] ? 0 : inside[0].t,
      after || !inside.at(-1) ? 0 : durationS - (inside.at(-1) as Point).t,
    );
    if (longest > limit) {
      flags.push('gap');
      reasons.push(
        `no reading for ${longest.toFixed(1)} s (over ${GAP_FACTOR}x the median interval of ${typical.toFixed(2)} s)`,
      );
    }
  }
  for (const gap of gaps) {
    const from = BigInt(gap.from.monoNs);
    const to = BigInt(gap.to.monoNs);
    if (from < window.endNs && to > window.startNs) {
      if (!flags.includes('gap')) flags.push('gap');
      reasons.push(
        `power source away for ${(Number(to - from) / 1e9).toFixed(1)} s: ${gap.reason}`,
      );
    }
  }
  if (flags.length > 0)
    return { ...empty, samples: inside.length, flags, reason: reasons.join('; ') };

  const first = inside[0] as Point;
  const last = inside.at(-1) as Point;
  const edges: Point[] = [{ t: 0, w: first.w }, ...inside, { t: durationS, w: last.w }];
  let joules = 0;
  for (let i = 1; i < edges.length; i++) {
    const a = edges[i - 1] as Point;
    const b = edges[i] as Point;
    joules += ((a.w + b.w) / 2) * (b.t - a.t);
  }
  return {
    joules,
    meanWatts: joules / durationS,
    samples: inside.length,
    durationS,
    flags,
    reason: null,
  };
}

export interface Baseline {
  /** Mean idle power, or null with the reason. */
  watts: number | null;
  samples: number;
  durationS: number;
  flags: EnergyFlag[];
  reason: string | null;
}

/** Mean idle power over a window measured before the experiment, by the same rules. */
export function baselineFrom(
  samples: readonly TimedWatts[],
  window: EnergyWindow,
  gaps: readonly TimedGap[] = [],
): Baseline {
  const energy = windowEnergy(samples, window, gaps);
  const { samples: count, durationS, flags, reason } = energy;
  return { watts: energy.meanWatts, samples: count, durationS, flags, reason };
}

export interface EnergyAttribution {
  invocations: number;
  samples: number;
  durationS: number;
  windowJoules: number | null;
  meanWatts: number | null;
  baselineWatts: number | null;
  /** E_window / invocations. */
  rawJoulesPerInvocation: number | null;
  /** (E_window - P_baseline * T_window) / invocations. */
  netJoulesPerInvocation: number | null;
  flags: EnergyFlag[];
  reason: string | null;
}

/** Energy per invocation of a batch that ran in `window`, raw and net of the idle baseline. */
export function attributeEnergy(
  samples: readonly TimedWatts[],
  window: EnergyWindow,
  invocations: number,
  baseline: Pick<Baseline, 'watts' | 'reason'> | null,
  gaps: readonly TimedGap[] = [],
): EnergyAttribution {
  const energy = windowEnergy(samples, window, gaps);
  const result: EnergyAttribution = {
    invocations,
    samples: energy.samples,
    durationS: energy.durationS,
    windowJoules: energy.joules,
    meanWatts: energy.meanWatts,
    baselineWatts: baseline?.watts ?? null,
    rawJoulesPerInvocation: null,
    netJoulesPerInvocation: null,
    flags: energy.flags,
    reason: energy.reason,
  };
  if (!Number.isInteger(invocations) || invocations <= 0) {
    return { ...result, reason: `no invocations to divide by (${invocations})` };
  }
  if (energy.joules === null) return result;
  result.rawJoulesPerInvocation = energy.joules / invocations;
  if (baseline?.watts == null) {
    result.reason = `no net energy: no usable baseline${baseline?.reason ? ` (${baseline.reason})` : ''}`;
    return result;
  }
  result.netJoulesPerInvocation = (energy.joules - baseline.watts * energy.durationS) / invocations;
  return result;
}

/** The thesis reported microwatt-hours per call. */
export function joulesToMicrowattHours(joules: number): number {
  return (joules / 3600) * 1e6;
}

export interface PowerSummary {
  samples: number;
  meanWatts: number | null;
  minWatts: number | null;
  maxWatts: number | null;
  energyJoules: number | null;
  durationS: number;
  flags: EnergyFlag[];
  reason: string | null;
}

/** What `nebula power` prints: plain statistics of the readings and the window's energy. */
export function summarizePower(
  samples: readonly TimedWatts[],
  window: EnergyWindow,
  gaps: readonly TimedGap[] = [],
): PowerSummary {
  const energy = windowEnergy(samples, window, gaps);
  const watts = samples.map((s) => s.watts);
  const n = watts.length;
  const min = Math.min(...watts);
  const max = Math.max(...watts);
  return {
    samples: n,
    // Clamped: summing n equal readings can land one ulp above them.
    meanWatts: n ? Math.min(max, Math.max(min, watts.reduce((a, b) => a + b, 0) / n)) : null,
    minWatts: n ? min : null,
    maxWatts: n ? max : null,
    energyJoules: energy.joules,
    durationS: energy.durationS,
    flags: energy.flags,
    reason: energy.reason,
  };
}
