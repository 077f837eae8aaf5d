import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RuntimeName } from '../../source/core/invocation.js';
import { summarizeInvocations } from '../../source/experiment/results.js';
import { renderExperimentMarkdown } from '../../source/report/render/markdown.js';
import { fakeResult } from './fake-invoke.js';

const cell = (runtime: RuntimeName) => ({
  function: 'f',
  runtime,
  mode: 'cold' as const,
  input: '1',
});

describe('results from invocations', { timeout: 5000 }, () => {
  it('summarises measured successes per cell, counts failures, leaves warm-ups out', () => {
    const invocations = [
      { warmup: true, result: fakeResult(cell('wasm'), 1000) },
      ...[2, 4, 6, 8].map((ms) => ({ warmup: false, result: fakeResult(cell('wasm'), ms) })),
      { warmup: false, result: fakeResult(cell('wasm'), 99, false) },
      ...[20, 40, 60, 800].map((ms) => ({
        warmup: false,
        result: fakeResult(cell('container'), ms),
      })),
    ];
    const { results, comparisons } = summarizeInvocations(invocations);
    assert.deepEqual(
      results.map((r) => [r.runtime, r.n, r.failures]),
      [
        ['wasm', 4, 1],
        ['container', 4, 0],
      ],
    );
    const wasm = results[0];
    assert.equal(wasm?.stats.totalMs.median, 5);
    assert.equal(wasm?.stats.totalMs.max, 8);
    assert.equal(wasm?.stats.startupMs.median, 2.5);
    assert.equal(wasm?.outliers.totalMs.count, 0);
    // container: median 50, |dev| 30 10 10 750 -> MAD 20; 0.6745 * 750 / 20 = 25.3
    assert.deepEqual(
      results[1]?.outliers.totalMs.samples.map((o) => o.value),
      [800],
    );
    assert.equal(comparisons.length, 1);
    assert.equal(comparisons[0]?.phases.totalMs.ratio, 10);
  });

  it('carries emulation to the cell and says so above the tables, only when there is some', () => {
    const note = 'arm64 Node under qemu-user through binfmt_misc on a x64 CPU';
    const emulated = [1, 2].map((ms) => ({
      warmup: false,
      result: { ...fakeResult(cell('wasm'), ms), emulated: note },
    }));
    const set = summarizeInvocations(emulated);
    assert.equal(set.results[0]?.emulated, note);
    assert.match(
      renderExperimentMarkdown({ experiment: 'x', ...set, idle: null, power: null }),
      new RegExp(
        `^\\*\\*EMULATED\\*\\* \\(${note}\\): these timings are not performance figures\\.`,
      ),
    );
    const plain = summarizeInvocations([{ warmup: false, result: fakeResult(cell('wasm'), 1) }]);
    assert.equal(plain.results[0]?.emulated, undefined);
    assert.doesNotMatch(
      renderExperimentMarkdown({ experiment: 'x', ...plain, idle: null, power: null }),
      /EMULATED/,
    );
  });
});
