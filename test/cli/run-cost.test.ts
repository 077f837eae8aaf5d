import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { logSpaceWarning, maxInvocations, runCost } from '../../source/cli/run-cost.js';
import { parseExperimentPlan } from '../../source/measure/plan.js';
import { SessionLog } from '../../source/session/session-log.js';

const dir = mkdtempSync(join(tmpdir(), 'nebula-run-cost-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const plan = (energy: unknown, repetitions = 10) =>
  parseExperimentPlan({
    functions: [{ name: 'hello', inputs: ['', 'x'] }],
    runtimes: ['wasm', 'wasm-p1'],
    modes: ['warm'],
    repetitions,
    warmup: 1,
    pauseMs: 0,
    order: 'interleaved',
    energy,
  });

describe('what a run costs', () => {
  it('counts the invocations a plan can run at most', () => {
    assert.equal(maxInvocations(plan(null)), 2 * 2 * 11);
    const energy = plan({ blocks: 3, blockSeconds: 20, baselineSeconds: 2 });
    assert.equal(maxInvocations(energy), 4 * 60 * 10_000);
  });

  it('warns before a run whose log could outgrow the free space, and not otherwise', () => {
    const log = SessionLog.open(join(dir, 'run.jsonl'));
    try {
      assert.equal(logSpaceWarning(plan(null), log), null);
      const huge = plan({ blocks: 1000, blockSeconds: 3600, baselineSeconds: 2 });
      assert.match(
        logSpaceWarning(huge, log) ?? '',
        /^warning: this run may write up to [\d.]+ MB of session log .* has [\d.]+ MB free; shorten the run/,
      );
      assert.match(runCost(log), /^log 0\.0 MB, [\d.]+ MB resident$/);
    } finally {
      log.close();
    }
  });
});
