/**
 * Power for an experiment: baseline first, then every reading recorded into the session log
 * while the plan runs, then energy per cell. Also the same attribution from a saved log.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { AnyRecord } from '../session/records.js';
import { type CellEnergyResult, cellEnergies, type TimedRun } from './cell-energy.js';
import {
  type MeasuredBaseline,
  measureBaseline,
  type PowerRecord,
  PowerRecorder,
} from './record.js';
import type { PowerGap, PowerSample } from './sample.js';
import type { PowerSource } from './source.js';

/** The figure a report shows for a cell (session/energy.ts CellEnergy). */
export interface CellEnergyFigure {
  perInvocationMicroWh: number;
  baselineW: number;
  samples: number;
}

export type BaselineRecord = { type: 'power-baseline'; source: string } & MeasuredBaseline;

export function figures(results: readonly CellEnergyResult[]): Map<string, CellEnergyFigure> {
  const map = new Map<string, CellEnergyFigure>();
  for (const r of results) {
    if (r.netMicroWhPerInvocation === null || r.baselineWatts === null) continue;
    map.set(r.cell, {
      perInvocationMicroWh: r.netMicroWhPerInvocation,
      baselineW: r.baselineWatts,
      samples: r.samples,
    });
  }
  return map;
}

export class BenchPower {
  private constructor(
    readonly source: PowerSource,
    readonly baseline: MeasuredBaseline,
    private readonly recorder: PowerRecorder,
  ) {}

  /** Starts the source, measures the idle baseline, then records until finish(). */
  static async start(
    source: PowerSource,
    baselineSeconds: number,
    write: (record: PowerRecord | BaselineRecord) => void,
    signal?: AbortSignal,
  ): Promise<BenchPower> {
    await source.start();
    // One recorder from the start: the readings of the baseline also bound the first cell's
    // window, exactly as `nebula report` sees them in the log.
    const recorder = new PowerRecorder(source, write);
    const baseline = await measureBaseline(source, baselineSeconds, { signal });
    write({ type: 'power-baseline', source: source.label, ...baseline });
    return new BenchPower(source, baseline, recorder);
  }

  /** One more reading after the last invocation, then energy per cell of the runs. */
  async finish(runs: readonly TimedRun[]): Promise<CellEnergyResult[]> {
    await sleep(this.source.expectedPeriodMs).catch(() => undefined);
    this.recorder.stop();
    await this.source.stop();
    return cellEnergies(runs, this.recorder.samples, this.recorder.gaps, this.baseline);
  }
}

/** The same attribution from a session log (`nebula report`): session/energy.ts's hook. */
export function attributeLog(records: readonly AnyRecord[]): Map<string, CellEnergyFigure> {
  const samples = records.filter((r) => r.type === 'power') as unknown as PowerSample[];
  const gaps = records.filter((r) => r.type === 'power-gap') as unknown as PowerGap[];
  const baseline = records.filter((r) => r.type === 'power-baseline').at(-1) as unknown as
    | BaselineRecord
    | undefined;
  const runs: TimedRun[] = [];
  for (const r of records) {
    if (r.type !== 'invocation') continue;
    const inv = r as unknown as {
      cell: string;
      step: number;
      warmup: boolean;
      at: number;
      timings: { totalMs: number };
    };
    runs.push({
      cell: inv.cell,
      step: inv.step,
      warmup: inv.warmup,
      at: inv.at,
      totalMs: inv.timings.totalMs,
    });
  }
  return figures(cellEnergies(runs, samples, gaps, baseline ?? null));
}
