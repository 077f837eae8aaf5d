/** One report model from a session log; the renderers in render/ only format it. */
import type { Comparison } from '../core/compare.js';
import { cellKey } from '../core/plan.js';
import { type CellResult, summarizeInvocations } from '../experiment/results.js';
import { type CellEnergy, type EnergyAttribution, noEnergy } from './energy.js';
import {
  type AnyRecord,
  type HeaderRecord,
  type InvocationRecord,
  isHeader,
  isInvocation,
} from './records.js';

export interface Report {
  header: HeaderRecord | null;
  experiments: string[];
  /** Measured invocations and warm-ups found in the log. */
  measured: number;
  warmups: number;
  results: CellResult[];
  comparisons: Comparison[];
  /** By cellKey; empty when the log has no power data. */
  energy: Record<string, CellEnergy>;
  /** Records of types this report does not use, counted by type (e.g. power samples). */
  otherRecords: Record<string, number>;
}

export function buildReport(
  records: readonly AnyRecord[],
  attribute: EnergyAttribution = noEnergy,
): Report {
  const header = (records.find(isHeader) as HeaderRecord | undefined) ?? null;
  const invocations = records.filter(isInvocation) as InvocationRecord[];
  const experiments = [...new Set(invocations.map((record) => record.experiment))];
  const { results, comparisons } = summarizeInvocations(
    invocations.map((record) => ({ warmup: record.warmup, result: record })),
  );
  const otherRecords: Record<string, number> = {};
  for (const record of records) {
    if (isHeader(record) || isInvocation(record)) continue;
    otherRecords[record.type] = (otherRecords[record.type] ?? 0) + 1;
  }
  const energy: Record<string, CellEnergy> = {};
  const attributed = attribute(records);
  for (const result of results) {
    const found = attributed.get(cellKey(result));
    if (found) energy[cellKey(result)] = found;
  }
  const warmups = invocations.filter((record) => record.warmup).length;
  return {
    header,
    experiments,
    measured: invocations.length - warmups,
    warmups,
    results,
    comparisons,
    energy,
    otherRecords: Object.fromEntries(
      Object.entries(otherRecords).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    ),
  };
}
