/**
 * Hook for energy columns. The power room attributes a plug's samples (records of type
 * "power" and "segment" in the same log) to the cells that ran while they were taken, and
 * passes that attribution to buildReport; the report shows energy columns as soon as it
 * returns anything. Until then no energy is reported, rather than a made-up figure.
 */
import type { AnyRecord } from './records.js';

export interface CellEnergy {
  /** Energy per invocation above the idle baseline, in microwatt-hours. */
  perInvocationMicroWh: number;
  /** The idle baseline subtracted, in W. */
  baselineW: number;
  /** Power samples the figure rests on. */
  samples: number;
}

/** Keys are core/plan.ts cellKey strings. */
export type EnergyAttribution = (records: readonly AnyRecord[]) => Map<string, CellEnergy>;

export const noEnergy: EnergyAttribution = () => new Map();
