import type { Command } from 'commander';
import { UsageError } from '../../engine/engine.js';
import { renderInvocationsCsv, renderReportSummaryCsv } from '../../report/render/csv.js';
import { renderReportJson } from '../../report/render/json.js';
import { renderMarkdown } from '../../report/render/markdown.js';
import { buildReport } from '../../report/report.js';
import { readSessionLog, SessionLogError } from '../../session/read-log.js';
import { isInvocation } from '../../session/records.js';

const FORMATS = ['markdown', 'csv', 'summary-csv', 'json'] as const;
type Format = (typeof FORMATS)[number];

export function registerReport(program: Command): void {
  program
    .command('report')
    .description(
      'tables from a session log alone: medians, intervals, ratios, energy (csv: one row per invocation; summary-csv: one per cell)',
    )
    .argument('<log>', 'a session log, e.g. logs/2025-01-01T12-00-00Z-local.jsonl')
    .option('--format <format>', FORMATS.join(', '), 'markdown')
    .action((path: string, options: { format: string }) => {
      if (!(FORMATS as readonly string[]).includes(options.format)) {
        throw new UsageError(
          `unknown --format "${options.format}"; choose one of ${FORMATS.join(', ')}`,
        );
      }
      let contents: ReturnType<typeof readSessionLog>;
      try {
        contents = readSessionLog(path);
      } catch (error) {
        if (error instanceof SessionLogError) throw new UsageError(error.message);
        throw error;
      }
      for (const warning of contents.warnings) process.stderr.write(`warning: ${warning}\n`);
      const invocations = contents.records.filter(isInvocation);
      if (invocations.length === 0) process.stderr.write(`warning: ${path} holds no invocation\n`);
      process.stdout.write(render(options.format as Format, contents.records));
    });
}

function render(format: Format, records: ReturnType<typeof readSessionLog>['records']): string {
  if (format === 'csv') return renderInvocationsCsv(records.filter(isInvocation));
  const report = buildReport(records);
  if (format === 'summary-csv') return renderReportSummaryCsv(report);
  return format === 'json' ? renderReportJson(report) : renderMarkdown(report);
}
