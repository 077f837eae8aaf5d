/**
 * The function's own marks on every runtime, through the real runtimes: hello computes
 * nothing, so its compute phase (input_read to computed) must be empty on all of them, and
 * the phases must add up to the total.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { RUNTIME_NAMES, type Timings } from '../../source/core/invocation.js';
import { Engine } from '../../source/engine/engine.js';
import { requireEngine } from './helpers.js';

const engine = new Engine();
after(() => engine.close());

/** A mark is a clock read and nothing else: two in a row are well under this apart. */
const EMPTY_PHASE_MS = 0.01;

const sum = (t: Timings) =>
  t.startupMs + (t.inputMs ?? 0) + (t.execMs ?? 0) + (t.outputMs ?? 0) + (t.teardownMs ?? 0);

describe('phases from the functions own marks', { timeout: 300_000 }, () => {
  before(requireEngine);
  // Deployed here, so the file does not lean on another test file having deployed them.
  before(async () => {
    for (const runtime of RUNTIME_NAMES) {
      const deployer = await engine.runtime(runtime);
      for (const name of ['hello', 'fibonacci-recursive']) await deployer.deploy(engine.fn(name));
    }
  });
  for (const runtime of RUNTIME_NAMES) {
    for (const mode of ['cold', 'warm'] as const) {
      it(`hello on ${runtime} (${mode}) computes nothing: compute is 0 within microseconds`, async () => {
        const runs: Timings[] = [];
        for (let i = 0; i < 5; i++) {
          const result = await engine.invoke('hello', runtime, { input: 'ignored', mode });
          assert.equal(result.ok, true, result.error ?? '');
          runs.push(result.timings);
        }
        for (const t of runs) {
          assert.equal(typeof t.inputMs, 'number', JSON.stringify(t));
          assert.equal(typeof t.outputMs, 'number', JSON.stringify(t));
          assert.ok((t.inputMs as number) >= 0 && (t.outputMs as number) >= 0, JSON.stringify(t));
          assert.ok(Math.abs(sum(t) - t.totalMs) < 1e-6, JSON.stringify(t));
          assert.equal(typeof t.thesisStartupMs, 'number', JSON.stringify(t));
          assert.ok(
            Math.abs((t.thesisStartupMs as number) + (t.thesisRuntimeMs as number) - t.totalMs) <
              1e-6,
          );
          if (runtime === 'container') assert.equal(t.thesisStartupMs, t.startupMs);
          else assert.ok((t.thesisStartupMs as number) < t.startupMs, JSON.stringify(t));
        }
        // The smallest of five, so one preemption of this shared machine cannot decide it.
        const least = Math.min(...runs.map((t) => t.execMs ?? Number.NaN));
        assert.ok(least >= 0 && least < EMPTY_PHASE_MS, `compute ${least} ms`);
      });
    }
  }

  it('fibonacci-recursive(25) computes for real, and the same result on every runtime', async () => {
    const outputs = new Set<string>();
    for (const runtime of RUNTIME_NAMES) {
      const result = await engine.invoke('fibonacci-recursive', runtime, {
        input: '25',
        mode: 'warm',
      });
      assert.equal(result.ok, true, result.error ?? '');
      outputs.add(result.output);
      const t = result.timings;
      assert.ok((t.execMs ?? 0) > EMPTY_PHASE_MS, `${runtime}: ${JSON.stringify(t)}`);
    }
    assert.deepEqual([...outputs], ['75025\n']);
  });
});
