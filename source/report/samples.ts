/**
 * Samples out of a session log, read defensively: logs of older and newer Nebula versions
 * carry more or fewer timing fields, and every figure and table here takes what is there.
 */
import type { InvocationResult } from '../core/invocation.js';
import { type Cell, cellKey, laneLabel } from '../core/plan.js';
import type { Summary } from '../core/stats.js';
import { summarize } from '../core/stats.js';
import { type AnyRecord, type InvocationRecord, isInvocation } from '../session/records.js';

/** A phase of an invocation in ms: a field of timings, or derived from them. */
export type PhaseName =
  | 'startupMs'
  | 'inputMs'
  /** The function's compute (computed − input_read in logs with those marks). */
  | 'execMs'
  | 'outputMs'
  | 'teardownMs'
  | 'totalMs'
  /** total − startup, on Nebula's one definition of startup. */
  | 'runtimeMs'
  /** The thesis's own startup and runtime (total − its startup), where the log has them. */
  | 'thesisStartupMs'
  | 'thesisRuntimeMs';

export function phaseValue(record: InvocationResult, phase: PhaseName): number | null {
  const timings = (record.timings ?? {}) as unknown as Record<string, unknown>;
  if (phase === 'runtimeMs') {
    const total = timings.totalMs;
    const startup = timings.startupMs;
    return typeof total === 'number' && typeof startup === 'number' ? total - startup : null;
  }
  const value = timings[phase];
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** Successful measured invocations (warm-ups and failures left out). */
export function measured(records: readonly AnyRecord[]): InvocationRecord[] {
  return (records.filter(isInvocation) as InvocationRecord[]).filter(
    (r) => !r.warmup && r.ok && r.timings,
  );
}

export function cellOf(record: InvocationRecord): Cell {
  const cell: Cell = {
    function: record.function,
    runtime: record.runtime,
    mode: record.mode,
    input: record.input,
  };
  if (record.variant) cell.variant = record.variant;
  return cell;
}

export const lane = (record: { runtime: string; variant?: string | undefined }): string =>
  laneLabel(record);

export interface CellSamples {
  cell: Cell;
  key: string;
  records: InvocationRecord[];
}

/** Cells in order of first appearance. */
export function cellSamples(records: readonly AnyRecord[]): CellSamples[] {
  const cells = new Map<string, CellSamples>();
  for (const record of measured(records)) {
    const cell = cellOf(record);
    const key = cellKey(cell);
    let found = cells.get(key);
    if (!found) {
      found = { cell, key, records: [] };
      cells.set(key, found);
    }
    found.records.push(record);
  }
  return [...cells.values()];
}

export function values(records: readonly InvocationResult[], phase: PhaseName): number[] {
  const out: number[] = [];
  for (const record of records) {
    const value = phaseValue(record, phase);
    if (value !== null) out.push(value);
  }
  return out;
}

export function summaryOf(records: readonly InvocationRecord[], phase: PhaseName): Summary {
  return summarize(values(records, phase));
}

/** Which of the finer phases the records carry (newer logs split exec into three). */
export function hasPhase(records: readonly InvocationRecord[], phase: PhaseName): boolean {
  return records.some((record) => phaseValue(record, phase) !== null);
}

/** Functions in order of first appearance. */
export function functionsOf(records: readonly InvocationRecord[]): string[] {
  return [...new Set(records.map((r) => r.function))];
}

/** An input as a number where it is one (for axes), else null. */
export function numericInput(input: string): number | null {
  const trimmed = input.trim();
  if (trimmed === '' || !/^-?\d+(\.\d+)?$/.test(trimmed)) return null;
  return Number(trimmed);
}
