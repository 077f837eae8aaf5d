/**
 * The results view's lines come from the report model: the golden energy session (6 blocks
 * per runtime, a fixed power trace) shows the medians with their intervals, the
 * container/Wasm ratio with its interval, energy gross and net with theirs, and the idle drift.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { energyRatio } from '../../source/console/experiment.js';
import { experimentLines } from '../../source/console/results-view.js';
import type { CellEnergy } from '../../source/measure/block-figures.js';
import { buildReport } from '../../source/report/report.js';
import { readSessionLog } from '../../source/session/read-log.js';

const fixture = new URL('../../../test/fixtures/session-energy.jsonl', import.meta.url).pathname;

describe('the results view', () => {
  const report = buildReport(readSessionLog(fixture).records);
  const energy = report.sections
    .flatMap((section) => section.experiments)
    .find((e) => e.experiment === 'exp-golden-energy');
  assert.ok(energy, 'the fixture has its energy experiment');
  const lines = experimentLines(energy).map((line) => line.text);
  const text = lines.join('\n');

  it('names the experiment, its function, input and mode, and its power source', () => {
    assert.match(lines[0] ?? '', /^Experiment exp-golden-energy {2}hello "" warm$/);
    assert.match(text, /power trace \(test stand-in for a plug\) \(mqtt, SIMULATED\)/);
  });

  it('gives each runtime its median total with the 95% interval, as the report does', () => {
    for (const row of energy.results) {
      const total = row.stats.totalMs;
      const ci =
        total.ci.low === null
          ? ''
          : ` \\(${total.ci.low.toFixed(3)} – ${total.ci.high?.toFixed(3)}\\)`;
      assert.match(
        text,
        new RegExp(`${row.runtime} +n ${row.n} +total ${total.median?.toFixed(3)}${ci}`),
      );
    }
  });

  it('gives the container/Wasm ratio with its interval', () => {
    assert.match(text, /container\/wasm total [\d.]+× \([\d.]+× – [\d.]+×\)/);
  });

  it('gives energy gross and net with their intervals, and their ratio', () => {
    assert.match(
      text,
      /wasm +gross 333\.333 \(333\.333 – 333\.333\) {2}net 83\.333 \(83\.333 – 83\.333\) ±0\.0% {2}6 blocks/,
    );
    assert.match(text, /container +gross 1041\.667 \(1041\.667 – 1041\.667\) {2}net 416\.667/);
    // 416.667 / 83.333 = 5.00: net, both cells having a net figure.
    assert.match(text, /energy container\/wasm 5\.00× \([\d.]+× – [\d.]+×\) net/);
  });

  it('says the precision each net figure reached, and whether it met the one asked for', () => {
    const asked = structuredClone(energy);
    const [first, second] = asked.results;
    assert.ok(first?.energy && second?.energy, 'both cells have energy');
    first.energy.precision = { net: 0.041, target: 0.05, met: true };
    second.energy.precision = { net: 0.173, target: 0.05, met: false };
    const shown = experimentLines(asked).map((line) => line.text);
    assert.match(shown.join('\n'), /net [\d.]+ \([\d.]+ – [\d.]+\) ±4\.1% \(asked ±5\.0%: met\)/);
    assert.match(
      shown.join('\n'),
      /net [\d.]+ \([\d.]+ – [\d.]+\) ±17\.3% \(asked ±5\.0%: time cap\)/,
    );
  });

  it('says the idle before and after and the drift, flagged over 5%', () => {
    assert.match(text, /idle before [\d.]+ W, after [\d.]+ W, drift -?[\d.]+%/);
    const flagged = energy.idle?.flagged ?? false;
    assert.equal(/FLAGGED/.test(text), flagged);
  });
});

describe('the energy ratio', () => {
  const cell = (runtime: string, net: number[], gross: number[]) =>
    ({
      cell: `f/${runtime}/warm/""`,
      blocks: net.map((value, i) => ({
        netMicroWhPerInvocation: value,
        grossMicroWhPerInvocation: gross[i] ?? null,
      })),
    }) as unknown as CellEnergy;

  it('takes net figures when both are above zero', () => {
    const found = energyRatio([cell('wasm', [0.5], [2]), cell('container', [2], [6])]);
    assert.deepEqual(found && [found.basis, found.ratio], ['net', 4]);
  });

  it('takes gross figures when a net median is at or below zero (idle as high as the load)', () => {
    const found = energyRatio([cell('wasm', [0.1], [2]), cell('container', [-0.05], [6])]);
    assert.deepEqual(found && [found.basis, found.ratio], ['gross', 3]);
  });
});
