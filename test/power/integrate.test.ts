import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  attributeEnergy,
  baselineFrom,
  type EnergyWindow,
  type TimedGap,
  type TimedWatts,
  windowEnergy,
} from '../../source/power/integrate.js';

const S = 1_000_000_000n;
const T0 = 5_000n * S; // an arbitrary monotonic origin

/** A sample at `t` seconds after T0. */
const at = (t: number, watts: number): TimedWatts => ({
  watts,
  receivedAt: { monoNs: (T0 + BigInt(Math.round(t * 1e9))).toString() },
});
const window = (from: number, to: number): EnergyWindow => ({
  startNs: T0 + BigInt(Math.round(from * 1e9)),
  endNs: T0 + BigInt(Math.round(to * 1e9)),
});
const close = (actual: number | null, expected: number, tolerance = 0.01) => {
  assert.ok(actual !== null, 'expected a number, got null');
  assert.ok(
    Math.abs(actual - expected) <= Math.abs(expected) * tolerance,
    `${actual} is not within ${tolerance * 100}% of ${expected}`,
  );
};

/** Deterministic jitter so traces look like a plug's (+-150 ms) without randomness. */
const jitter = (i: number) => 0.15 * Math.sin(i * 12.9898);

describe('windowEnergy', { timeout: 5000 }, () => {
  it('integrates a constant power exactly', () => {
    const samples = Array.from({ length: 61 }, (_, i) => at(i, 3));
    const energy = windowEnergy(samples, window(0, 60));
    assert.equal(energy.joules, 180);
    assert.equal(energy.meanWatts, 3);
    assert.equal(energy.samples, 61);
    assert.deepEqual(energy.flags, []);
  });

  it('integrates a ramp exactly with the trapezoid rule', () => {
    // P(t) = 2 + 0.1 t over 0..30 s: E = 2*30 + 0.05*900 = 105 J
    const samples = Array.from({ length: 31 }, (_, i) =>
      at(i + jitter(i) * (i > 0 && i < 30 ? 1 : 0), 0),
    );
    for (const s of samples) {
      const t = Number(BigInt(s.receivedAt.monoNs) - T0) / 1e9;
      s.watts = 2 + 0.1 * t;
    }
    close(windowEnergy(samples, window(0, 30)).joules, 105, 1e-9);
  });

  it('holds the nearest reading inside up to each edge, not the neighbour outside', () => {
    // 2 W before the window, 3 W inside, 9 W after: the load changes at the edges.
    const samples = [-0.5, 0.5, 2.5, 4.5, 6.5, 8.5, 10.5].map((t) =>
      at(t, t < 0 ? 2 : t > 10 ? 9 : 3),
    );
    close(windowEnergy(samples, window(0, 10)).joules, 30, 1e-9);
    // A ramp: held 2.25 W from 0 to 0.5 s and 6.25 W from 8.5 to 10 s, trapezoids between.
    const ramp = [-1, 0.5, 2.5, 4.5, 6.5, 8.5, 11].map((t) => at(t, 2 + 0.5 * t));
    // 2.25 x 0.5 + the ramp's own integral from 0.5 to 8.5 s (34 J) + 6.25 x 1.5
    close(windowEnergy(ramp, window(0, 10)).joules, 1.125 + 34 + 9.375, 1e-9);
  });

  it('gives no number for too few samples, and says why', () => {
    const energy = windowEnergy([at(1, 5)], window(0, 3));
    assert.equal(energy.joules, null);
    assert.deepEqual(energy.flags, ['too-few-samples']);
    assert.match(energy.reason ?? '', /1 samples in 3\.0 s/);
    // one reading every 3 s is fewer than one per 2 s
    const sparse = windowEnergy(
      [0, 3, 6, 9, 12].map((t) => at(t, 5)),
      window(0, 12),
    );
    assert.equal(sparse.joules, null);
    assert.deepEqual(sparse.flags, ['too-few-samples']);
  });

  it('flags a hole longer than three median intervals', () => {
    const samples = Array.from({ length: 31 }, (_, i) => at(i, 4)).filter(
      (_, i) => i < 10 || i > 14,
    );
    const energy = windowEnergy(samples, window(0, 30));
    assert.equal(energy.joules, null);
    assert.deepEqual(energy.flags, ['gap']);
    assert.match(energy.reason ?? '', /no reading for 6\.0 s/);
  });

  it('flags a window that overlaps a recorded power gap, and only that', () => {
    const samples = Array.from({ length: 41 }, (_, i) => at(i, 4));
    const gap: TimedGap = {
      from: { monoNs: (T0 + 20n * S).toString() },
      to: { monoNs: (T0 + 21n * S).toString() },
      reason: 'lost the broker',
    };
    const across = windowEnergy(samples, window(10, 30), [gap]);
    assert.equal(across.joules, null);
    assert.deepEqual(across.flags, ['gap']);
    assert.match(across.reason ?? '', /lost the broker/);
    assert.equal(windowEnergy(samples, window(22, 40), [gap]).joules, 72);
  });

  it('flags a window whose start has no reading near it', () => {
    const samples = Array.from({ length: 11 }, (_, i) => at(10 + i, 4));
    const energy = windowEnergy(samples, window(0, 20));
    assert.equal(energy.joules, null);
    assert.ok(energy.flags.includes('gap'));
  });
});

describe('attributeEnergy', { timeout: 5000 }, () => {
  /**
   * Idle 2.7 W with +-0.05 W of reading noise; a batch of 12 invocations from 20 s to 80 s
   * raises the power by 1.3 W, ramping up over 27-29 s and down over 71-73 s: 1.3 W x 44 s
   * = 57.2 J injected, 4.7667 J each. Readings about once a second, with jitter.
   */
  const idle = 2.7;
  const extra = (t: number) =>
    1.3 * Math.min(1, Math.max(0, (t - 27) / 2), Math.max(0, (73 - t) / 2));
  const trace = (from: number, to: number) =>
    Array.from({ length: to - from + 1 }, (_, i) => {
      const t = from + i + (i > 0 && from + i < to ? jitter(i) : 0);
      return at(t, idle + extra(t) + (i % 2 ? 0.05 : -0.05));
    });

  it('recovers a known injected energy within 1%, raw and net of the baseline', () => {
    const baseline = baselineFrom(trace(0, 19), window(0, 19));
    close(baseline.watts, idle, 0.01);
    assert.equal(baseline.samples, 20);
    const samples = trace(20, 80);
    const result = attributeEnergy(samples, window(20, 80), 12, baseline);
    const injected = (1.3 * 44) / 12;
    close(result.netJoulesPerInvocation, injected, 0.01);
    close(result.rawJoulesPerInvocation, (idle * 60 + 1.3 * 44) / 12, 0.01);
    assert.equal(result.samples, 61);
    assert.equal(result.durationS, 60);
    assert.equal(result.invocations, 12);
    assert.deepEqual(result.flags, []);
    assert.equal(result.reason, null);
  });

  it('gives raw energy but no net energy without a usable baseline', () => {
    const baseline = baselineFrom([at(0, 2.7)], window(0, 10));
    assert.equal(baseline.watts, null);
    const result = attributeEnergy(trace(20, 80), window(20, 80), 12, baseline);
    assert.ok(result.rawJoulesPerInvocation !== null);
    assert.equal(result.netJoulesPerInvocation, null);
    assert.match(result.reason ?? '', /no usable baseline \(1 samples/);
  });

  it('gives nothing for a window with a gap, or with no invocations', () => {
    const holed = trace(20, 80).filter((_, i) => i < 30 || i > 36);
    const result = attributeEnergy(holed, window(20, 80), 12, { watts: idle, reason: null });
    assert.equal(result.rawJoulesPerInvocation, null);
    assert.equal(result.netJoulesPerInvocation, null);
    assert.deepEqual(result.flags, ['gap']);
    const none = attributeEnergy(trace(20, 80), window(20, 80), 0, { watts: idle, reason: null });
    assert.equal(none.rawJoulesPerInvocation, null);
    assert.match(none.reason ?? '', /no invocations/);
  });
});
