/** What the measurement session takes and gives (session.ts runExperiment). */
import type { Comparison } from '../core/compare.js';
import type { StepRecord } from '../core/plan.js';
import type { CellResult, CellSamples } from '../experiment/results.js';
import type { InvokeFn } from '../experiment/runner.js';
import type { PowerSource } from '../power/source.js';
import type { ResumeRecord } from '../session/breaks.js';
import type { AnyRecord, InvocationRecord } from '../session/records.js';
import type { CellEnergy, IdleDrift } from './block-figures.js';
import type { MeasureClock } from './clock.js';
import type { Driver } from './driver.js';
import type { BlockRecord } from './records.js';

/** What a face sees while the session runs (the gateway streams exactly these). */
export type SessionEvent =
  | { type: 'start'; experiment: string; energy: boolean; total: number }
  | { type: 'baseline'; phase: 'before' | 'after'; seconds: number }
  | { type: 'blocks'; blockSeconds: number; intervalS: number | null; total: number }
  | { type: 'invocation'; record: StepRecord; done: number }
  | { type: 'block'; block: BlockRecord; done: number; total: number };

export interface SessionOptions {
  invoke: InvokeFn;
  /** Who drives it (written into the experiment record); target when not said. */
  driver?: Driver;
  /** The source to read; null (or a stopped one that will not start) runs without energy. */
  power: PowerSource | null;
  clock?: MeasureClock;
  /** The session log's append; records are written in the order things happen. */
  log?: (record: AnyRecord) => void;
  signal?: AbortSignal;
  experimentId?: string;
  /** Around each invocation (the console keeps its drawing out of measured time). */
  around?: <T>(invoke: () => Promise<T>) => Promise<T>;
  onEvent?: (event: SessionEvent) => void;
  /**
   * Going on with a stopped run (measure/resume.ts): its experiment, from the record's plan
   * step, the kept invocations counted in the figures; the record is logged instead of a new
   * "experiment" record.
   */
  resume?: { record: ResumeRecord; kept: readonly InvocationRecord[] };
}

/** What every face reports, and how it serialises (figuresJson). */
export interface ExperimentFigures {
  experiment: string;
  aborted: boolean;
  results: CellResult[];
  comparisons: Comparison[];
  /** One per cell with energy, in the order they ran; empty without energy. */
  energy: CellEnergy[];
  idle: IdleDrift | null;
  /** The block length used and the reading interval it was sized from. */
  blockSeconds: number | null;
  intervalS: number | null;
}

export interface ExperimentOutcome extends ExperimentFigures {
  /** Finished invocations, warm-ups included. */
  invocations: number;
  /** Of those, the measured ones (not warm-ups). */
  measured: number;
  /** Per cell what its statistics were made from (variant ladders read it). */
  cells: CellSamples[];
  /** Invocations planned (without energy) or blocks planned (with energy). */
  planned: number;
}
