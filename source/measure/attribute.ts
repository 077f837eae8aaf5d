/**
 * Energy of one experiment from its records: the session calls this on the records it has
 * just written, `nebula report` on the same records read back from the log, so both give the
 * same figures to the last bit. Pure.
 */
import { baselineFrom, type TimedGap, type TimedWatts } from '../power/energy.js';
import type { AnyRecord } from '../session/records.js';
import {
  type BlockSpan,
  type CellEnergy,
  cellEnergy,
  type IdleDrift,
  type IdleFigure,
  type InvocationSpan,
  idleDrift,
  idleFigure,
  readingIntervalS,
} from './energy-blocks.js';
import type { BaselineRecord, BlockRecord, ExperimentRecord } from './records.js';

export interface ExperimentEnergy {
  idle: IdleDrift;
  /** One per cell, in the order their first block ran. */
  energy: CellEnergy[];
  /** Median time between readings, in s. */
  intervalS: number | null;
}

interface LoggedInvocation {
  type: 'invocation';
  experiment: string;
  cell: string;
  ok: boolean;
  block?: number;
  startNs?: string;
  endNs?: string;
}

/** `records`: an experiment's records in log order (see splitExperiments). */
export function experimentEnergy(
  experiment: string,
  records: readonly AnyRecord[],
): ExperimentEnergy {
  const readings = records.filter((r) => r.type === 'power') as unknown as TimedWatts[];
  const gaps = records.filter((r) => r.type === 'power-gap') as unknown as TimedGap[];
  const mine = <T>(type: string) =>
    records.filter(
      (r) => r.type === type && (r as { experiment?: unknown }).experiment === experiment,
    ) as unknown as T[];
  const idleOf = (phase: BaselineRecord['phase']): IdleFigure | null => {
    const record = mine<BaselineRecord>('baseline').find((b) => b.phase === phase);
    if (!record) return null;
    const window = { startNs: BigInt(record.startNs), endNs: BigInt(record.endNs) };
    return idleFigure(baselineFrom(readings, window, gaps));
  };
  const idle = idleDrift(idleOf('before'), idleOf('after'));
  const intervalS = readingIntervalS(readings);
  const spans = new Map<string, BlockSpan[]>();
  for (const block of mine<BlockRecord>('block')) {
    const list = spans.get(block.cell) ?? [];
    list.push({
      cell: block.cell,
      index: block.index,
      startNs: block.startNs,
      endNs: block.endNs,
      invocations: block.invocations,
    });
    spans.set(block.cell, list);
  }
  const invocations = new Map<string, InvocationSpan[]>();
  for (const inv of mine<LoggedInvocation>('invocation')) {
    if (inv.block === undefined || !inv.ok || !inv.startNs || !inv.endNs) continue;
    const list = invocations.get(inv.cell) ?? [];
    list.push({ startNs: inv.startNs, endNs: inv.endNs });
    invocations.set(inv.cell, list);
  }
  const energy = [...spans].map(([cell, cellSpans]) =>
    cellEnergy({
      experiment,
      cell,
      spans: cellSpans,
      invocations: invocations.get(cell) ?? [],
      readings,
      gaps,
      idle,
      intervalS,
    }),
  );
  return { idle, energy, intervalS };
}

export interface LoggedExperiment {
  start: ExperimentRecord;
  /** Its records from the "experiment" record to its "experiment-end" (or the log's end). */
  records: AnyRecord[];
  ended: boolean;
}

/** The experiments of a log run with energy, each with the records that belong to it. */
export function splitExperiments(records: readonly AnyRecord[]): LoggedExperiment[] {
  const found: LoggedExperiment[] = [];
  let open: LoggedExperiment | null = null;
  for (const record of records) {
    if (record.type === 'experiment') {
      const start = record as unknown as ExperimentRecord;
      open = start.plan?.energy ? { start, records: [record], ended: false } : null;
      if (open) found.push(open);
      continue;
    }
    if (!open) continue;
    if (record.type === 'header' || record.type === 'segment') {
      open = null;
      continue;
    }
    open.records.push(record);
    if (
      record.type === 'experiment-end' &&
      (record as { experiment?: unknown }).experiment === open.start.experiment
    ) {
      open.ended = true;
      open = null;
    }
  }
  return found;
}
