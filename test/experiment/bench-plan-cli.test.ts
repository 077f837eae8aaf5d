/** `nebula bench --plan FILE [--thin K]` end to end on the real Wasm runtimes. */

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { wasiNodeFlags } from '../../source/core/node-support.js';
import { readSessionLog } from '../../source/session/read-log.js';
import { isInvocation } from '../../source/session/records.js';

const CLI = fileURLToPath(new URL('../../source/cli/nebula.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'nebula-bench-plan-'));
const env = { ...process.env, NEBULA_LOGS_DIR: dir };
const nebula = (...args: string[]) =>
  spawnSync(process.execPath, [...wasiNodeFlags(), CLI, ...args], {
    encoding: 'utf8',
    timeout: 120_000,
    env,
  });

function planFile(name: string, body: unknown): string {
  const file = join(dir, `${name}.json`);
  writeFileSync(file, typeof body === 'string' ? body : JSON.stringify(body));
  return file;
}

const small = {
  nebulaPlan: 1,
  name: 'small',
  mode: 'cold',
  repetitions: 2,
  warmup: 0,
  runtimes: ['wasm-p1'],
  functions: [
    { name: 'prime-number', inputs: { from: 0, to: 20, step: 10 }, timeoutMs: 5000 },
    { name: 'as-prime-number', inputs: ['0', '5', '7'], runtimes: ['wasm-p1', 'container'] },
  ],
};

before(() => {
  const deployed = nebula('deploy', 'prime-number', 'as-prime-number', '--runtime', 'wasm-p1');
  assert.equal(deployed.status, 0, `deploy failed: ${deployed.stderr}`);
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('nebula bench --plan', { timeout: 180_000 }, () => {
  it('runs the file, thinned, saying the invocation count first and skipping what cannot run', () => {
    const log = join(dir, 'small.jsonl');
    const run = nebula('bench', '--plan', planFile('small', small), '--thin', '2', '--log', log);
    assert.equal(run.status, 0, run.stderr);
    // prime-number 0 and 20, as-prime-number 0 and 7: 4 inputs x 2 repetitions on wasm-p1.
    assert.match(
      run.stderr,
      /plan small: 8 invocations \(2 functions, 4 inputs \(one in 2 kept\), cold, 2 measured and 0 warm-ups per cell\)/,
    );
    assert.match(run.stderr, /skipped: as-prime-number on container: /);
    const invocations = readSessionLog(log).records.filter(isInvocation);
    assert.deepEqual(
      invocations.map((r) => `${r.function}(${r.input})=${r.output.trim()}`),
      [
        'prime-number(0)=0',
        'prime-number(0)=0',
        'prime-number(20)=71',
        'prime-number(20)=71',
        'as-prime-number(0)=0',
        'as-prime-number(0)=0',
        'as-prime-number(7)=17',
        'as-prime-number(7)=17',
      ],
    );
    assert.ok(run.stderr.indexOf('plan small:') < run.stderr.indexOf('session log:'));
  });

  it('refuses a bad plan naming the field and the fix, and runs nothing', () => {
    const bad = planFile('bad', {
      ...small,
      repetitions: 0,
      functions: [{ name: 'prime-number', inputs: { from: 9, to: 0 } }],
    });
    const run = nebula('bench', '--plan', bad);
    assert.equal(run.status, 2, run.stderr);
    assert.match(
      run.stderr,
      /bad\.json: invalid plan file: repetitions: repetitions must be at least 1/,
    );
    const unknown = planFile('unknown', {
      ...small,
      functions: [{ name: 'primes', inputs: ['1'] }],
    });
    const named = nebula('bench', '--plan', unknown);
    assert.equal(named.status, 2);
    assert.match(named.stderr, /functions\[0\]\.name: unknown function "primes"/);
    const broken = nebula('bench', '--plan', planFile('broken', '{"nebulaPlan": 1,'));
    assert.equal(broken.status, 2);
    assert.match(broken.stderr, /broken\.json is not JSON/);
    const missing = nebula('bench', '--plan', join(dir, 'nowhere.json'));
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /cannot read the plan .*nowhere\.json.*plans\/thesis\.json/);
  });

  it('refuses flags the plan file sets, and --thin without a plan', () => {
    const run = nebula('bench', '--plan', planFile('flags', small), '-n', '3', '--inputs', '1');
    assert.equal(run.status, 2);
    assert.match(
      run.stderr,
      /--inputs, -n: the plan file sets these; change them in .*flags\.json/,
    );
    const thin = nebula('bench', '--functions', 'hello', '--thin', '2');
    assert.equal(thin.status, 2);
    assert.match(thin.stderr, /--thin thins a plan file's inputs; use it with --plan/);
  });
});
