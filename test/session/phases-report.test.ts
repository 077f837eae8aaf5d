/**
 * Reports of a log with the input, compute and output phases and the thesis's columns, and one
 * invocation logged before the functions marked input_read and computed. Byte for byte against
 * the committed files; after an intended change: UPDATE_GOLDEN=1 npm test, then review the diff.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderInvocationsCsv, renderSummaryCsv } from '../../source/report/render/csv.js';
import { renderMarkdown, UNMARKED_NOTE } from '../../source/report/render/markdown.js';
import { buildReport } from '../../source/report/report.js';
import { readSessionLog } from '../../source/session/read-log.js';
import { isInvocation } from '../../source/session/records.js';
import { assertGolden } from '../golden.js';

const fixtures = new URL('../../../test/fixtures/', import.meta.url);
const log = new URL('session-phases.jsonl', fixtures).pathname;

describe('report with input, compute and output phases', { timeout: 10000 }, () => {
  const { records, warnings } = readSessionLog(log);
  const report = buildReport(records);
  // The fixture holds one experiment on one machine and profile.
  const experiment = report.sections[0]?.experiments[0];
  const results = experiment?.results ?? [];
  const comparisons = experiment?.comparisons ?? [];

  it('reads the fixture cleanly', () => assert.deepEqual(warnings, []));

  it('markdown', () => assertGolden('session-phases.report.md.golden', renderMarkdown(report)));

  it('csv, per invocation and per cell', () => {
    assertGolden(
      'session-phases.report.csv.golden',
      renderInvocationsCsv(records.filter(isInvocation)),
    );
    assertGolden('session-phases.summary.csv.golden', renderSummaryCsv(results));
  });

  it('compares compute alone, and says which invocations lack the new marks', () => {
    const container = results.find((r) => r.runtime === 'container');
    assert.equal(container?.n, 4);
    assert.equal(container?.stats.inputMs.n, 3);
    assert.equal(container?.stats.thesisStartupMs.n, 3);
    const ratio = comparisons.find((c) => c.numerator === 'container' && c.denominator === 'wasm');
    // Medians of compute: container 1.26 (of 1.2, 1.26, 1.32, 3.9) over wasm 1.995.
    assert.equal(ratio?.phases.execMs.ratio?.toFixed(4), ((1.26 + 1.32) / 2 / 1.995).toFixed(4));
    assert.ok(renderMarkdown(report).includes(UNMARKED_NOTE));
  });
});
