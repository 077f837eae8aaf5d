/**
 * Reports from a fixed log must match the committed files byte for byte.
 * After an intended change of format: UPDATE_GOLDEN=1 npm test, then review the diff.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { readSessionLog } from '../../source/session/read-log.js';
import { isInvocation } from '../../source/session/records.js';
import { renderInvocationsCsv } from '../../source/report/render/csv.js';
import { renderReportJson } from '../../source/report/render/json.js';
import { renderMarkdown } from '../../source/report/render/markdown.js';
import { buildReport } from '../../source/report/report.js';

const fixtures = new URL('../../../test/fixtures/', import.meta.url);
const log = new URL('session-golden.jsonl', fixtures).pathname;

function golden(name: string, actual: string): void {
  const file = new URL(name, fixtures);
  if (process.env.UPDATE_GOLDEN) writeFileSync(file, actual);
  assert.equal(actual, readFileSync(file, 'utf8'), `${name} differs from the golden file`);
}

describe('report from a fixed log', { timeout: 10000 }, () => {
  const { records, warnings } = readSessionLog(log);

  it('reads the fixture cleanly', () => {
    assert.deepEqual(warnings, []);
  });

  it('markdown', () => {
    golden('session-golden.report.md.golden', renderMarkdown(buildReport(records)));
  });

  it('csv, one row per invocation', () => {
    const csv = renderInvocationsCsv(records.filter(isInvocation));
    golden('session-golden.report.csv.golden', csv);
    assert.equal(csv.trimEnd().split('\n').length, 1 + records.filter(isInvocation).length);
  });

  it('json', () => {
    golden('session-golden.report.json.golden', renderReportJson(buildReport(records)));
  });

  it('is the same bytes every time', () => {
    const again = readSessionLog(log).records;
    assert.equal(renderMarkdown(buildReport(again)), renderMarkdown(buildReport(records)));
    assert.equal(renderReportJson(buildReport(again)), renderReportJson(buildReport(records)));
  });
});
