/**
 * The session log's vocabulary for an experiment, the same whichever face ran it: bench, the
 * console and the gateway all write these through the measurement session, and `nebula
 * report` reads them back. Readings ("power", "power-gap") and invocations ("invocation")
 * sit between an experiment's "experiment" and "experiment-end" records.
 */
import type { RuntimeName } from '../core/invocation.js';
import type { CellEnergy, IdleDrift } from './block-figures.js';
import type { Driver } from './driver.js';
import type { ExperimentPlan } from './plan.js';

export interface ExperimentRecord {
  type: 'experiment';
  experiment: string;
  at: number;
  plan: ExperimentPlan;
  /** The power source, or null for a plan without energy. */
  power: { source: string; kind: string; simulated: boolean } | null;
  /** Who drove it (measure/types.ts Driver); absent in older logs, which the target drove. */
  driver?: Driver;
  /** Where its timings were taken, for people (DRIVER_TIMING). */
  timing?: string;
}

/**
 * Idle power is measured over this window: before the blocks and after them, and with
 * interleaved idle ("between") after every block.
 */
export interface BaselineRecord {
  type: 'baseline';
  experiment: string;
  phase: 'before' | 'after' | 'between';
  /** A "between" window: the block index it follows. */
  index?: number;
  at: number;
  startNs: string;
  endNs: string;
}

/** One runtime's block of back-to-back invocations. */
export interface BlockRecord {
  type: 'block';
  experiment: string;
  cell: string;
  runtime: RuntimeName;
  index: number;
  at: number;
  startNs: string;
  endNs: string;
  /** Successful invocations inside the window; failures are counted apart. */
  invocations: number;
  failures: number;
  /** The block length asked for, in s (the last invocation may run past it). */
  plannedSeconds: number;
}

/** The figure as computed when the experiment ended (the report recomputes it from the rest). */
export type EnergyRecord = { type: 'energy' } & CellEnergy;

export interface ExperimentEndRecord {
  type: 'experiment-end';
  experiment: string;
  at: number;
  aborted: boolean;
  idle: IdleDrift | null;
}

export type MeasureRecord =
  | ExperimentRecord
  | BaselineRecord
  | BlockRecord
  | EnergyRecord
  | ExperimentEndRecord;
