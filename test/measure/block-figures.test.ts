import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { experimentEnergy } from '../../source/measure/attribute.js';
import {
  blockFigure,
  blockSecondsFor,
  idleDrift,
  medianWithInterval,
  readingIntervalS,
  thesis240Watts,
  thesisFigure,
} from '../../source/measure/block-figures.js';

const reading = (s: number, watts: number) => ({
  watts,
  receivedAt: { monoNs: String(BigInt(Math.round(s * 1e9))) },
});
const idle = (watts: number | null) => ({ watts, readings: 10, seconds: 10, reason: null });

describe('energy by duration, pure', () => {
  it('sizes a block for 10 readings plus one interval of slack', () => {
    assert.equal(blockSecondsFor(1), 11);
    assert.equal(blockSecondsFor(0.1), 1.1);
    assert.equal(blockSecondsFor(1.0005), 11.1);
    assert.equal(blockSecondsFor(2, 3), 8);
  });

  it('reads the median interval between readings', () => {
    assert.equal(readingIntervalS([reading(0, 1), reading(1, 1), reading(3, 1), reading(4, 1)]), 1);
    assert.equal(readingIntervalS([reading(0, 1)]), null);
  });

  it('median over blocks with the order-statistics interval (n = 6: min and max, 96.9%)', () => {
    assert.deepEqual(medianWithInterval([5, 1, 4, 2, 6, 3]), { median: 3.5, low: 1, high: 6 });
    assert.deepEqual(medianWithInterval([2, 1]), { median: 1.5, low: null, high: null });
    // n = 10: j = 2 is the largest with coverage >= 95% (97.85%): x(2) .. x(9).
    const ten = [10, 9, 8, 7, 6, 5, 4, 3, 2, 1];
    assert.deepEqual(medianWithInterval(ten), { median: 5.5, low: 2, high: 9 });
    assert.deepEqual(medianWithInterval([]), { median: null, low: null, high: null });
  });

  it('flags idle that moved by more than 5%', () => {
    const calm = idleDrift(idle(3), idle(3.15));
    assert.equal(calm.idleWatts, 3.075);
    assert.equal(calm.flagged, false);
    const moved = idleDrift(idle(3), idle(3.3));
    assert.equal(moved.flagged, true);
    assert.match(moved.reason ?? '', /idle moved by 10\.0%/);
    const one = idleDrift(idle(3), null);
    assert.equal(one.idleWatts, 3);
    assert.equal(one.drift, null);
    assert.match(idleDrift(null, null).reason ?? '', /no idle power/);
  });

  it('a block: trapezoids inside its window, divided by its invocations', () => {
    // 4 W from 0 to 4 s, 5 readings: 16 J over 8 invocations = 2 J each; net of 3 W: 0.5 J.
    const readings = [0, 1, 2, 3, 4].map((s) => reading(s, 4));
    const span = { cell: 'c', index: 0, startNs: '0', endNs: '4000000000', invocations: 8 };
    const figure = blockFigure(readings, [], span, 3, 1);
    assert.equal(figure.readings, 5);
    assert.equal(figure.grossMicroWhPerInvocation, (2 / 3600) * 1e6);
    assert.equal(figure.netMicroWhPerInvocation, (0.5 / 3600) * 1e6);
    assert.equal(figure.reason, null);
    const short = blockFigure(readings.slice(0, 2), [], { ...span, endNs: '1000000000' }, 3, 1);
    assert.equal(short.grossMicroWhPerInvocation, null);
    assert.equal(
      short.reason,
      '2 readings in 1.0 s, need 3: at one reading every 1.00 s, a block must last at least 4 s (--block-seconds)',
    );
  });

  it("the thesis's method drops invocations without a reading and averages the rest, gross", () => {
    const readings = [reading(1, 4), reading(1.05, 6), reading(2, 8)];
    const spans = [
      { startNs: '950000000', endNs: '1100000000' }, // readings 4 and 6 W: 5 W x 0.15 s
      { startNs: '1200000000', endNs: '1300000000' }, // none: dropped
      { startNs: '2000000000', endNs: '2500000000' }, // 8 W x 0.5 s
    ];
    const figure = thesisFigure(readings, spans);
    assert.equal(figure.invocations, 2);
    assert.equal(figure.dropped, 1);
    const uWh = (j: number) => (j / 3600) * 1e6;
    assert.ok(
      Math.abs((figure.grossMicroWhPerInvocation as number) - (uWh(0.75) + uWh(4)) / 2) < 1e-12,
    );
  });

  it("the thesis's 240 V method: 240 V x the meter's current, from the log's readings", () => {
    // A Gude at 231 V with PF 0.9: the thesis's assumed 240 V and unit power factor differ.
    const withCurrent = (s: number, amps: number) => ({
      ...reading(s, 231 * amps * 0.9),
      meter: { amps },
    });
    const readings = [withCurrent(1, 0.02), withCurrent(2, 0.03), reading(3, 9)];
    assert.equal(thesis240Watts(readings[0] as (typeof readings)[0]), 240 * 0.02);
    assert.equal(thesis240Watts(reading(3, 9)), null);
    const spans = [
      { startNs: '900000000', endNs: '1100000000' }, // 240 x 0.02 = 4.8 W x 0.2 s
      { startNs: '1900000000', endNs: '2100000000' }, // 7.2 W x 0.2 s
      { startNs: '2900000000', endNs: '3100000000' }, // a reading without a current: dropped
    ];
    const figure = thesisFigure(readings, spans, thesis240Watts);
    assert.equal(figure.invocations, 2);
    assert.equal(figure.dropped, 1);
    const uWh = (j: number) => (j / 3600) * 1e6;
    const expected = (uWh(4.8 * 0.2) + uWh(7.2 * 0.2)) / 2;
    assert.ok(Math.abs((figure.grossMicroWhPerInvocation as number) - expected) < 1e-12);
    // The attribution carries it beside the thesis's figure only when a reading had a current.
    const records = (list: ReadonlyArray<ReturnType<typeof reading>>) => [
      ...list.map((r) => ({ type: 'power', ...r })),
      ...spans.map((span) => ({
        type: 'invocation',
        experiment: 'e',
        cell: 'c',
        ok: true,
        block: 0,
        ...span,
      })),
      {
        type: 'block',
        experiment: 'e',
        cell: 'c',
        index: 0,
        startNs: '0',
        endNs: '4000000000',
        invocations: 3,
      },
    ];
    const cell = experimentEnergy('e', records(readings)).energy[0];
    assert.deepEqual(cell?.thesis240V, figure);
    const plain = experimentEnergy('e', records([reading(1, 4), reading(2, 4)])).energy[0];
    assert.equal(plain !== undefined && 'thesis240V' in plain, false);
  });
});
