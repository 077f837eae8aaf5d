/**
 * Figures from a small real session log (fibonacci-recursive, inputs 10 and 20 counted, then
 * 35 in two energy blocks per runtime; wasm and container, power estimated): the Vega-Lite specifications match the committed golden
 * files, and every figure renders to SVG in Node, without a browser.
 * After an intended change: UPDATE_GOLDEN=1 npm test, then review the diff.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { sessionFigures, writeFigures } from '../../source/report/document.js';
import { renderSvg } from '../../source/report/figures/render.js';
import { FIGURE_KINDS, type FigureSpec } from '../../source/report/figures/specs.js';
import { loadSessions, type Session } from '../../source/report/sessions.js';
import { assertGolden } from '../golden.js';

const fixtures = new URL('../../../test/fixtures/', import.meta.url).pathname;
const _goldenDir = join(fixtures, 'figures');

describe('figures from a real session log', { timeout: 60_000 }, () => {
  let figures: FigureSpec[] = [];
  let session: Session;
  before(async () => {
    [session] = (await loadSessions([join(fixtures, 'session-real.jsonl')])) as [Session];
    figures = sessionFigures(session);
  });

  it('has one figure of every kind for the function', () => {
    assert.deepEqual(
      figures.map((f) => f.id),
      FIGURE_KINDS.map((kind) => `fibonacci-recursive-${kind}`),
    );
  });

  it('specifications match the golden files', () => {
    for (const figure of figures)
      assertGolden(
        `figures/${figure.id}.vl.json.golden`,
        `${JSON.stringify(figure.spec, null, 2)}\n`,
      );
  });

  it('the data in the specifications are the log’s own numbers', () => {
    const byKind = (kind: string) => {
      const found = figures.find((f) => f.kind === kind);
      assert.ok(found, `a ${kind} figure`);
      return found;
    };
    const total = byKind('total-vs-input');
    const rows = (total.spec.data as { values: Array<{ series: string; input: number }> }).values;
    assert.deepEqual(rows.map((row) => `${row.series}@${row.input}`).sort(), [
      'container@10',
      'container@20',
      'container@35',
      'wasm@10',
      'wasm@20',
      'wasm@35',
    ]);
    const latency = byKind('latency');
    // One point per measured invocation of the chosen input (35, the energy run's: 235 on
    // wasm and 65 on container), both runtimes.
    assert.equal((latency.spec.data as { values: unknown[] }).values.length, 300);
    const energy = byKind('energy');
    const bars = (energy.spec.data as { values: Array<{ series: string; microWh: number }> })
      .values;
    assert.ok(bars.length > 0 && bars.every((bar) => bar.microWh > 0));
  });

  it('renders every figure to SVG without a browser', async () => {
    for (const figure of figures) {
      const svg = await renderSvg(figure);
      assert.match(svg, /^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/, figure.id);
      assert.ok(
        svg.includes(figure.title.replace(/&/g, '&amp;')),
        `${figure.id} carries its title`,
      );
      assert.ok(svg.length > 2000, `${figure.id} draws something`);
    }
  });

  it('--figures writes an SVG and its specification per figure', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nebula-figures-'));
    try {
      const written = await writeFigures(dir, [session as NonNullable<typeof session>], renderSvg);
      assert.equal(written.length, figures.length);
      const files = readdirSync(dir).sort();
      for (const figure of figures) {
        assert.ok(files.includes(`${figure.id}.svg`));
        assert.ok(files.includes(`${figure.id}.vl.json`));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
