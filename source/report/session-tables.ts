/**
 * The tables of one session as Table models (for the HTML report), and the extra sections
 * (variants, memory, sizes) that both the markdown and the HTML report add after the
 * session's own results.
 */
import { CellCollector } from '../experiment/results.js';
import type { InvocationRecord } from '../session/records.js';
import { memoryTable } from './memory.js';
import { METHOD_NOTE } from './render/markdown.js';
import type { ExperimentReport } from './report.js';
import { ratioColumns, resultColumns } from './result-columns.js';
import { measured } from './samples.js';
import type { Session } from './sessions.js';
import { sizesOf, storageTable } from './storage.js';
import type { Table } from './table.js';
import { ladderRows, ladderTable } from './variant-ladder.js';

export function resultsTable(report: ExperimentReport, title = 'Results'): Table {
  return { title, ...resultColumns(report.results), note: METHOD_NOTE };
}

export function ratiosTable(report: ExperimentReport, title = 'Ratios'): Table | null {
  if (report.comparisons.length === 0) return null;
  return { title, ...ratioColumns(report.comparisons) };
}

/** Variants ladder, memory and sizes: present only when the log holds what they need. */
export function extraTables(session: Pick<Session, 'records'>): Table[] {
  const invocations: InvocationRecord[] = measured(session.records);
  const tables: Table[] = [];
  const cells = new CellCollector();
  for (const record of invocations) cells.add({ warmup: record.warmup, result: record });
  const rows = ladderRows(cells.cells());
  if (rows.length > 0) tables.push(ladderTable(rows));
  const memory = memoryTable(invocations);
  if (memory) tables.push(memory);
  const sizes = sizesOf(session.records);
  if (sizes) tables.push(storageTable(sizes));
  return tables;
}
