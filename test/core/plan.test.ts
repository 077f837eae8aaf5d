import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildPlan, cellKey, MAX_PLAN_INVOCATIONS, parseInputs } from '../../source/core/plan.js';

describe('experiment plans', { timeout: 5000 }, () => {
  it('interleaves runtimes A B A B, warm-ups first, per function, input and mode', () => {
    const plan = buildPlan({
      functions: [{ name: 'fib', inputs: ['5', '10'] }],
      runtimes: ['wasm', 'container'],
      modes: ['cold'],
      repetitions: 2,
      warmup: 1,
    });
    const brief = plan.map(
      (s) => `${s.cell.input}:${s.cell.runtime}:${s.warmup ? 'w' : 'm'}${s.repetition}`,
    );
    assert.deepEqual(brief, [
      '5:wasm:w0',
      '5:container:w0',
      '5:wasm:m0',
      '5:container:m0',
      '5:wasm:m1',
      '5:container:m1',
      '10:wasm:w0',
      '10:container:w0',
      '10:wasm:m0',
      '10:container:m0',
      '10:wasm:m1',
      '10:container:m1',
    ]);
    assert.deepEqual(
      plan.map((s) => s.index),
      plan.map((_, i) => i),
    );
  });

  it('runs each cell back to back in the blocked order, warm-ups first', () => {
    const plan = buildPlan({
      functions: [{ name: 'hello', inputs: [''] }],
      runtimes: ['wasm', 'container'],
      modes: ['cold'],
      repetitions: 2,
      warmup: 1,
      order: 'blocked',
    });
    assert.deepEqual(
      plan.map((step) => `${step.cell.runtime}${step.warmup ? '-w' : ''}${step.repetition}`),
      ['wasm-w0', 'wasm0', 'wasm1', 'container-w0', 'container0', 'container1'],
    );
  });

  it('has functions x inputs x modes x runtimes x (warm-up + repetitions) steps', () => {
    const plan = buildPlan({
      functions: [
        { name: 'a', inputs: ['1', '2', '3'] },
        { name: 'b', inputs: [''] },
      ],
      runtimes: ['wasm', 'wasm-p1', 'container'],
      modes: ['cold', 'warm'],
      repetitions: 5,
      warmup: 2,
    });
    assert.equal(plan.length, (3 + 1) * 2 * 3 * (5 + 2));
    assert.equal(plan.filter((s) => !s.warmup).length, 4 * 2 * 3 * 5);
  });

  it('rejects plans that cannot run, saying why', () => {
    const base = {
      functions: [{ name: 'a', inputs: ['1'] }],
      runtimes: ['wasm'] as const,
      modes: ['cold'] as const,
      repetitions: 1,
      warmup: 0,
    };
    assert.throws(() => buildPlan({ ...base, repetitions: 0 }), /repetitions must be/);
    assert.throws(() => buildPlan({ ...base, warmup: -1 }), /warm-ups must be/);
    assert.throws(() => buildPlan({ ...base, functions: [] }), /no function/);
    assert.throws(() => buildPlan({ ...base, runtimes: ['wasm', 'wasm'] }), /listed twice/);
    assert.throws(() => buildPlan({ ...base, functions: [{ name: 'a', inputs: [] }] }), /no input/);
  });

  it('refuses a plan larger than one run holds, before building any of it', () => {
    const spec = {
      functions: [{ name: 'fib', inputs: ['5', '10'] }],
      runtimes: ['wasm', 'container'] as const,
      modes: ['cold', 'warm'] as const,
      warmup: 0,
    };
    const fits = Math.floor(MAX_PLAN_INVOCATIONS / 8);
    assert.equal(
      buildPlan({
        ...spec,
        runtimes: [...spec.runtimes],
        modes: [...spec.modes],
        repetitions: fits,
      }).length,
      fits * 8,
    );
    assert.throws(
      () =>
        buildPlan({
          ...spec,
          runtimes: [...spec.runtimes],
          modes: [...spec.modes],
          repetitions: 100_000_000,
        }),
      /the plan has 800000000 invocations, more than one run holds \(100000\); lower -n/,
    );
  });

  it('makes no cell for a runtime a function can never run on, in either order', () => {
    for (const order of ['interleaved', 'blocked'] as const) {
      const plan = buildPlan({
        functions: [
          { name: 'as-hello', inputs: [''], skip: ['container'] },
          { name: 'hello', inputs: [''] },
        ],
        runtimes: ['wasm', 'container'],
        modes: ['cold'],
        repetitions: 1,
        warmup: 0,
        order,
      });
      assert.deepEqual(
        plan.map((step) => `${step.cell.function}@${step.cell.runtime}`),
        ['as-hello@wasm', 'hello@wasm', 'hello@container'],
      );
    }
    assert.throws(
      () =>
        buildPlan({
          functions: [{ name: 'as-hello', inputs: [''], skip: ['container'] }],
          runtimes: ['container'],
          modes: ['cold'],
          repetitions: 1,
          warmup: 0,
        }),
      /as-hello can run on none of container/,
    );
  });

  it('cell keys quote the input so "" and spaces stay visible', () => {
    assert.equal(
      cellKey({ function: 'hello', runtime: 'wasm', mode: 'cold', input: '' }),
      'hello/wasm/cold/""',
    );
  });
});

describe('--inputs', { timeout: 5000 }, () => {
  it('sweeps FROM:TO:STEP with both ends included', () => {
    assert.deepEqual(parseInputs('0:30:5'), ['0', '5', '10', '15', '20', '25', '30']);
    assert.deepEqual(parseInputs('0:7:5'), ['0', '5']);
    assert.deepEqual(parseInputs('3:5'), ['3', '4', '5']);
  });

  it('takes lists, mixed with sweeps, and keeps other text as written', () => {
    assert.deepEqual(parseInputs('1,2,3'), ['1', '2', '3']);
    assert.deepEqual(parseInputs('1,10:12'), ['1', '10', '11', '12']);
    assert.deepEqual(parseInputs('hello world'), ['hello world']);
    assert.deepEqual(parseInputs('a:b'), ['a:b']);
  });

  it('rejects sweeps that go nowhere', () => {
    assert.throws(() => parseInputs('5:1'), /FROM must not exceed TO/);
    assert.throws(() => parseInputs('0:10:0'), /step must be > 0/);
    assert.throws(() => parseInputs('0:100000000'), /more than 10000 values/);
  });
});
