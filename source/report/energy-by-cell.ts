/**
 * Energy per invocation per cell, as the power room attributes it from the log's own power
 * records. Read defensively: a figure may carry an interval (median over blocks with its
 * 95% interval) or only a value.
 */
import { cellKey } from '../core/plan.js';
import type { AnyRecord } from '../session/records.js';
import type { Report } from './report.js';

export interface EnergyFigure {
  /** µWh per invocation, net of the idle baseline where the source had one. */
  value: number;
  low: number | null;
  high: number | null;
  baselineW: number | null;
}

const num = (value: unknown): number | null =>
  typeof value === 'number' && Number.isFinite(value) ? value : null;

export function toEnergyFigure(raw: unknown): EnergyFigure | null {
  if (!raw || typeof raw !== 'object') return null;
  const e = raw as Record<string, unknown>;
  const value =
    num(e.perInvocationMicroWh) ?? num(e.netMicroWhPerInvocation) ?? num(e.medianMicroWh);
  if (value === null) return null;
  // Blocks give { ci95: { net: { low, high } } }; others { ci: { low, high } } or flat fields.
  const blocks = (e.ci95 as { net?: Record<string, unknown> } | undefined)?.net;
  const ci = (blocks ?? e.ci ?? e.interval ?? {}) as Record<string, unknown>;
  return {
    value,
    low: num(ci.low) ?? num(e.low) ?? num(e.lowMicroWh),
    high: num(ci.high) ?? num(e.high) ?? num(e.highMicroWh),
    baselineW: num(e.baselineW) ?? num(e.baselineWatts) ?? num(e.idleWatts),
  };
}

/**
 * By core/plan.ts cellKey, from the report's experiments (the measurement session's own
 * attribution); empty when the log measured no energy. A cell measured in several
 * experiments of one log keeps the last one's figure.
 */
export function energyByCell(report: Report): Map<string, EnergyFigure> {
  const out = new Map<string, EnergyFigure>();
  for (const section of report.sections) {
    for (const experiment of section.experiments) {
      for (const row of experiment.results) {
        const figure = toEnergyFigure(row.energy);
        if (figure) out.set(cellKey(row), figure);
      }
    }
  }
  return out;
}

/** The power source as the log names it, with "simulated" or "an estimate" said outright. */
export function powerSourceOf(records: readonly AnyRecord[]): string {
  const reading = records.find((r) => r.type === 'power' || r.type === 'power-baseline') as
    | { source?: unknown; simulated?: unknown }
    | undefined;
  if (!reading) return 'no readings';
  const source = typeof reading.source === 'string' ? reading.source : 'unknown source';
  if (reading.simulated === true) return `${source}, simulated`;
  if (source === 'estimate') return 'estimate from CPU load, not a measurement';
  return source;
}
