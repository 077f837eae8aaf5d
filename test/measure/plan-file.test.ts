import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { buildPlan } from '../../source/core/plan.js';
import {
  type PlanDefaults,
  PlanFileError,
  planFromFile,
  planJsonSchema,
  thinPlan,
} from '../../source/measure/plan-file.js';
import { planLanes } from '../../source/measure/plan-lanes.js';
import { runExperiment } from '../../source/measure/session.js';
import { fakeResult } from '../experiment/fake-invoke.js';

const defaults: PlanDefaults = {
  repetitions: 20,
  warmup: 2,
  pauseMs: 0,
  blocks: 6,
  blockSeconds: null,
  baselineSeconds: 10,
};
const plansDir = new URL('../../../plans/', import.meta.url);
const readPlan = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(name, plansDir), 'utf8'));

/** A small valid plan file to break one field of. */
const small = () => ({
  nebulaPlan: 1,
  runtimes: ['wasm', 'container'],
  functions: [{ name: 'fibonacci-recursive', inputs: { from: 0, to: 4 } }],
});

function refused(file: unknown, pattern: RegExp): void {
  assert.throws(
    () => planFromFile(file, defaults),
    (error: Error) => {
      assert.ok(error instanceof PlanFileError, String(error));
      assert.match(error.message, pattern);
      return true;
    },
  );
}

describe('the shipped thesis plans', () => {
  it("thesis.json: the thesis's grid, Wasm then the container in turn, 13,524 cold invocations", () => {
    const plan = planFromFile(readPlan('thesis.json'), defaults);
    assert.deepEqual(
      plan.functions.map((fn) => [fn.name, fn.inputs.length, fn.inputs[0], fn.inputs.at(-1)]),
      [
        ['exponential', 354, '0', '706'],
        ['factorial', 131, '0', '130'],
        ['fibonacci-recursive', 41, '0', '40'],
        ['prime-number', 601, '0', '6000'],
      ],
    );
    assert.deepEqual(
      [plan.runtimes, plan.lanes, plan.modes, plan.repetitions, plan.warmup, plan.energy],
      [['wasm', 'container'], undefined, ['cold'], 6, 0, null],
    );
    assert.equal(plan.functions[2]?.timeoutMs, 120_000);
    const steps = buildPlan(plan);
    assert.equal(steps.length, 13_524);
    assert.deepEqual(
      steps.slice(0, 4).map((s) => `${s.cell.runtime} ${s.cell.input}`),
      ['wasm 0', 'container 0', 'wasm 0', 'container 0'],
    );
  });

  it("thesis-conditions.json: the same grid on the thesis's variants and prime-number indexing", () => {
    const plan = planFromFile(readPlan('thesis-conditions.json'), defaults);
    assert.deepEqual(plan.lanes, [
      { runtime: 'wasm', variant: 'load=precompiled' },
      { runtime: 'container', variant: 'net=bridge,client=cli,base=debian' },
    ]);
    assert.equal(
      plan.functions.find((fn) => fn.name === 'prime-number'),
      undefined,
      'prime-number runs on the thesis indexing instead',
    );
    const prime = plan.functions.find((fn) => fn.name === 'prime-number-thesis');
    assert.deepEqual(
      [prime?.inputs[0], prime?.inputs.at(-1), prime?.inputs.length],
      ['0', '6000', 601],
    );
    assert.equal(buildPlan(plan).length, 13_524);
  });

  it('plans/plan.schema.json is the schema plans are checked with (scripts/plan-schema.mjs)', () => {
    const committed = JSON.parse(readFileSync(new URL('plan.schema.json', plansDir), 'utf8'));
    assert.deepEqual(committed, JSON.parse(JSON.stringify(planJsonSchema())));
  });
});

describe('a plan file into the session plan', () => {
  it("takes the profile's settings for what it leaves out", () => {
    const plan = planFromFile(small(), defaults);
    assert.deepEqual(
      [plan.repetitions, plan.warmup, plan.pauseMs, plan.order, plan.modes],
      [20, 2, 0, 'interleaved', ['cold']],
    );
    assert.deepEqual(plan.functions[0]?.inputs, ['0', '1', '2', '3', '4']);
  });

  it('gives each function its own runtimes: whole runtimes as skips, variants as its lanes', () => {
    const plan = planFromFile(
      {
        nebulaPlan: 1,
        mode: 'cold',
        repetitions: 1,
        warmup: 0,
        functions: [
          { name: 'hello', inputs: ['', 'x'], runtimes: ['wasm'] },
          { name: 'sha256', inputs: [7], runtimes: ['wasm', 'container'] },
        ],
      },
      defaults,
    );
    assert.deepEqual(plan.runtimes, ['wasm', 'container']);
    assert.deepEqual(plan.functions[0]?.skip, ['container']);
    assert.equal(plan.functions[1]?.skip, undefined);
    assert.deepEqual(
      buildPlan(plan).map((s) => `${s.cell.function} ${s.cell.runtime} ${s.cell.input}`),
      ['hello wasm ', 'hello wasm x', 'sha256 wasm 7', 'sha256 container 7'],
    );
    const variants = planFromFile(
      {
        nebulaPlan: 1,
        repetitions: 1,
        warmup: 0,
        runtimes: ['wasm', 'container'],
        functions: [
          { name: 'hello', inputs: ['1'] },
          { name: 'sha256', inputs: ['2'], runtimes: ['container:client=cli'] },
        ],
      },
      defaults,
    );
    assert.deepEqual(
      planLanes(variants).map(({ label, functions }) => `${label}: ${functions.join(' ')}`),
      ['wasm: hello', 'container: hello', 'container[client=cli]: sha256'],
    );
    assert.deepEqual(
      buildPlan(variants).map(
        (s) => `${s.cell.function} ${s.cell.runtime}[${s.cell.variant ?? ''}]`,
      ),
      ['hello wasm[]', 'hello container[]', 'sha256 container[client=cli]'],
    );
  });

  it("runs each invocation with its function's timeout from the plan, others with none", async () => {
    const plan = planFromFile(
      {
        nebulaPlan: 1,
        runtimes: ['wasm'],
        repetitions: 1,
        warmup: 0,
        functions: [
          { name: 'fibonacci-recursive', inputs: ['40'], timeoutMs: 120_000 },
          { name: 'hello', inputs: [''] },
        ],
      },
      defaults,
    );
    const seen: string[] = [];
    await runExperiment(plan, {
      invoke: async (cell, _signal, settings) => {
        seen.push(`${cell.function} ${settings?.timeoutMs ?? 'manifest'}`);
        return fakeResult(cell);
      },
      power: null,
    });
    assert.deepEqual(seen, ['fibonacci-recursive 120000', 'hello manifest']);
  });

  it('takes power as energy blocks, the profile filling what it leaves out', () => {
    const plan = planFromFile({ ...small(), power: { blocks: 8, maxMinutes: 2 } }, defaults);
    assert.deepEqual(plan.energy, {
      blocks: 8,
      blockSeconds: null,
      baselineSeconds: 10,
      idle: 'interleaved',
      precision: null,
      maxSeconds: 120,
    });
  });

  it('--thin K keeps every K-th input of each function, from the first', () => {
    const plan = planFromFile(
      { ...small(), functions: [{ name: 'factorial', inputs: { from: 0, to: 10 } }] },
      defaults,
    );
    assert.deepEqual(thinPlan(plan, 3).functions[0]?.inputs, ['0', '3', '6', '9']);
    assert.deepEqual(thinPlan(plan, 1).functions[0]?.inputs, plan.functions[0]?.inputs);
    const thesis = thinPlan(planFromFile(readPlan('thesis.json'), defaults), 10);
    assert.deepEqual(
      thesis.functions.map((fn) => fn.inputs.length),
      [36, 14, 5, 61],
    );
    assert.throws(() => thinPlan(plan, 0), /--thin takes a whole number K >= 1/);
  });
});

describe('a bad plan file is refused, naming the field and the fix', () => {
  it('without the format version, or with another', () => {
    const { nebulaPlan: _, ...unversioned } = small();
    refused(unversioned, /nebulaPlan: write "nebulaPlan": 1/);
    refused({ ...small(), nebulaPlan: 2 }, /nebulaPlan: write "nebulaPlan": 1 \(the plan format/);
  });

  it('with a misspelt field, listing the fields there are', () => {
    refused(
      { ...small(), repetition: 6 },
      /plan: unknown field "repetition"; the fields are .*repetitions/,
    );
    refused(
      { ...small(), functions: [{ name: 'hello', input: ['1'] }] },
      /functions\[0\]: unknown field "input"; the fields are name, inputs, runtimes, timeoutMs/,
    );
  });

  it('with inputs that are neither a list nor a good range', () => {
    const withInputs = (inputs: unknown) => ({
      ...small(),
      functions: [{ name: 'factorial', inputs }],
    });
    refused(
      withInputs('0:40'),
      /functions\[0\]\.inputs: write a list of inputs, \["1", "2"\], or a range/,
    );
    refused(
      withInputs({ from: 0, to: 40, step: 0 }),
      /functions\[0\]\.inputs\.step: step must be at least 1/,
    );
    refused(
      withInputs({ from: 0, to: 4.5 }),
      /functions\[0\]\.inputs\.to: to must be a whole number/,
    );
    refused(
      withInputs({ from: 40, to: 0 }),
      /functions\[0\]\.inputs: from \(40\) is past to \(0\); write from <= to/,
    );
    refused(withInputs({ from: 0, to: 100_000 }), /100001 inputs, more than 10000; raise the step/);
    refused(withInputs([]), /functions\[0\]\.inputs: give at least one input/);
  });

  it('with an unknown runtime or variant, or none at all', () => {
    refused(
      { ...small(), runtimes: ['wasm', 'docker'] },
      /runtimes\[1\]: "docker": unknown runtime "docker"; write RUNTIME or RUNTIME:factor=value/,
    );
    refused(
      { ...small(), runtimes: ['container:net=wifi'] },
      /runtimes\[0\]: variant "net=wifi" of container: net must be one of disabled, none, bridge/,
    );
    const { runtimes: _, ...bare } = small();
    refused(
      bare,
      /functions\[0\]\.runtimes: fibonacci-recursive has no runtimes; give it "runtimes"/,
    );
  });

  it('with a count, mode or order out of range', () => {
    refused({ ...small(), repetitions: 0 }, /repetitions: repetitions must be at least 1/);
    refused({ ...small(), warmup: 1.5 }, /warmup: warmup must be a whole number/);
    refused({ ...small(), mode: 'hot' }, /mode: write "cold", "warm" or \["cold", "warm"\]/);
    refused({ ...small(), order: 'random' }, /order: write one of interleaved, blocked/);
    refused(
      { ...small(), functions: [{ name: 'hello', inputs: ['1'], timeoutMs: 0 }] },
      /functions\[0\]\.timeoutMs: timeoutMs must be at least 1/,
    );
  });

  it('with energy on variants, which are compared on counted cold starts', () => {
    refused(
      { ...small(), runtimes: ['wasm:load=precompiled', 'container'], power: { blocks: 6 } },
      /lanes: variants are compared on counted cold starts/,
    );
  });

  it('naming every problem at once', () => {
    refused(
      { ...small(), repetitions: -1, order: 'x', functions: [] },
      /repetitions: .*; order: .*; functions: name at least one function/,
    );
  });
});
