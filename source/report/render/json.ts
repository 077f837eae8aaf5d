/** JSON for scripts: bench prints one experiment; report prints every section of a log. */
import type { ExperimentReport, Report } from '../report.js';

export function renderResultsJson(
  experiment: ExperimentReport & { aborted?: boolean; skipped?: unknown[] },
): string {
  return `${JSON.stringify(experiment, null, 2)}\n`;
}

export function renderReportJson(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
