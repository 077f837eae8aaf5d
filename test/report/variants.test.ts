import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ratioOfMedians } from '../../source/core/compare.js';
import { buildPlan, cellKey } from '../../source/core/plan.js';
import { CellCollector } from '../../source/experiment/results.js';
import { measured } from '../../source/report/samples.js';
import { ladderRows } from '../../source/report/variant-ladder.js';
import {
  ladder,
  ladderLanes,
  parseLane,
  parseVariant,
  VariantError,
  variantName,
} from '../../source/runtimes/variants.js';
import { readSessionLog } from '../../source/session/read-log.js';

describe('runtime variants', () => {
  it('spells a variant one way: factors in order, defaults left out', () => {
    assert.deepEqual(parseLane('container:client=cli,net=bridge'), {
      runtime: 'container',
      variant: 'net=bridge,client=cli',
    });
    assert.deepEqual(parseLane('container:net=disabled,base=scratch'), { runtime: 'container' });
    assert.deepEqual(parseLane('wasm-p1:load=precompiled'), {
      runtime: 'wasm-p1',
      variant: 'load=precompiled',
    });
    assert.equal(variantName('container', parseVariant('container', 'base=debian')), 'base=debian');
  });

  it('says what is allowed for an unknown factor, value or runtime', () => {
    assert.throws(
      () => parseLane('container:net=host'),
      /net must be one of disabled, none, bridge/,
    );
    assert.throws(
      () => parseLane('container:speed=fast'),
      /container has no factor "speed"; it has net=disabled\|none\|bridge/,
    );
    assert.throws(() => parseLane('wasm:net=none'), /it has load=compile\|precompiled/);
    assert.throws(() => parseLane('container:net'), /"net" is not a factor=value/);
    assert.throws(() => parseLane('docker:net=none'), /unknown runtime "docker"/);
    assert.throws(() => parseLane('container:net=none,net=bridge'), VariantError);
  });

  it('walks from the defaults to the thesis one factor at a time', () => {
    const steps = ladder();
    assert.equal(steps[0]?.container.variant, undefined);
    assert.equal(steps[0]?.wasm.variant, undefined);
    assert.equal(steps.at(-1)?.container.variant, 'net=bridge,client=cli,base=debian');
    assert.equal(steps.at(-1)?.wasm.variant, 'load=precompiled');
    // Each step changes exactly one factor of one side.
    for (let i = 1; i < steps.length; i++) {
      const before = steps[i - 1] as (typeof steps)[number];
      const after = steps[i] as (typeof steps)[number];
      const factors = (lane: { variant?: string }) =>
        new Set((lane.variant ?? '').split(',').filter(Boolean));
      const changed =
        [...factors(after.container)].filter((f) => !factors(before.container).has(f)).length +
        [...factors(after.wasm)].filter((f) => !factors(before.wasm).has(f)).length;
      assert.ok(changed <= 1, `step ${i} changes ${changed} factors`);
    }
    assert.equal(ladderLanes().length, 7);
    assert.ok(ladderLanes('wasm-p1').every((lane) => lane.runtime !== 'wasm'));
  });

  it('plans variants as lanes that take turns, each its own cell', () => {
    const plan = buildPlan({
      functions: [{ name: 'hello', inputs: [''] }],
      runtimes: ['wasm'],
      lanes: [{ runtime: 'container' }, { runtime: 'container', variant: 'net=none' }],
      modes: ['cold'],
      repetitions: 2,
      warmup: 0,
    });
    assert.deepEqual(
      plan.map((step) => cellKey(step.cell)),
      [
        'hello/container/cold/""',
        'hello/container[net=none]/cold/""',
        'hello/container/cold/""',
        'hello/container[net=none]/cold/""',
      ],
    );
    assert.throws(
      () =>
        buildPlan({
          functions: [{ name: 'hello', inputs: [''] }],
          runtimes: [],
          lanes: [
            { runtime: 'container', variant: 'net=none' },
            { runtime: 'container', variant: 'net=none' },
          ],
          modes: ['cold'],
          repetitions: 1,
          warmup: 0,
        }),
      /container\[net=none\] is listed twice/,
    );
  });
});

describe('the ladder table from a real log of two lanes per runtime', () => {
  const fixture = new URL('../../../test/fixtures/session-variants.jsonl', import.meta.url)
    .pathname;
  const records = measured(readSessionLog(fixture).records);
  const cells = new CellCollector();
  for (const record of records) cells.add({ warmup: record.warmup, result: record });
  const rows = ladderRows(cells.cells());

  it('has the steps whose two lanes ran, and only those', () => {
    // The log ran container, container[net=none], wasm and wasm[load=precompiled].
    assert.deepEqual(
      rows.map((row) => [row.step, row.container, row.wasm]),
      [
        [0, 'container', 'wasm'],
        [1, 'container[net=none]', 'wasm'],
      ],
    );
  });

  it('each ratio is the median startup of one lane over the other, from the log alone', () => {
    for (const row of rows) {
      const startups = (runtime: string, variant: string | undefined) =>
        records
          .filter((r) => r.runtime === runtime && r.variant === variant && r.mode === 'cold')
          .map((r) => r.timings.startupMs);
      const [cRuntime, cVariant] = row.container.split(/[[\]]/) as [string, string | undefined];
      const top = startups(cRuntime, cVariant || undefined);
      const bottom = startups('wasm', undefined);
      assert.equal(row.containerStartup.n, top.length);
      assert.deepEqual(row.ratio, ratioOfMedians(top, bottom));
      assert.ok((row.ratio.low ?? 0) <= (row.ratio.ratio ?? 0));
      assert.ok((row.ratio.ratio ?? 0) <= (row.ratio.high ?? 0));
    }
  });
});
