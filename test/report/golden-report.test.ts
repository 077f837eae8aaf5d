/**
 * Reports from a fixed log must match the committed files byte for byte.
 * After an intended change of format: UPDATE_GOLDEN=1 npm test, then review the diff.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderInvocationsCsv, renderReportSummaryCsv } from '../../source/report/render/csv.js';
import { renderReportJson } from '../../source/report/render/json.js';
import { renderMarkdown } from '../../source/report/render/markdown.js';
import { buildReport } from '../../source/report/report.js';
import { readSessionLog } from '../../source/session/read-log.js';
import { isInvocation } from '../../source/session/records.js';
import { assertGolden } from '../golden.js';

const fixtures = new URL('../../../test/fixtures/', import.meta.url);
const log = new URL('session-golden.jsonl', fixtures).pathname;

describe('report from a fixed log', { timeout: 10000 }, () => {
  const { records, warnings } = readSessionLog(log);

  it('reads the fixture cleanly', () => {
    assert.deepEqual(warnings, []);
  });

  it('markdown', () => {
    assertGolden('session-golden.report.md.golden', renderMarkdown(buildReport(records)));
  });

  it('csv, one row per invocation', () => {
    const csv = renderInvocationsCsv(records.filter(isInvocation));
    assertGolden('session-golden.report.csv.golden', csv);
    assert.equal(csv.trimEnd().split('\n').length, 1 + records.filter(isInvocation).length);
  });

  it('json', () => {
    assertGolden('session-golden.report.json.golden', renderReportJson(buildReport(records)));
  });

  it('is the same bytes every time', () => {
    const again = readSessionLog(log).records;
    assert.equal(renderMarkdown(buildReport(again)), renderMarkdown(buildReport(records)));
    assert.equal(renderReportJson(buildReport(again)), renderReportJson(buildReport(records)));
  });
});

describe('report of a log with energy and two sections', { timeout: 10000 }, () => {
  // Written by the measurement session on a virtual clock and a fixed power trace (3 W idle,
  // wasm 4 W for 300 ms, container 5 W for 750 ms), then a console segment on another profile.
  const energyLog = new URL('session-energy.jsonl', fixtures).pathname;
  const { records, warnings } = readSessionLog(energyLog);
  const report = buildReport(records);

  it('reads cleanly and keeps the two profiles apart', () => {
    assert.deepEqual(warnings, []);
    assert.deepEqual(
      report.sections.map((s) => s.title),
      ['profile sim on host-a', 'profile local on host-a, segment 1'],
    );
    assert.deepEqual(
      report.sections.map((s) => s.experiments.map((e) => e.experiment)),
      [['exp-golden-energy'], ['exp-golden-timing']],
    );
  });

  it('gives the energy the session logged when it ran', () => {
    const logged = records
      .filter((r) => r.type === 'energy')
      .map(({ type: _type, ...rest }) => JSON.stringify(rest));
    const rows = report.sections[0]?.experiments[0]?.results ?? [];
    assert.deepEqual(
      rows.map((r) => JSON.stringify(r.energy)),
      logged,
    );
    assert.equal(rows[0]?.energy?.blocks.length, 6);
    assert.notEqual(rows[0]?.energy?.ci95.net.low, null);
  });

  it('markdown, json and summary csv', () => {
    assertGolden('session-energy.report.md.golden', renderMarkdown(report));
    assertGolden('session-energy.report.json.golden', renderReportJson(report));
    assertGolden('session-energy.report.summary.csv.golden', renderReportSummaryCsv(report));
  });
});
