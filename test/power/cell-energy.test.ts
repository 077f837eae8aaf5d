import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cellEnergies, type TimedRun } from '../../source/power/cell-energy.js';

const WALL0 = 1_700_000_000_000; // epoch ms of t = 0
const MONO0 = 9_000_000_000_000n; // monotonic ns of t = 0
/** 3 W idle, 5 W from 10 s to 30 s; one reading per 0.5 s, carrying both clocks. */
const samples = Array.from({ length: 81 }, (_, i) => {
  const t = i * 0.5;
  return {
    watts: t >= 10 && t <= 30 ? 5 : 3,
    receivedAt: { ms: WALL0 + t * 1000, monoNs: (MONO0 + BigInt(t * 1e9)).toString() },
  };
});
const run = (cell: string, step: number, atS: number, totalS: number): TimedRun => ({
  cell,
  step,
  warmup: false,
  at: WALL0 + atS * 1000,
  totalMs: totalS * 1000,
});

describe('energy per cell', { timeout: 5000 }, () => {
  it('attributes a back-to-back batch, net of the baseline', () => {
    // 20 invocations of 1 s each, 10 s .. 30 s: 2 W x 1 s = 2 J each above the 3 W baseline
    const runs = Array.from({ length: 20 }, (_, i) => run('a', i, 10 + i, 1));
    const [a] = cellEnergies(runs, samples, [], { watts: 3, reason: null });
    assert.equal(a?.invocations, 20);
    assert.equal(a?.windows, 1);
    assert.ok(
      Math.abs((a?.netJoulesPerInvocation ?? 0) - 2) < 0.02,
      `net ${a?.netJoulesPerInvocation}`,
    );
    assert.ok(Math.abs((a?.rawJoulesPerInvocation ?? 0) - 5) < 0.05);
    assert.ok(Math.abs((a?.netMicroWhPerInvocation ?? 0) - (2 / 3600) * 1e6) < 6);
  });

  it('gives no figure when runtimes alternate, and says why', () => {
    const runs = Array.from({ length: 20 }, (_, i) => run(i % 2 ? 'b' : 'a', i, 10 + i, 0.01));
    const results = cellEnergies(runs, samples, [], { watts: 3, reason: null });
    assert.equal(results.length, 2);
    for (const r of results) {
      assert.equal(r.netJoulesPerInvocation, null);
      assert.match(r.reason ?? '', /10 separate windows: runtimes alternate/);
    }
  });
});
