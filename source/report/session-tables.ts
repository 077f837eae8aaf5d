/**
 * The tables of one session as Table models (for the HTML report), and the extra sections
 * (variants, memory, sizes) that both the markdown and the HTML report add after the
 * session's own results.
 */
import { laneLabel } from '../core/plan.js';
import type { InvocationRecord } from '../session/records.js';
import { toEnergyFigure } from './energy.js';
import { memoryTable } from './memory.js';
import { inputLabel, ms } from './render/format.js';
import { METHOD_NOTE } from './render/markdown.js';
import type { ExperimentReport } from './report.js';
import { measured } from './samples.js';
import type { Session } from './sessions.js';
import { sizesOf, storageTable } from './storage.js';
import { medianText, ratioText, type Table } from './table.js';
import { ladderRows, ladderTable } from './variant-ladder.js';

export function resultsTable(report: ExperimentReport, title = 'Results'): Table {
  const withEnergy = report.results.some((r) => r.energy !== undefined);
  const head = [
    'Function',
    'Input',
    'Mode',
    'Runtime',
    'n',
    'Failed',
    'Startup',
    'Read input',
    'Compute',
    'Write output',
    'Teardown',
    'Total (95% CI)',
    'Total p95',
    'Outliers',
    'Thesis startup',
    'Thesis runtime',
  ];
  if (withEnergy) head.push('Energy µWh/inv');
  const rows = report.results.map((r) => {
    const row = [
      r.function,
      inputLabel(r.input),
      r.mode,
      laneLabel(r),
      String(r.n),
      String(r.failures),
      ms(r.stats.startupMs.median),
      ms(r.stats.inputMs.median),
      ms(r.stats.execMs.median),
      ms(r.stats.outputMs.median),
      ms(r.stats.teardownMs.median),
      medianText(r.stats.totalMs),
      ms(r.stats.totalMs.p95),
      String(r.outliers.totalMs.count),
      ms(r.stats.thesisStartupMs.median),
      ms(r.stats.thesisRuntimeMs.median),
    ];
    if (withEnergy) {
      const figure = toEnergyFigure(r.energy);
      row.push(figure ? figure.value.toFixed(3) : '–');
    }
    return row;
  });
  return { title, head, rows, note: METHOD_NOTE };
}

export function ratiosTable(report: ExperimentReport, title = 'Ratios'): Table | null {
  if (report.comparisons.length === 0) return null;
  return {
    title,
    head: [
      'Function',
      'Input',
      'Mode',
      'Ratio',
      'Startup',
      'Read input',
      'Compute',
      'Write output',
      'Total',
      'Thesis startup',
      'Thesis runtime',
    ],
    rows: report.comparisons.map((c) => [
      c.function,
      inputLabel(c.input),
      c.mode,
      `${c.numerator} / ${c.denominator}`,
      ratioText(c.phases.startupMs),
      ratioText(c.phases.inputMs),
      ratioText(c.phases.execMs),
      ratioText(c.phases.outputMs),
      ratioText(c.phases.totalMs),
      ratioText(c.phases.thesisStartupMs),
      ratioText(c.phases.thesisRuntimeMs),
    ]),
  };
}

/** Variants ladder, memory and sizes: present only when the log holds what they need. */
export function extraTables(session: Pick<Session, 'records'>): Table[] {
  const invocations: InvocationRecord[] = measured(session.records);
  const tables: Table[] = [];
  const rows = ladderRows(invocations);
  if (rows.length > 0) tables.push(ladderTable(rows));
  const memory = memoryTable(invocations);
  if (memory) tables.push(memory);
  const sizes = sizesOf(session.records);
  if (sizes) tables.push(storageTable(sizes));
  return tables;
}
