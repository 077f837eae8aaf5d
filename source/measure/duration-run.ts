/**
 * One file over 300 lines: the run is one sequence whose steps share its state (the log, the
 * collector, the counts). One experiment with energy (docs/ENERGY.md): idle before, blocks of time alternating
 * between runtimes (with interleaved idle, an idle window after each: A idle B idle ...),
 * idle after; with a precision asked for, blocks are added until it is reached or the time
 * cap is. The figures come from exactly the records written, each taken in as it is written
 * and then let go (a run of hours holds what one of minutes does).
 */
import type { InvocationResult } from '../core/invocation.js';
import type { StepRecord } from '../core/plan.js';
import { type Cell, cellKey } from '../core/plan.js';
import { CellCollector } from '../experiment/results.js';
import type { TimedWatts } from '../power/integrate.js';
import type { PowerGap, PowerSample } from '../power/sample.js';
import type { PowerSource } from '../power/source.js';
import type { AnyRecord } from '../session/records.js';
import { invocationRecord } from '../session/session-log.js';
import { EnergyCollector } from './attribute.js';
import { blockSecondsFor, readingIntervalS } from './block-figures.js';
import type { MeasureClock } from './clock.js';
import { relativeHalfWidth } from './idle-beside.js';
import type { EnergyPlan, ExperimentPlan } from './plan.js';
import type { BlockRecord } from './records.js';
import type { ExperimentOutcome, SessionEvent, SessionOptions } from './types.js';

/** A precision run adds blocks up to this many per runtime (the plan's own maximum). */
const MAX_BLOCKS = 1000;

export class DurationRun {
  /** What the figures need of the written records (no invocation is kept). */
  private readonly energyOf: EnergyCollector;
  private readonly collector = new CellCollector();
  private invocations = 0;
  private measured = 0;
  private readonly repetitions = new Map<string, number>();
  private step = 0;
  private blocksDone = 0;

  constructor(
    private readonly plan: ExperimentPlan,
    private readonly energy: EnergyPlan,
    private readonly power: PowerSource,
    private readonly options: SessionOptions,
    private readonly clock: MeasureClock,
    private readonly experiment: string,
    private readonly signal: AbortSignal,
    private readonly log: (record: AnyRecord) => void,
    private readonly emit: (event: SessionEvent) => void,
  ) {
    this.energyOf = new EnergyCollector(experiment, energy.precision);
  }

  /** Written to the log and counted: the figures are computed from exactly these. */
  private write(record: AnyRecord): void {
    this.energyOf.add(record);
    this.log(record);
  }

  async run(): Promise<ExperimentOutcome> {
    const power = this.power;
    const owned = power.status().state === 'stopped';
    const onSample = (sample: PowerSample) => this.write({ type: 'power', ...sample });
    const onGap = (gap: PowerGap) => this.write({ ...gap });
    power.on('sample', onSample);
    power.on('gap', onGap);
    const cells = this.cells();
    const total = cells.reduce((n, group) => n + group.length, 0) * this.energy.blocks;
    this.emit({ type: 'start', experiment: this.experiment, energy: true, total });
    let blockSeconds: number | null = null;
    try {
      if (owned) await power.start();
      await this.baseline('before');
      const measured = readingIntervalS(this.readings());
      const intervalS = measured ?? power.expectedPeriodMs / 1000;
      blockSeconds = this.energy.blockSeconds ?? blockSecondsFor(intervalS);
      this.emit({ type: 'blocks', blockSeconds, intervalS: measured, total });
      await this.blocks(cells, blockSeconds, intervalS, total);
      await this.baseline('after', intervalS);
      // Readings read from elsewhere may still be on the way (PowerSource.settle).
      await power.settle(this.clock.monoNs());
    } finally {
      power.off('sample', onSample);
      power.off('gap', onGap);
      if (owned) await power.stop().catch(() => undefined);
    }
    const { idle, energy, intervalS } = this.energyOf.result();
    for (const cell of energy) this.log({ type: 'energy', ...cell });
    const aborted = this.signal.aborted;
    this.log({
      type: 'experiment-end',
      experiment: this.experiment,
      at: this.clock.wallMs(),
      aborted,
      idle,
    });
    return {
      experiment: this.experiment,
      aborted,
      ...this.collector.results(),
      energy,
      idle,
      blockSeconds,
      intervalS,
      invocations: this.invocations,
      measured: this.measured,
      cells: this.collector.cells(),
      planned: total,
    };
  }

  private readings(): readonly TimedWatts[] {
    return this.energyOf.readingsSoFar();
  }

  /** Cells grouped by function, input and mode; within a group, the runtimes alternate. */
  private cells(): Cell[][] {
    const groups: Cell[][] = [];
    for (const fn of this.plan.functions) {
      for (const input of fn.inputs) {
        for (const mode of this.plan.modes) {
          // A runtime the function can never run on has no cell (the caller says why).
          const runtimes = this.plan.runtimes.filter((runtime) => !fn.skip?.includes(runtime));
          groups.push(runtimes.map((runtime) => ({ function: fn.name, runtime, mode, input })));
        }
      }
    }
    return groups;
  }

  /** `settleS` first: no reading taken under the last block's load reaches into idle. */
  private async baseline(phase: 'before' | 'after', settleS = 0): Promise<void> {
    const seconds = this.energy.baselineSeconds;
    if (seconds <= 0 || this.signal.aborted) return;
    if (settleS > 0) await this.clock.sleep(settleS * 1000, this.signal);
    if (this.signal.aborted) return;
    this.emit({ type: 'baseline', phase, seconds });
    const at = this.clock.wallMs();
    const startNs = this.clock.monoNs();
    await this.clock.sleep(seconds * 1000, this.signal);
    const endNs = this.clock.monoNs();
    this.write({
      type: 'baseline',
      experiment: this.experiment,
      phase,
      at,
      startNs: startNs.toString(),
      endNs: endNs.toString(),
    });
  }

  private async blocks(
    groups: Cell[][],
    blockSeconds: number,
    intervalS: number,
    total: number,
  ): Promise<void> {
    for (const group of groups) {
      for (const cell of group) {
        for (let i = 0; i < this.plan.warmup && !this.signal.aborted; i++) {
          await this.invoke(cell, true);
        }
      }
      const started = this.clock.monoNs();
      for (let index = 0; index < MAX_BLOCKS; index++) {
        if (index >= this.energy.blocks && this.enough(group, started)) break;
        for (const cell of group) {
          if (this.signal.aborted) return;
          await this.block(cell, index, blockSeconds, total);
          if (this.energy.idle === 'interleaved')
            await this.idleBeside(index, blockSeconds, intervalS);
        }
      }
    }
  }

  /**
   * Whether a group has run enough blocks: always, without a precision; with one, once every
   * cell's net interval is within it, or the group has spent maxSeconds in blocks.
   */
  private enough(group: Cell[], startedNs: bigint): boolean {
    const target = this.energy.precision;
    if (target === null) return true;
    if (Number(this.clock.monoNs() - startedNs) / 1e9 >= this.energy.maxSeconds) return true;
    return group.every((cell) => {
      const net = this.energyOf.interimNet(cellKey(cell));
      const reached = relativeHalfWidth(net.median, net.low, net.high);
      return reached !== null && reached <= target;
    });
  }

  /**
   * Idle right after a block, as long as a block, after a reading interval for readings
   * taken under the block's load to pass: each block then has idle measured on both sides.
   */
  private async idleBeside(index: number, seconds: number, settleS: number): Promise<void> {
    if (this.signal.aborted) return;
    await this.clock.sleep(settleS * 1000, this.signal);
    if (this.signal.aborted) return;
    const at = this.clock.wallMs();
    const startNs = this.clock.monoNs();
    await this.clock.sleep(seconds * 1000, this.signal);
    if (this.signal.aborted) return;
    this.write({
      type: 'baseline',
      experiment: this.experiment,
      phase: 'between',
      index,
      at,
      startNs: startNs.toString(),
      endNs: this.clock.monoNs().toString(),
    });
  }

  /** Invocations back to back until blockSeconds have passed; a failure ends the block. */
  private async block(cell: Cell, index: number, seconds: number, total: number): Promise<void> {
    const at = this.clock.wallMs();
    const startNs = this.clock.monoNs();
    const until = startNs + BigInt(Math.round(seconds * 1e9));
    let endNs = startNs;
    let invocations = 0;
    let failures = 0;
    while (!this.signal.aborted && this.clock.monoNs() < until) {
      const step = await this.invoke(cell, false, index);
      if (!step) break;
      endNs = BigInt(step.endNs as string);
      if (step.result.ok) invocations++;
      else {
        failures++;
        break;
      }
    }
    if (endNs === startNs) return; // nothing ran (stopped at once)
    const block: BlockRecord = {
      type: 'block',
      experiment: this.experiment,
      cell: cellKey(cell),
      runtime: cell.runtime,
      index,
      at,
      startNs: startNs.toString(),
      endNs: endNs.toString(),
      invocations,
      failures,
      plannedSeconds: seconds,
    };
    this.write({ ...block });
    this.blocksDone++;
    // Blocks added for a precision run past the planned total.
    this.emit({
      type: 'block',
      block,
      done: this.blocksDone,
      total: Math.max(total, this.blocksDone),
    });
  }

  /** One invocation, logged; null when the stop cut it short. */
  private async invoke(cell: Cell, warmup: boolean, block?: number): Promise<StepRecord | null> {
    const around = this.options.around ?? ((invoke) => invoke());
    const at = this.clock.wallMs();
    const startNs = this.clock.monoNs();
    const result = await around(() => this.invokeSafely(cell));
    const endNs = this.clock.monoNs();
    if (result.failure === 'aborted' || (this.signal.aborted && !result.ok)) return null;
    const key = cellKey(cell);
    const repetitionKey = `${key}/${warmup}`;
    const repetition = this.repetitions.get(repetitionKey) ?? 0;
    this.repetitions.set(repetitionKey, repetition + 1);
    const record: StepRecord = {
      experiment: this.experiment,
      step: this.step++,
      cell: key,
      warmup,
      repetition,
      at,
      result,
      ...(block === undefined ? {} : { block }),
      startNs: startNs.toString(),
      endNs: endNs.toString(),
    };
    this.invocations++;
    if (!warmup) this.measured++;
    this.collector.add(record);
    this.write(invocationRecord(record));
    this.emit({ type: 'invocation', record, done: this.invocations });
    return record;
  }

  /** A runtime that throws gives a failed result, never a stop (as the runner does). */
  private async invokeSafely(cell: Cell): Promise<InvocationResult> {
    try {
      return await this.options.invoke(cell, this.signal);
    } catch (error) {
      return {
        ...cell,
        ok: false,
        output: '',
        error: (error as Error).message ?? String(error),
        failure: this.signal.aborted ? 'aborted' : 'engine',
        exitCode: null,
        stderr: '',
        timings: { startupMs: 0, execMs: 0, teardownMs: 0, totalMs: 0 },
        acceptedAtNs: '0',
      };
    }
  }
}
