/**
 * One self-contained HTML file: every table and every figure (inline SVG) of every session,
 * no script, no external link, so it opens offline and prints as it shows.
 */
import { headerLines } from './header-lines.js';
import type { Report } from './report.js';
import { resumedText } from './resumed-text.js';
import type { Table } from './table.js';

export interface HtmlFigure {
  id: string;
  kind: string;
  title: string;
  svg: string;
}

export interface HtmlSession {
  label: string;
  path: string;
  report: Report;
  tables: Table[];
  figures: HtmlFigure[];
}

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

export function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

const STYLE = `
body{font-family:system-ui,sans-serif;margin:2rem;max-width:1200px;color:#222}
table{border-collapse:collapse;margin:.5rem 0 1rem;font-size:.85rem}
th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#f3f3f3}
td.num{text-align:right;font-variant-numeric:tabular-nums}
figure{display:inline-block;margin:0 1rem 1rem 0;vertical-align:top}
figcaption{font-size:.8rem;color:#555}
.note{font-size:.8rem;color:#555;max-width:60rem}
`;

const NUMERIC = /^[-+]?[\d.,]+(\s|×|$)/;

export function htmlTable(table: Table, id: string): string {
  const head = table.head.map((cell) => `<th>${escapeHtml(cell)}</th>`).join('');
  const rows = table.rows
    .map(
      (row) =>
        `<tr>${row
          .map((cell) => `<td${NUMERIC.test(cell) ? ' class="num"' : ''}>${escapeHtml(cell)}</td>`)
          .join('')}</tr>`,
    )
    .join('\n');
  const note = table.note ? `\n<p class="note">${escapeHtml(table.note)}</p>` : '';
  return `<section class="table" id="${id}">\n<h3>${escapeHtml(table.title)}</h3>\n<table>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${rows}\n</tbody>\n</table>${note}\n</section>`;
}

function headerList(s: HtmlSession): string {
  const h = s.report.header;
  const items = [`Log: ${s.path}`];
  if (h) {
    items.push(...headerLines(h));
    if (h.machine.emulation)
      items.push(`EMULATED (${h.machine.emulation}): timings are not performance figures`);
  } else items.push('No header record: machine and versions unknown.');
  items.push(`Invocations: ${s.report.measured} measured, ${s.report.warmups} warm-up`);
  for (const section of s.report.sections) {
    for (const e of section.experiments) {
      for (const pause of e.resumed ?? []) items.push(`${e.experiment}: ${resumedText(pause)}`);
    }
  }
  return `<ul>${items.map((item) => `<li>${escapeHtml(item)}</li>`).join('')}</ul>`;
}

function figureHtml(figure: HtmlFigure, prefix: string): string {
  return `<figure id="${prefix}-${slug(figure.id)}" data-kind="${figure.kind}">\n${figure.svg}\n<figcaption>${escapeHtml(figure.title)}</figcaption>\n</figure>`;
}

export function renderHtml(sessions: readonly HtmlSession[], shared: Table[] = []): string {
  const parts: string[] = [];
  shared.forEach((table, i) => {
    parts.push(htmlTable(table, `shared-${i + 1}`));
  });
  sessions.forEach((s, i) => {
    const prefix = `s${i + 1}`;
    const tables = s.tables.map((table) => htmlTable(table, `${prefix}-${slug(table.title)}`));
    const figures = s.figures.map((figure) => figureHtml(figure, prefix));
    parts.push(
      `<section class="session" id="${prefix}">\n<h2>${escapeHtml(s.label)}</h2>\n${headerList(s)}\n${tables.join('\n')}\n` +
        `<section class="figures">\n<h3>Figures</h3>\n${figures.join('\n') || '<p>No successful measured invocation to draw.</p>'}\n</section>\n</section>`,
    );
  });
  const title =
    sessions.length === 1
      ? `Nebula report: ${sessions[0]?.label}`
      : `Nebula report: ${sessions.map((s) => s.label).join(' | ')}`;
  return `<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>${escapeHtml(title)}</title>\n<style>${STYLE}</style>\n</head>\n<body>\n<h1>${escapeHtml(title)}</h1>\n${parts.join('\n')}\n</body>\n</html>\n`;
}
