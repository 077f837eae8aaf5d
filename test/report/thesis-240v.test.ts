/**
 * The thesis's 240 V method recomputed from a log: readings that kept the meter's current
 * give a column of their own in every report format; logs without currents are unchanged.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderReportSummaryCsv } from '../../source/report/render/csv.js';
import { renderMarkdown } from '../../source/report/render/markdown.js';
import { buildReport } from '../../source/report/report.js';
import { readSessionLog } from '../../source/session/read-log.js';
import type { AnyRecord } from '../../source/session/records.js';

const fixtures = new URL('../../../test/fixtures/', import.meta.url);
const energyLog = new URL('session-energy.jsonl', fixtures).pathname;

/** The same log as if a 230 V meter had given its current with every reading. */
function withCurrents(records: readonly AnyRecord[]): AnyRecord[] {
  return records.map((r) =>
    r.type === 'power' ? { ...r, meter: { volts: 230, amps: (r.watts as number) / 230 } } : r,
  );
}

describe("the thesis's 240 V method in reports", { timeout: 10_000 }, () => {
  const { records } = readSessionLog(energyLog);

  it('is 240/230 of the thesis figure when the meter read 230 V, in markdown and CSV', () => {
    const report = buildReport(withCurrents(records));
    const rows = report.sections.flatMap((s) => s.experiments.flatMap((e) => e.results));
    const withEnergy = rows.filter((r) => r.energy);
    assert.ok(withEnergy.length >= 2, 'the fixture has cells with energy');
    for (const row of withEnergy) {
      const thesis = row.energy?.thesis.grossMicroWhPerInvocation as number;
      const at240 = row.energy?.thesis240V?.grossMicroWhPerInvocation as number;
      assert.ok(thesis > 0);
      assert.ok(Math.abs(at240 / thesis - 240 / 230) < 1e-9, `${at240} vs ${thesis}`);
    }
    const markdown = renderMarkdown(report);
    assert.match(markdown, /Thesis 240 V µWh\/inv/);
    const csv = renderReportSummaryCsv(report).split('\n');
    const head = (csv[0] as string).split(',');
    const column = head.indexOf('energy_thesis_240v_gross_uwh');
    assert.ok(column > 0, head.join());
    const values = csv.slice(1).filter((line) => line.split(',')[column]);
    assert.equal(values.length, withEnergy.length);
  });

  it('adds nothing to a log whose readings carry no current', () => {
    const report = buildReport(records);
    assert.doesNotMatch(renderMarkdown(report), /240 V/);
    assert.doesNotMatch(renderReportSummaryCsv(report), /240v/);
  });
});
