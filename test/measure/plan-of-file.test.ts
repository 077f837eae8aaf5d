/** A plan file as every face runs it (measure/plan-of-file.ts): parsed, thinned, skipped, counted. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { Manifest } from '../../source/catalog/manifest.js';
import { UsageError } from '../../source/core/errors.js';
import { DEFAULT_EXPERIMENT_SETTINGS } from '../../source/measure/plan-from-profile.js';
import {
  PlanFileRefusal,
  planCountLine,
  planOfFile,
  readPlanJson,
} from '../../source/measure/plan-of-file.js';
import { profileSchema } from '../../source/profiles/schema.js';

const dir = mkdtempSync(join(tmpdir(), 'nebula-plan-of-file-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const manifests: Record<string, Pick<Manifest, 'language'>> = {
  'prime-number': { language: 'rust' },
  'as-prime-number': { language: 'assemblyscript' },
};
const fn = (name: string) => {
  const manifest = manifests[name];
  if (!manifest) throw new UsageError(`unknown function "${name}"; known: prime-number`);
  return { manifest: manifest as Manifest };
};
const settings = { ...DEFAULT_EXPERIMENT_SETTINGS, repetitions: 3, warmup: 1 };

const small = {
  nebulaPlan: 1,
  name: 'small',
  description: 'Two functions.\nThe second runs on Wasm only.',
  runtimes: ['wasm-p1', 'container'],
  functions: [
    { name: 'prime-number', inputs: { from: 0, to: 40, step: 10 } },
    { name: 'as-prime-number', inputs: ['1', '2', '3'] },
  ],
};

function refusal(json: unknown, thin?: number): PlanFileRefusal {
  try {
    planOfFile(json, { source: 'here.json', thin, settings, fn });
  } catch (error) {
    assert.ok(error instanceof PlanFileRefusal, String(error));
    assert.ok(error instanceof UsageError, 'a face shows it as bad input');
    return error;
  }
  assert.fail('the plan was taken');
}

describe('a plan file as every face runs it', () => {
  it('thins, skips what a runtime can never run with the reason, and counts', () => {
    const choice = planOfFile(small, { source: 'here.json', thin: 2, settings, fn });
    assert.deepEqual(
      choice.plan.functions.map((f) => [f.name, f.inputs, f.skip ?? []]),
      [
        ['prime-number', ['0', '20', '40'], []],
        ['as-prime-number', ['1', '3'], ['container']],
      ],
    );
    assert.deepEqual(
      choice.skipped.map((s) => [s.function, s.runtime]),
      [['as-prime-number', 'container']],
    );
    assert.match(choice.skipped[0]?.reason ?? '', /AssemblyScript compiles to Wasm only/);
    // (3 inputs x 2 runtimes + 2 inputs x 1) x (3 measured + 1 warm-up)
    assert.equal(choice.invocations, 32);
    assert.equal(choice.inputs, 5);
    assert.deepEqual([choice.name, choice.thin], ['small', 2]);
    assert.equal(choice.description, small.description);
    assert.equal(
      planCountLine(choice),
      'plan small: 32 invocations (2 functions, 5 inputs (one in 2 kept), cold, 3 measured and 1 warm-ups per cell)',
    );
  });

  it('names itself by where it came from when the file has no name', () => {
    const { name: _name, ...unnamed } = small;
    const choice = planOfFile(unnamed, { source: 'planFile', settings, fn });
    assert.equal(choice.name, 'planFile');
    assert.equal(choice.thin, 1);
  });

  it('refuses naming the field, so a gateway can answer with it', () => {
    const zero = refusal({ ...small, repetitions: 0 });
    assert.equal(zero.field, 'repetitions');
    assert.match(zero.message, /^here\.json: invalid plan file: repetitions: .*at least 1/);
    const range = refusal({ ...small, functions: [{ name: 'prime-number', inputs: { from: 1 } }] });
    assert.equal(range.field, 'functions[0].inputs.to');
    const backwards = refusal({
      ...small,
      functions: [{ name: 'prime-number', inputs: { from: 9, to: 1 } }],
    });
    assert.equal(backwards.field, 'functions[0].inputs');
    assert.match(backwards.message, /write from <= to/);
    const unknown = refusal({ ...small, functions: [{ name: 'primes', inputs: ['1'] }] });
    assert.equal(unknown.field, 'functions[0].name');
    assert.match(unknown.message, /here\.json: functions\[0\]\.name: unknown function "primes"/);
    const thin = refusal(small, 0);
    assert.equal(thin.field, 'thin');
    assert.match(thin.message, /--thin takes a whole number K >= 1/);
    const version = refusal({ ...small, nebulaPlan: 2 });
    assert.equal(version.field, 'nebulaPlan');
  });

  it('reads a file, or says why it cannot', () => {
    const good = join(dir, 'good.json');
    writeFileSync(good, JSON.stringify(small));
    assert.deepEqual(readPlanJson(good), small);
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{"nebulaPlan": 1,');
    assert.throws(() => readPlanJson(broken), /broken\.json is not JSON/);
    assert.throws(
      () => readPlanJson(join(dir, 'nowhere.json')),
      (error: PlanFileRefusal) =>
        error.field === 'file' && /cannot read the plan .*plans\/thesis\.json/.test(error.message),
    );
  });

  it("a gateway without a profile fills a plan file with the profile schema's defaults", () => {
    const experiment = profileSchema.parse({ name: 'x', label: 'x' }).experiment;
    assert.deepEqual(DEFAULT_EXPERIMENT_SETTINGS, experiment);
  });
});
