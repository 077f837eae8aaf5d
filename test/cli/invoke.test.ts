import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../../source/cli/nebula.js', import.meta.url));
const nebula = (...args: string[]) =>
  spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 60_000 });

describe('nebula invoke', { timeout: 120_000 }, () => {
  it('prints the result JSON with the fields the README lists', () => {
    const run = nebula(
      'invoke',
      'fibonacci-recursive',
      '--runtime',
      'wasm',
      '--input',
      '20',
      '--json',
    );
    assert.equal(run.status, 0, run.stderr);
    const result = JSON.parse(run.stdout);
    for (const field of [
      'function',
      'runtime',
      'mode',
      'input',
      'ok',
      'output',
      'error',
      'exitCode',
      'timings',
    ]) {
      assert.ok(field in result, `missing ${field}`);
    }
    assert.equal(result.output, '6765\n');
    assert.deepEqual(Object.keys(result.timings).sort(), [
      'execMs',
      'inputMs',
      'outputMs',
      'startupMs',
      'teardownMs',
      'thesisRuntimeMs',
      'thesisStartupMs',
      'totalMs',
    ]);
    for (const value of Object.values(result.timings)) assert.equal(typeof value, 'number');
    assert.equal(run.stderr, '');
  });

  it('exits 1 with ok false when the function fails', () => {
    const run = nebula('invoke', 'factorial', '--runtime', 'wasm-p1', '--input', '-4', '--json');
    assert.equal(run.status, 1);
    const result = JSON.parse(run.stdout);
    assert.equal(result.ok, false);
    assert.equal(result.failure, 'bad-input');
  });

  it('exits 2 naming an unknown function, runtime or mode', () => {
    for (const [args, message] of [
      [['invoke', 'nope'], /unknown function "nope"/],
      [['invoke', 'hello', '--runtime', 'jvm'], /unknown runtime "jvm"/],
      [['invoke', 'hello', '--mode', 'hot'], /unknown mode "hot"/],
    ] as const) {
      const run = nebula(...args);
      assert.equal(run.status, 2, run.stderr);
      assert.match(run.stderr, message);
    }
  });

  it('lists the functions as JSON', () => {
    const run = nebula('functions', '--json');
    assert.equal(run.status, 0, run.stderr);
    const { functions } = JSON.parse(run.stdout);
    const hello = functions.find((fn: { name: string }) => fn.name === 'hello');
    assert.equal(hello.deployed['wasm-p1'], true);
  });
});
