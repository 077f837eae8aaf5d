/**
 * The tables of one session as Table models (for the HTML report), and the extra sections
 * (variants, memory, sizes) that both the markdown and the HTML report add after the
 * session's own results.
 */
import { memoryTable } from './memory.js';
import { METHOD_NOTE } from './render/markdown.js';
import type { ExperimentReport } from './report.js';
import { ratioColumns, resultColumns } from './result-columns.js';
import type { Session } from './sessions.js';
import { storageTable } from './storage.js';
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
export function extraTables(session: Pick<Session, 'cells' | 'sizes'>): Table[] {
  const tables: Table[] = [];
  const rows = ladderRows(session.cells);
  if (rows.length > 0) tables.push(ladderTable(rows));
  const memory = memoryTable(session.cells);
  if (memory) tables.push(memory);
  if (session.sizes) tables.push(storageTable(session.sizes));
  return tables;
}
