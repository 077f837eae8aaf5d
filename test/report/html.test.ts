/**
 * The HTML report: its structure pinned by a golden outline (sections, tables with their
 * sizes, figures with their kinds), every figure present as inline SVG, every number of the
 * session's results in its table, nothing loaded from outside.
 * After an intended change: UPDATE_GOLDEN=1 npm test, then review the diff.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { laneLabel } from '../../source/core/plan.js';
import { renderHtmlReport, sessionFigures, sessionReport } from '../../source/report/document.js';
import { renderSvg } from '../../source/report/figures/render.js';
import { escapeHtml } from '../../source/report/html.js';
import { ms } from '../../source/report/render/format.js';
import { loadSessions, type Session } from '../../source/report/sessions.js';
import { assertGolden } from '../golden.js';

const fixtures = new URL('../../../test/fixtures/', import.meta.url).pathname;

/** Tags that carry the structure, one per line, with table sizes and figure kinds. */
function outline(html: string): string {
  const lines: string[] = [];
  const tag = /<(section|h1|h2|h3|table|figure)([^>]*)>([^<]*)/g;
  for (const match of html.matchAll(tag)) {
    const [, name, attrs, text] = match as unknown as [string, string, string, string];
    const id = /id="([^"]+)"/.exec(attrs)?.[1];
    const kind = /data-kind="([^"]+)"/.exec(attrs)?.[1];
    if (name === 'table') {
      const end = html.indexOf('</table>', match.index);
      const body = html.slice(match.index, end);
      const rows = (body.match(/<tr>/g) ?? []).length - 1;
      const cols = (body.match(/<th>/g) ?? []).length;
      lines.push(`table ${rows}x${cols}`);
    } else if (name === 'figure') lines.push(`figure#${id} ${kind}`);
    else lines.push(`${name}${id ? `#${id}` : ''}${text.trim() ? ` ${text.trim()}` : ''}`);
  }
  return `${lines.join('\n')}\n`;
}

/** The rows of the tables in sections whose id starts with `id` (one per experiment), in order. */
function tableRows(html: string, id: string): string[][] {
  const starts = [...html.matchAll(new RegExp(`<section class="table" id="${id}[^"]*">`, 'g'))];
  assert.ok(starts.length > 0, `no table section ${id}`);
  return starts.flatMap((found) => {
    const start = found.index as number;
    const body = html.slice(start, html.indexOf('</table>', start));
    return [...body.matchAll(/<tr>(.*?)<\/tr>/g)]
      .slice(1)
      .map((row) =>
        [...(row[1] as string).matchAll(/<td[^>]*>(.*?)<\/td>/g)].map((cell) => cell[1] as string),
      );
  });
}

describe('HTML report', { timeout: 60_000 }, () => {
  let sessions: Session[] = [];
  before(async () => {
    sessions = await loadSessions([
      join(fixtures, 'session-real.jsonl'),
      join(fixtures, 'session-variants.jsonl'),
    ]);
  });

  it('has the golden structure', async () => {
    const html = await renderHtmlReport(sessions, renderSvg);
    assertGolden('report.html.outline.golden', outline(html));
  });

  it('holds every figure as inline SVG, and nothing from outside', async () => {
    const html = await renderHtmlReport(sessions, renderSvg);
    sessions.forEach((session, i) => {
      for (const figure of sessionFigures(session)) {
        const at = html.indexOf(`<figure id="s${i + 1}-${figure.id}" data-kind="${figure.kind}">`);
        assert.ok(at >= 0, `figure ${figure.id} of session ${i + 1}`);
        assert.ok(html.slice(at, at + 300).includes('<svg '), `${figure.id} is inline SVG`);
      }
    });
    assert.doesNotMatch(html, /<script|<link |src="http|href="http/);
  });

  it('shows every number of each session’s results in its table', async () => {
    const html = await renderHtmlReport(sessions, renderSvg);
    let withEnergy = false;
    sessions.forEach((session, i) => {
      const report = sessionReport(session);
      const results = report.sections.flatMap((s) => s.experiments.flatMap((e) => e.results));
      const rows = tableRows(html, `s${i + 1}-results`);
      assert.equal(rows.length, results.length);
      results.forEach((result, r) => {
        const row = rows[r] as string[];
        assert.equal(row[3], escapeHtml(laneLabel(result)));
        assert.equal(row[4], String(result.n));
        assert.equal(row[6], ms(result.stats.startupMs.median));
        assert.equal(row[7], ms(result.stats.inputMs.median));
        assert.equal(row[8], ms(result.stats.execMs.median));
        assert.equal(row[9], ms(result.stats.outputMs.median));
        assert.equal(row[10], ms(result.stats.teardownMs.median));
        const total = result.stats.totalMs;
        assert.equal(row[11], ms(total.median));
        assert.equal(
          row[12],
          total.ci.low === null ? '–' : `${ms(total.ci.low)} – ${ms(total.ci.high)}`,
        );
        assert.equal(row[13], ms(total.p95));
        assert.equal(row[15], ms(result.stats.thesisStartupMs.median));
        assert.equal(row[16], ms(result.stats.thesisRuntimeMs.median));
        // Energy with its interval, as in the markdown report.
        const energy = result.energy;
        if (energy) {
          assert.equal(row[17], energy.grossMicroWhPerInvocation?.toFixed(3) ?? '–');
          assert.equal(row[18], energy.netMicroWhPerInvocation?.toFixed(3) ?? '–');
          const { low, high } = energy.ci95.net;
          assert.equal(
            row[19],
            low == null ? '–' : `${low.toFixed(3)} – ${high?.toFixed(3) ?? '–'}`,
          );
        }
      });
      withEnergy ||= results.some((result) => result.energy);
    });
    assert.ok(withEnergy, 'a session of the fixture has energy, so its columns are checked');
  });

  it('sets the two sessions side by side, each in its own column', async () => {
    const html = await renderHtmlReport(sessions, renderSvg);
    const head = html.slice(html.indexOf('<section class="table" id="shared-1">'));
    const columns = [...head.slice(0, head.indexOf('</tr>')).matchAll(/<th>(.*?)<\/th>/g)].map(
      (m) => m[1],
    );
    assert.deepEqual(
      columns.slice(4),
      sessions.map((s) => escapeHtml(s.label)),
    );
    assert.notEqual(sessions[0]?.label, sessions[1]?.label);
  });
});
