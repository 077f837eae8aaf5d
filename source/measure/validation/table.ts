/** The validation table of docs/ENERGY.md, in markdown. */
import type { Accuracy, ConditionResult } from './validate.js';

export interface TableRow {
  meter: string;
  workload: string;
  result: ConditionResult;
}

const pct = (value: number | null, digits = 1) =>
  value === null || Number.isNaN(value) ? '–' : `${(value * 100).toFixed(digits)}%`;
const signed = (value: number) =>
  Number.isNaN(value) ? '–' : `${value >= 0 ? '+' : ''}${(value * 100).toFixed(2)}%`;
const cell = (a: Accuracy) => `${signed(a.bias)} / ${pct(a.coverage)} / ±${pct(a.halfWidth)}`;

export function validationTable(rows: readonly TableRow[]): string {
  const head = [
    'Meter',
    'Machine',
    'Runs',
    'Net: bias / coverage / ±',
    'Gross: bias / coverage / ±',
    "Thesis's method: bias",
  ];
  const lines = [
    `| ${head.join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
    ...rows.map(
      (r) =>
        `| ${r.meter} | ${r.workload} | ${r.result.runs} | ${cell(r.result.net)} | ${cell(r.result.gross)} | ${signed(r.result.thesis.bias)} |`,
    ),
  ];
  return `${lines.join('\n')}\n`;
}
