/**
 * A report over one or more session logs: each session's own tables and figures, and with
 * several sessions the side-by-side table first. Markdown, JSON, CSV and HTML come from the
 * same models; figures are drawn once and written as files or inlined.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { streamSessionLog } from '../session/read-log.js';
import { isInvocation } from '../session/records.js';
import { ensureDir } from '../session/session-log.js';
import { driverTable } from './driver-table.js';
import { energyByCell } from './energy-by-cell.js';
import { type FigureSpec, figureSpecs } from './figures/specs.js';
import { type HtmlSession, renderHtml, slug } from './html.js';
import { invocationCsvRow, invocationsCsvHead } from './render/csv.js';
import { csvField } from './render/format.js';
import { renderMarkdown } from './render/markdown.js';
import type { Report } from './report.js';
import { extraTables, ratiosTable, resultsTable } from './session-tables.js';
import type { Session } from './sessions.js';
import { sideBySide } from './side-by-side.js';
import { sideBySideTable } from './side-by-side-table.js';
import { markdownTable, type Table } from './table.js';

export function sessionReport(session: Session): Report {
  return session.report;
}

export function sessionFigures(session: Session): FigureSpec[] {
  return figureSpecs(session.cells, energyByCell(session.report), session.powerSource, {
    timeline: session.timeline,
    experiments: session.report.sections.flatMap((section) => section.experiments),
  });
}

/** Across the logs given: sessions side by side, and the drivers' table once a client drove. */
function sharedTables(sessions: readonly Session[]): Table[] {
  const tables = sessions.length > 1 ? [sideBySideTable(sideBySide(sessions))] : [];
  const drivers = driverTable(sessions.map((s) => s.drivers));
  if (drivers) tables.push(drivers);
  return tables;
}

export function renderMarkdownReport(sessions: readonly Session[]): string {
  const parts: string[] = [];
  for (const table of sharedTables(sessions)) parts.push(markdownTable(table, 1));
  for (const session of sessions) {
    let text = renderMarkdown(sessionReport(session));
    if (sessions.length > 1) text = text.replace(/^# Nebula session report/, `# ${session.label}`);
    const extras = extraTables(session).map((table) => markdownTable(table));
    parts.push([text.trimEnd(), ...extras].join('\n\n'));
  }
  return `${parts.join('\n\n')}\n`;
}

export function renderJsonReport(sessions: readonly Session[]): string {
  if (sessions.length === 1) {
    const [only] = sessions as [Session];
    const tables = [...extraTables(only), ...sharedTables(sessions)];
    const body = { ...sessionReport(only), ...(tables.length > 0 ? { tables } : {}) };
    return `${JSON.stringify(body, null, 2)}\n`;
  }
  const body = {
    sessions: sessions.map((s) => ({
      label: s.label,
      path: s.path,
      report: sessionReport(s),
      tables: extraTables(s),
    })),
    sideBySide: sideBySide(sessions),
    ...withDrivers(sessions),
  };
  return `${JSON.stringify(body, null, 2)}\n`;
}

function withDrivers(sessions: readonly Session[]): { drivers?: Table } {
  const drivers = driverTable(sessions.map((s) => s.drivers));
  return drivers ? { drivers } : {};
}

/**
 * One row per invocation, read from each log again and written as it is read (a log of
 * millions of invocations is never held); with several sessions a first column names the
 * session.
 */
export async function writeCsvReport(
  sessions: readonly Session[],
  write: (text: string) => void | Promise<void>,
): Promise<void> {
  const several = sessions.length > 1;
  const head = invocationsCsvHead();
  await write(several ? `session,${head}` : head);
  for (const session of sessions) {
    const prefix = several ? `${csvField(session.label)},` : '';
    let batch = '';
    await streamSessionLog(session.path, (record) => {
      if (!isInvocation(record)) return;
      batch += prefix + invocationCsvRow(record);
      if (batch.length < 1 << 16) return;
      const out = write(batch);
      batch = '';
      return out;
    });
    if (batch) await write(batch);
  }
}

/** The same as a string (small logs, tests). */
export async function renderCsvReport(sessions: readonly Session[]): Promise<string> {
  let out = '';
  await writeCsvReport(sessions, (text) => {
    out += text;
  });
  return out;
}

export type Draw = (figure: FigureSpec) => Promise<string>;

/** The figures' folder cannot be made or written: the request's to fix. */
export class FiguresError extends Error {
  override name = 'FiguresError';
}

export async function renderHtmlReport(sessions: readonly Session[], draw: Draw): Promise<string> {
  const htmlSessions: HtmlSession[] = [];
  for (const session of sessions) {
    const report = sessionReport(session);
    // One results table per experiment of each section: cells are never pooled across them.
    const tables: Table[] = [];
    const experiments = report.sections.flatMap((section) =>
      section.experiments.map((experiment) => ({ section, experiment })),
    );
    for (const { section, experiment } of experiments) {
      const where = experiments.length > 1 ? `: ${section.title}, ${experiment.experiment}` : '';
      tables.push(resultsTable(experiment, `Results${where}`));
      const ratios = ratiosTable(experiment, `Ratios${where}`);
      if (ratios) tables.push(ratios);
    }
    tables.push(...extraTables(session));
    const figures = [];
    for (const figure of sessionFigures(session))
      figures.push({ ...figure, svg: await draw(figure) });
    htmlSessions.push({ label: session.label, path: session.path, report, tables, figures });
  }
  return renderHtml(htmlSessions, sharedTables(sessions));
}

/**
 * DIR/<figure>.svg and its Vega-Lite specification <figure>.vl.json; with several sessions,
 * one folder per session. Returns the files written.
 */
export async function writeFigures(
  dir: string,
  sessions: readonly Session[],
  draw: Draw,
): Promise<string[]> {
  const written: string[] = [];
  for (const session of sessions) {
    const target = sessions.length > 1 ? join(dir, slug(session.label)) : dir;
    try {
      ensureDir(target);
    } catch (error) {
      throw new FiguresError(`cannot write figures into ${target}: ${(error as Error).message}`);
    }
    for (const figure of sessionFigures(session)) {
      const svgPath = join(target, `${figure.id}.svg`);
      const svg = await draw(figure);
      try {
        writeFileSync(svgPath, svg);
        writeFileSync(
          join(target, `${figure.id}.vl.json`),
          `${JSON.stringify(figure.spec, null, 2)}\n`,
        );
      } catch (error) {
        throw new FiguresError(`cannot write ${svgPath}: ${(error as Error).message}`);
      }
      written.push(svgPath);
    }
  }
  return written;
}
