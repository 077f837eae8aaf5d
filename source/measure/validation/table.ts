/** The validation table of docs/ENERGY.md, in markdown. */
import type { Accuracy, ConditionResult } from './validate.js';

export interface TableRow {
  meter: string;
  workload: string;
  /** The plan's idle layout: interleaved (the default) or around. */
  idle: string;
  result: ConditionResult;
}

const pct = (value: number | null, digits = 1) =>
  value === null || Number.isNaN(value) ? '–' : `${(value * 100).toFixed(digits)}%`;
const signed = (value: number) =>
  Number.isNaN(value) ? '–' : `${value >= 0 ? '+' : ''}${(value * 100).toFixed(2)}%`;
const cell = (a: Accuracy) => `${signed(a.bias)} / ${pct(a.coverage)} / ±${pct(a.halfWidth)}`;

const HEAD = [
  'Idle',
  'Meter',
  'Machine',
  'Runs',
  'Net: bias / coverage / ±',
  'Gross: bias / coverage / ±',
  "Thesis's method: bias",
];

/** The table's head: its first two lines. */
export function validationHead(): string {
  return `| ${HEAD.join(' | ')} |\n|${HEAD.map(() => '---').join('|')}|\n`;
}

/** One condition's line. */
export function validationRow(r: TableRow): string {
  const { result } = r;
  return `| ${r.idle} | ${r.meter} | ${r.workload} | ${result.runs} | ${cell(result.net)} | ${cell(result.gross)} | ${signed(result.thesis.bias)} |\n`;
}

export function validationTable(rows: readonly TableRow[]): string {
  return validationHead() + rows.map(validationRow).join('');
}
