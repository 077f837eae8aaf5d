/**
 * Energy per cell of an experiment, from the power records and the invocations of one session.
 * A cell's window is each run of its measured invocations back to back (first handed to the
 * runtime .. last done); a plan that alternates runtimes gives windows of one invocation, far
 * below a plug's resolution, and so no figure, with the reason. Pure.
 */
import {
  attributeEnergy,
  type Baseline,
  joulesToMicrowattHours,
  type TimedGap,
  type TimedWatts,
} from './energy.js';

/** One finished invocation, as the runner reports it and the session log keeps it. */
export interface TimedRun {
  cell: string;
  step: number;
  warmup: boolean;
  /** Wall clock (epoch ms) when it was handed to the runtime. */
  at: number;
  totalMs: number;
}

export interface CellEnergyResult {
  cell: string;
  invocations: number;
  windows: number;
  samples: number;
  durationS: number;
  baselineWatts: number | null;
  rawJoulesPerInvocation: number | null;
  netJoulesPerInvocation: number | null;
  /** net per invocation in µWh, the thesis's unit. */
  netMicroWhPerInvocation: number | null;
  reason: string | null;
}

type Sample = TimedWatts & { receivedAt: { ms: number; monoNs: string } };

/**
 * Invocations carry wall-clock times, samples both clocks: the median offset between the two
 * maps one onto the other (good to a millisecond, far below a plug's period).
 */
function wallToMono(samples: readonly Sample[]): ((ms: number) => bigint) | null {
  if (samples.length === 0) return null;
  const offsets = samples
    .map((s) => BigInt(s.receivedAt.monoNs) - BigInt(Math.round(s.receivedAt.ms * 1e6)))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const offset = offsets[offsets.length >> 1] as bigint;
  return (ms) => BigInt(Math.round(ms * 1e6)) + offset;
}

/** Consecutive measured steps of the same cell, in plan order. */
function segments(runs: readonly TimedRun[]): TimedRun[][] {
  const measured = [...runs].filter((r) => !r.warmup).sort((a, b) => a.step - b.step);
  const out: TimedRun[][] = [];
  for (const run of measured) {
    const last = out.at(-1);
    const prev = last?.at(-1);
    if (last && prev && prev.cell === run.cell && prev.step + 1 === run.step) last.push(run);
    else out.push([run]);
  }
  return out;
}

export function cellEnergies(
  runs: readonly TimedRun[],
  samples: readonly Sample[],
  gaps: readonly TimedGap[],
  baseline: Pick<Baseline, 'watts' | 'reason'> | null,
): CellEnergyResult[] {
  const toMono = wallToMono(samples);
  const byCell = new Map<string, TimedRun[][]>();
  for (const segment of segments(runs)) {
    const cell = (segment[0] as TimedRun).cell;
    byCell.set(cell, [...(byCell.get(cell) ?? []), segment]);
  }
  const results: CellEnergyResult[] = [];
  for (const [cell, cellSegments] of byCell) {
    const invocations = cellSegments.reduce((n, s) => n + s.length, 0);
    const result: CellEnergyResult = {
      cell,
      invocations,
      windows: cellSegments.length,
      samples: 0,
      durationS: 0,
      baselineWatts: baseline?.watts ?? null,
      rawJoulesPerInvocation: null,
      netJoulesPerInvocation: null,
      netMicroWhPerInvocation: null,
      reason: null,
    };
    results.push(result);
    if (!toMono) {
      result.reason = 'no power samples in the session';
      continue;
    }
    let raw = 0;
    let net = 0;
    for (const segment of cellSegments) {
      const first = segment[0] as TimedRun;
      const last = segment.at(-1) as TimedRun;
      const window = { startNs: toMono(first.at), endNs: toMono(last.at + last.totalMs) };
      const part = attributeEnergy(samples, window, segment.length, baseline, gaps);
      result.samples += part.samples;
      result.durationS += part.durationS;
      if (part.rawJoulesPerInvocation === null) {
        const why =
          cellSegments.length > 1
            ? ` (${cellSegments.length} separate windows: runtimes alternate)`
            : '';
        result.reason = `${part.reason}${why}`;
        break;
      }
      raw += part.rawJoulesPerInvocation * segment.length;
      if (part.netJoulesPerInvocation === null) result.reason = part.reason;
      else net += part.netJoulesPerInvocation * segment.length;
    }
    if (result.reason !== null && !result.reason.startsWith('no net energy')) continue;
    result.rawJoulesPerInvocation = raw / invocations;
    if (result.reason === null) {
      result.netJoulesPerInvocation = net / invocations;
      result.netMicroWhPerInvocation = joulesToMicrowattHours(net / invocations);
    }
  }
  return results;
}
