/** JSON for scripts: bench prints {results, comparisons}; report adds the header and energy. */
import type { ResultSet } from '../../experiment/results.js';
import type { Report } from '../report.js';

export function renderResultsJson(
  set: ResultSet & { aborted?: boolean; skipped?: unknown[] },
): string {
  return `${JSON.stringify(set, null, 2)}\n`;
}

export function renderReportJson(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
