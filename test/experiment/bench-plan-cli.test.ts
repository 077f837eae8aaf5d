/** `nebula bench --plan FILE [--thin K]` end to end on the real Wasm runtimes. */

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
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
    // No earlier session in this logs directory, and too small a plan to calibrate.
    assert.match(
      run.stderr,
      /no calibration for a plan this small \(8 invocations; calibrating would take 8\): its ETA follows its own pace/,
    );
    assert.match(run.stderr, /estimated duration: unknown, 2 of 2 lanes unpriced/);
    assert.match(run.stderr, /took [\d.]+ s; no estimate \(lanes unpriced\)/);
  });

  it('--estimate says the count and the duration from the earlier session, and runs nothing', () => {
    const logs = () => readdirSync(dir).filter((name) => name.endsWith('.jsonl'));
    const before = logs();
    const run = nebula('bench', '--plan', planFile('small', small), '--thin', '2', '--estimate');
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout, '', 'nothing run, nothing printed');
    assert.deepEqual(logs(), before, 'no session log written');
    assert.match(run.stderr, /plan small: 8 invocations/);
    assert.match(
      run.stderr,
      /costs: 1 of the 1 newest session log has runs on .* with profile local; 2 of the plan's 2 lanes priced from it/,
    );
    assert.doesNotMatch(run.stderr, /calibrating/);
    assert.match(
      run.stderr,
      /prime-number on wasm-p1, cold: .* for 4, from 1 earlier session on this machine \(inputs 0 and 20 seen\)/,
    );
    // The unthinned plan: inputs 10 and 5 priced between those seen.
    const whole = nebula('bench', '--plan', planFile('small', small), '--estimate');
    assert.equal(whole.status, 0, whole.stderr);
    assert.match(whole.stderr, /plan small: 12 invocations/);
    assert.match(whole.stderr, /estimated duration: [\d.]+ s \(12 invocations/);
  });

  it('--estimate on a machine with no earlier session calibrates, bounded, and says so', () => {
    const fresh = mkdtempSync(join(tmpdir(), 'nebula-estimate-'));
    try {
      const run = spawnSync(
        process.execPath,
        [
          ...wasiNodeFlags(),
          CLI,
          'bench',
          '--functions',
          'prime-number',
          '--runtimes',
          'wasm-p1',
          '--inputs',
          '0:100:10',
          '-n',
          '3',
          '--warmup',
          '0',
          '--estimate',
        ],
        { encoding: 'utf8', timeout: 120_000, env: { ...process.env, NEBULA_LOGS_DIR: fresh } },
      );
      assert.equal(run.status, 0, run.stderr);
      assert.match(run.stderr, /costs: no earlier session log in /);
      assert.match(
        run.stderr,
        /calibrating prime-number on wasm-p1, cold: 2 each at 0, 50, 100 \(at most 30 s\)/,
      );
      assert.match(run.stderr, /calibrated in [\d.]+ s/);
      assert.match(
        run.stderr,
        /estimated duration: [\d.]+ s \(33 invocations; image builds and deploys not counted\)/,
      );
      assert.match(
        run.stderr,
        /prime-number on wasm-p1, cold: [\d.]+ s for 33, from a calibration \(inputs 0, 50 and 100\)/,
      );
      assert.deepEqual(readdirSync(fresh), [], 'a calibration writes no log');
      // Run, it compares its duration with the calibrated estimate.
      const ran = spawnSync(
        process.execPath,
        [
          ...wasiNodeFlags(),
          CLI,
          'bench',
          '--functions',
          'prime-number',
          '--runtimes',
          'wasm-p1',
          '--inputs',
          '0:100:10',
          '-n',
          '3',
          '--warmup',
          '0',
          '--no-log',
        ],
        { encoding: 'utf8', timeout: 120_000, env: { ...process.env, NEBULA_LOGS_DIR: fresh } },
      );
      assert.equal(ran.status, 0, ran.stderr);
      assert.match(ran.stderr, /took [\d.]+ s; estimated [\d.]+ s \([\d.]+ times the estimate\)/);
    } finally {
      rmSync(fresh, { recursive: true, force: true });
    }
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
    // Flags with a default are refused only when typed: the plan file's runtimes and mode hold.
    const typed = nebula(
      'bench',
      '--plan',
      planFile('typed', small),
      '--runtimes',
      'wasm',
      '--mode',
      'warm',
    );
    assert.equal(typed.status, 2);
    assert.match(typed.stderr, /--runtimes, --mode: the plan file sets these/);
    const thin = nebula('bench', '--functions', 'hello', '--thin', '2');
    assert.equal(thin.status, 2);
    assert.match(thin.stderr, /--thin thins a plan file's inputs; use it with --plan/);
  });
});
