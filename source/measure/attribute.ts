/**
 * Energy of one experiment from its records: the session feeds the records it has just
 * written, `nebula report` the same records read back from the log, so both give the same
 * figures to the last bit. No I/O.
 */
import { baselineFrom, type TimedGap, type TimedWatts } from '../power/integrate.js';
import type { AnyRecord } from '../session/records.js';
import {
  type BlockSpan,
  blockFigure,
  type CellEnergy,
  cellEnergy,
  type IdleDrift,
  type IdleFigure,
  idleDrift,
  idleFigure,
  medianWithInterval,
  NO_THESIS_FIGURE,
  readingIntervalS,
  thesis240Watts,
} from './block-figures.js';
import { type IdleWindow, idleBeside } from './idle-beside.js';
import type { BaselineRecord, BlockRecord, ExperimentRecord } from './records.js';
import { ThesisSums } from './thesis-sum.js';

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
  records: Iterable<AnyRecord>,
): ExperimentEnergy {
  const collector = new EnergyCollector(experiment);
  for (const record of records) collector.add(record);
  return collector.result();
}

/**
 * An experiment's energy, record by record in log order, keeping what the figures need and
 * no invocation: the readings and gaps (a few per second), the idle windows, the blocks, and
 * per cell the thesis method's running sum (thesis-sum.ts). The session feeds it the records
 * it writes; `nebula report` feeds it the same records read back.
 */
export class EnergyCollector {
  private readonly readings: TimedWatts[] = [];
  private readonly gaps: TimedGap[] = [];
  private readonly baselines: BaselineRecord[] = [];
  private readonly spans = new Map<string, BlockSpan[]>();
  private readonly thesis = new ThesisSums();
  /** The thesis's method with 240 V x current; reported only when some reading had one. */
  private readonly thesis240 = new ThesisSums();
  private withCurrent = false;

  /** `precision`: the one the plan asks for (the log's experiment record says it too). */
  constructor(
    private readonly experiment: string,
    private precision: number | null = null,
  ) {}

  add(record: AnyRecord): void {
    if (record.type === 'power') {
      const reading = record as unknown as TimedWatts;
      // Readings of older logs have no host time: they cannot be placed in a window.
      if (typeof reading.receivedAt?.monoNs !== 'string') return;
      const kept = { watts: reading.watts, receivedAt: { monoNs: reading.receivedAt.monoNs } };
      this.readings.push(kept);
      this.thesis.reading(kept);
      const at240 = thesis240Watts(reading);
      if (at240 !== null) {
        this.withCurrent = true;
        this.thesis240.reading({ watts: at240, receivedAt: kept.receivedAt });
      }
      return;
    }
    if (record.type === 'power-gap') {
      const gap = record as unknown as TimedGap;
      this.gaps.push({ from: gap.from, to: gap.to, reason: gap.reason });
      return;
    }
    if ((record as { experiment?: unknown }).experiment !== this.experiment) return;
    if (record.type === 'experiment') {
      const asked = (record as unknown as ExperimentRecord).plan?.energy?.precision;
      if (typeof asked === 'number') this.precision = asked;
    } else if (record.type === 'baseline') this.baselines.push(record as unknown as BaselineRecord);
    else if (record.type === 'block') {
      const block = record as unknown as BlockRecord;
      const list = this.spans.get(block.cell) ?? [];
      list.push({
        cell: block.cell,
        index: block.index,
        startNs: block.startNs,
        endNs: block.endNs,
        invocations: block.invocations,
      });
      this.spans.set(block.cell, list);
    } else if (record.type === 'invocation') {
      const inv = record as unknown as LoggedInvocation;
      if (inv.block === undefined || !inv.ok || !inv.startNs || !inv.endNs) return;
      this.thesis.invocation(inv.cell, inv.startNs, inv.endNs);
      this.thesis240.invocation(inv.cell, inv.startNs, inv.endNs);
    }
  }

  /** The readings so far (the session sizes its blocks from their interval). */
  readingsSoFar(): readonly TimedWatts[] {
    return this.readings;
  }

  /**
   * Idle windows with their power, by start; null unless idle was interleaved. `cache` keeps
   * each window's power once computed (a session asking between blocks).
   */
  private idleWindows(cache?: Map<string, number | null>): IdleWindow[] | null {
    if (!this.baselines.some((b) => b.phase === 'between')) return null;
    return this.baselines
      .map((b) => {
        const window = { startNs: BigInt(b.startNs), endNs: BigInt(b.endNs) };
        let watts = cache?.get(b.startNs);
        if (watts === undefined) {
          watts = baselineFrom(this.readings, window, this.gaps).watts;
          cache?.set(b.startNs, watts);
        }
        return { ...window, watts };
      })
      .sort((a, b) => (a.startNs < b.startNs ? -1 : a.startNs > b.startNs ? 1 : 0));
  }

  private readonly interimIdle = new Map<string, number | null>();
  private readonly interimBlocks = new Map<string, number | null>();

  /**
   * A cell's net median and 95% interval from the blocks so far, for a session deciding
   * whether to add blocks (each block and idle window computed once: a block's idle beside
   * it is complete when the next idle window is; without interleaved idle, against idle
   * before the blocks). The figures of the experiment come from result(), computed afresh.
   */
  interimNet(cell: string): { median: number | null; low: number | null; high: number | null } {
    const windows = this.idleWindows(this.interimIdle);
    const before = this.baselines.find((b) => b.phase === 'before');
    const beforeWindow = before && { startNs: BigInt(before.startNs), endNs: BigInt(before.endNs) };
    const intervalS = readingIntervalS(this.readings);
    const net: number[] = [];
    for (const span of this.spans.get(cell) ?? []) {
      const key = `${cell}/${span.startNs}`;
      let value = this.interimBlocks.get(key);
      if (value === undefined) {
        const idle = windows
          ? idleBeside(windows, span)
          : beforeWindow
            ? baselineFrom(this.readings, beforeWindow, this.gaps).watts
            : null;
        value = blockFigure(
          this.readings,
          this.gaps,
          span,
          idle,
          intervalS,
        ).netMicroWhPerInvocation;
        this.interimBlocks.set(key, value);
      }
      if (value !== null) net.push(value);
    }
    return medianWithInterval(net);
  }

  result(): ExperimentEnergy {
    const { readings, gaps } = this;
    const idleOf = (phase: BaselineRecord['phase']): IdleFigure | null => {
      const record = this.baselines.find((b) => b.phase === phase);
      if (!record) return null;
      const window = { startNs: BigInt(record.startNs), endNs: BigInt(record.endNs) };
      return idleFigure(baselineFrom(readings, window, gaps));
    };
    const idle = idleDrift(idleOf('before'), idleOf('after'));
    const intervalS = readingIntervalS(readings);
    const thesis = this.thesis.figures();
    const thesis240 = this.withCurrent ? this.thesis240.figures() : null;
    const windows = this.idleWindows();
    const energy = [...this.spans].map(([cell, cellSpans]) =>
      cellEnergy({
        experiment: this.experiment,
        cell,
        spans: cellSpans,
        thesis: thesis.get(cell) ?? NO_THESIS_FIGURE,
        ...(thesis240 ? { thesis240V: thesis240.get(cell) ?? NO_THESIS_FIGURE } : {}),
        readings,
        gaps,
        idle,
        intervalS,
        precisionTarget: this.precision,
        ...(windows ? { idleBeside: (span: BlockSpan) => idleBeside(windows, span) } : {}),
      }),
    );
    return { idle, energy, intervalS };
  }
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
