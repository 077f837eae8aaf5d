import type { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import {
  FiguresError,
  renderHtmlReport,
  renderJsonReport,
  renderMarkdownReport,
  sessionReport,
  writeCsvReport,
  writeFigures,
} from '../../report/document.js';
import { renderSvg } from '../../report/figures/render.js';
import { renderReportSummaryCsv } from '../../report/render/csv.js';
import { loadSessions, type Session, SessionsError } from '../../report/sessions.js';
import { markdownTable } from '../../report/table.js';
import { ThesisError, thesisTables } from '../../report/thesis-tables.js';
import { SessionLogError } from '../../session/read-log.js';

const FORMATS = ['markdown', 'csv', 'summary-csv', 'json', 'html'] as const;
type Format = (typeof FORMATS)[number];

export function registerReport(program: Command): void {
  program
    .command('report')
    .description(
      'tables and figures from session logs alone (csv: one row per invocation; summary-csv: one per cell); several logs side by side, one column per session',
    )
    .argument('<logs...>', 'session logs, e.g. logs/2025-01-01T12-00-00Z-local.jsonl')
    .option('--format <format>', FORMATS.join(', '), 'markdown')
    .option('--figures <dir>', 'also write every figure as SVG (and its Vega-Lite spec) into DIR')
    .option(
      '--thesis',
      "the thesis's tables instead: container/Wasm for cold start, runtime, total and energy per platform, pooled as the thesis did, beside its published figures (markdown or json)",
    )
    .action(
      async (paths: string[], options: { format: string; figures?: string; thesis?: boolean }) => {
        if (!(FORMATS as readonly string[]).includes(options.format)) {
          throw new UsageError(
            `unknown --format "${options.format}"; choose one of ${FORMATS.join(', ')}`,
          );
        }
        const progress = readingProgress(process.stderr);
        let sessions: Session[];
        try {
          sessions = await loadSessions(paths, progress.update);
        } catch (error) {
          if (error instanceof SessionLogError || error instanceof SessionsError)
            throw new UsageError(error.message);
          throw error;
        } finally {
          progress.end();
        }
        for (const session of sessions) {
          if (session.invocations === 0)
            session.warnings.push(`${session.path} holds no invocation`);
        }
        if (options.figures) {
          const written = await writeFigures(options.figures, sessions, renderSvg).catch(
            (error: unknown) => {
              if (error instanceof FiguresError) throw new UsageError(error.message);
              throw error;
            },
          );
          process.stderr.write(`figures: ${written.length} SVG files in ${options.figures}\n`);
        }
        if (options.thesis) await writeOut(thesisText(options.format as Format, sessions));
        else if (options.format === 'csv') await writeCsvReport(sessions, writeOut);
        else await writeOut(await render(options.format as Format, sessions));
        // After rendering, which may add what it could not read.
        for (const session of sessions) {
          for (const warning of session.warnings) process.stderr.write(`warning: ${warning}\n`);
        }
      },
    );
}

function thesisText(format: Format, sessions: readonly Session[]): string {
  if (format !== 'markdown' && format !== 'json') {
    throw new UsageError(`--thesis gives markdown or json, not ${format}`);
  }
  try {
    const tables = thesisTables(sessions);
    return format === 'json'
      ? `${JSON.stringify(tables, null, 2)}\n`
      : `${tables.map((table) => markdownTable(table)).join('\n\n')}\n`;
  } catch (error) {
    if (error instanceof ThesisError) throw new UsageError(error.message);
    throw error;
  }
}

/** stdout at the pace its reader takes it (a report of millions of rows is never held). */
function writeOut(text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    process.stdout.write(text, (error) => (error ? reject(error) : resolve()));
  });
}

/**
 * "reading LOG: N records" on stderr once reading has taken over a second, redrawn as it
 * goes, and cleared at the end; nothing when stderr is not a terminal.
 */
function readingProgress(out: NodeJS.WriteStream) {
  const started = Date.now();
  let shown = false;
  return {
    update: (path: string, records: number) => {
      if (!out.isTTY || Date.now() - started < 1000) return;
      shown = true;
      const mb = (process.memoryUsage.rss() / 2 ** 20).toFixed(0);
      out.write(
        `\r\x1b[2Kreading ${path}: ${records.toLocaleString('en-US')} records, ${mb} MB resident`,
      );
    },
    end: () => {
      if (shown) out.write('\r\x1b[2K');
    },
  };
}

async function render(format: Format, sessions: Session[]): Promise<string> {
  switch (format) {
    case 'summary-csv':
      return sessions.map((s) => renderReportSummaryCsv(sessionReport(s))).join('');
    case 'json':
      return renderJsonReport(sessions);
    case 'html':
      return renderHtmlReport(sessions, renderSvg);
    default:
      return renderMarkdownReport(sessions);
  }
}
