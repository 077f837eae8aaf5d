/** One table model for both renderers: markdown for terminals, HTML for the report file. */
import type { RatioInterval } from '../core/compare.js';
import type { Summary } from '../core/stats.js';
import { mdTable, ms, ratio } from './render/format.js';

export interface Table {
  title: string;
  head: string[];
  rows: string[][];
  note?: string;
}

export function markdownTable(table: Table, level = 2): string {
  const parts = [`${'#'.repeat(level)} ${table.title}`, '', mdTable(table.head, table.rows)];
  if (table.note) parts.push('', table.note);
  return parts.join('\n');
}

/** A median with its 95% interval: `12.345 (12.000 – 12.600)`. */
export function medianText(summary: Summary | null | undefined): string {
  if (!summary || summary.median === null) return '–';
  if (summary.ci.low === null || summary.ci.high === null) return ms(summary.median);
  return `${ms(summary.median)} (${ms(summary.ci.low)} – ${ms(summary.ci.high)})`;
}

export function ratioText(r: RatioInterval | null | undefined): string {
  if (!r || r.ratio === null) return '–';
  if (r.low === null || r.high === null) return ratio(r.ratio);
  return `${ratio(r.ratio)} (${ratio(r.low)} – ${ratio(r.high)})`;
}

export function bytesText(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined) return '–';
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(2)} MiB`;
}
