/**
 * The power trace behind the power-over-time figure: a short run keeps every reading, a long
 * one stays within MAX_BUCKETS points whose means, minima and maxima are the readings' own.
 * Then the two figures of a function's sweep and run, from a real session log.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { sessionFigures } from '../../source/report/document.js';
import type { FigureSpec } from '../../source/report/figures/specs.js';
import { MAX_BUCKETS, PowerTrace, Spans } from '../../source/report/power-trace.js';
import { loadSessions, type Session } from '../../source/report/sessions.js';

describe('the power trace', () => {
  it('keeps every reading of a short run, in time order', () => {
    const trace = new PowerTrace();
    const readings = [3.1, 3.4, 5.2, 5.0, 3.2];
    // Out of order on purpose: a reading may arrive late.
    const order = [0, 2, 1, 3, 4];
    for (const i of order) trace.add(1_000 + i * 1_000, readings[i] as number);
    const points = trace.between(0, Number.MAX_SAFE_INTEGER);
    assert.deepEqual(
      points.map((p) => [p.ms, p.mean, p.readings]),
      readings.map((watts, i) => [1_000 + i * 1_000, watts, 1]),
    );
  });

  it('holds an hour at 10 Hz in at most MAX_BUCKETS points, with the readings preserved', () => {
    const trace = new PowerTrace();
    let sum = 0;
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    const count = 36_000;
    for (let i = 0; i < count; i++) {
      const watts = 3 + Math.sin(i / 50) + (i % 7) / 10;
      sum += watts;
      min = Math.min(min, watts);
      max = Math.max(max, watts);
      trace.add(i * 100, watts);
    }
    const points = trace.between(0, Number.MAX_SAFE_INTEGER);
    assert.ok(points.length <= MAX_BUCKETS, `${points.length} points`);
    assert.ok(points.length > MAX_BUCKETS / 4, `${points.length} points: too coarse`);
    assert.equal(
      points.reduce((n, p) => n + p.readings, 0),
      count,
    );
    const total = points.reduce((s, p) => s + p.mean * p.readings, 0);
    assert.ok(Math.abs(total - sum) < 1e-6 * sum, `sum of readings ${total} vs ${sum}`);
    assert.equal(Math.min(...points.map((p) => p.min)), min);
    assert.equal(Math.max(...points.map((p) => p.max)), max);
  });

  it('cuts the trace to a span', () => {
    const trace = new PowerTrace();
    for (let s = 0; s < 10; s++) trace.add(s * 1_000, s);
    assert.deepEqual(
      trace.between(3_000, 5_000).map((p) => p.mean),
      [3, 4, 5],
    );
  });

  it('ignores readings without a number, and spans follow their invocations', () => {
    const trace = new PowerTrace();
    trace.add(Number.NaN, 3);
    trace.add(1_000, Number.POSITIVE_INFINITY);
    assert.deepEqual(trace.between(0, Number.MAX_SAFE_INTEGER), []);
    const spans = new Spans();
    spans.add('hello', 5_000);
    spans.add('hello', 2_000);
    spans.add('hello', 9_000);
    assert.deepEqual(spans.get('hello'), { from: 2_000, to: 9_000 });
    assert.equal(spans.get('other'), undefined);
  });
});

describe('the figures over time and over inputs, from a real session log', () => {
  const fixtures = new URL('../../../test/fixtures/', import.meta.url).pathname;
  let session: Session;
  let figures: FigureSpec[] = [];
  before(async () => {
    [session] = (await loadSessions([join(fixtures, 'session-real.jsonl')])) as [Session];
    figures = sessionFigures(session);
  });
  const rowsOf = (kind: string) => {
    const figure = figures.find((f) => f.kind === kind);
    assert.ok(figure, `a ${kind} figure`);
    return (figure.spec.data as { values: Array<Record<string, unknown>> }).values;
  };

  it('draws power in each run of the function, with the idle the report subtracts', () => {
    const rows = rowsOf('power-over-time');
    const readings = rows.filter((r) => r.kind === 'reading');
    const idle = rows.filter((r) => r.kind === 'idle');
    // The counted runs, then the energy run an hour later: two runs, two panels.
    assert.equal(new Set(readings.map((r) => r.run)).size, 2);
    const experiments = session.report.sections.flatMap((s) => s.experiments);
    const withIdle = experiments.filter((e) => typeof e.idle?.idleWatts === 'number');
    assert.deepEqual(
      idle.map((r) => r.watts),
      withIdle.map((e) => Math.round((e.idle?.idleWatts as number) * 1000) / 1000),
    );
    const watts = readings.map((r) => r.watts as number);
    assert.ok(
      watts.every((w) => w > 0 && w < 10),
      'the estimate lies between its bounds',
    );
  });

  it('puts every startup and runtime of each cell against its input', () => {
    const rows = rowsOf('phases-vs-input');
    for (const cell of session.cells) {
      const input = Number(cell.cell.input);
      const mine = rows.filter((r) => r.input === input && r.series === cell.cell.runtime);
      const expected = (phase: 'startupMs' | 'execMs') =>
        Math.min(50, cell.samples[phase].values().filter((ms) => ms > 0).length);
      assert.equal(mine.filter((r) => r.phase === 'startup').length, expected('startupMs'));
      assert.equal(mine.filter((r) => r.phase === 'runtime').length, expected('execMs'));
    }
  });
});
