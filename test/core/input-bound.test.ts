/**
 * One bound on what an input may carry, where it enters: a plan (bench, console, POST
 * /experiments), `nebula invoke --input`, and the body of POST /functions/{name}/invoke. Past
 * it the input is refused naming the bound and NEBULA_MAX_INPUT_BYTES, which raises it.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { buildPlan, PlanError } from '../../source/core/plan.js';
import { Gateway } from '../../source/gateway/server.js';
import { invokeOnly } from '../engine-stubs.js';
import { call, upload } from '../gateway/http.js';

const NEBULA = fileURLToPath(new URL('../../source/cli/nebula.js', import.meta.url));
const spec = (input: string, maxInputBytes?: number) => ({
  functions: [{ name: 'hello', inputs: ['', input] }],
  runtimes: ['wasm' as const],
  modes: ['warm' as const],
  repetitions: 1,
  warmup: 0,
  ...(maxInputBytes === undefined ? {} : { maxInputBytes }),
});

describe('the bound on one input', { timeout: 60_000 }, () => {
  it('refuses a plan input past 1 MiB by default, naming it and how to raise it', () => {
    assert.throws(
      () => buildPlan(spec('x'.repeat(1024 * 1024 + 1))),
      (error: Error) =>
        error instanceof PlanError &&
        /input 2 of hello is 1048577 bytes, over the bound of 1048576 bytes \(1 MiB\) for one input; .*NEBULA_MAX_INPUT_BYTES=<bytes> \(at most 64 MiB\)/.test(
          error.message,
        ),
    );
    assert.equal(buildPlan(spec('x'.repeat(1024 * 1024))).length, 2, 'exactly 1 MiB is taken');
    // Counted in UTF-8 bytes: 400,000 three-byte characters are 1.2 MB.
    assert.throws(() => buildPlan(spec('€'.repeat(400_000))), PlanError);
    assert.throws(() => buildPlan(spec('abc', 2)), /over the bound of 2 bytes/);
  });

  it('nebula invoke and nebula bench refuse it with exit 2 and the bound', () => {
    const env = { ...process.env, NEBULA_MAX_INPUT_BYTES: '100' };
    const nebula = (...args: string[]) =>
      spawnSync(process.execPath, [NEBULA, ...args], { encoding: 'utf8', env, timeout: 30_000 });
    const invoke = nebula('invoke', 'hello', '--input', 'y'.repeat(101));
    assert.equal(invoke.status, 2, invoke.stderr);
    assert.match(invoke.stderr, /the input is 101 bytes, over the bound of 100 bytes/);
    const bench = nebula('bench', '--functions', 'hello', '--inputs', 'y'.repeat(101), '-n', '1');
    assert.equal(bench.status, 2, bench.stderr);
    assert.match(bench.stderr, /input 1 of hello is 101 bytes, over the bound of 100 bytes/);
    const bad = spawnSync(process.execPath, [NEBULA, 'invoke', 'hello'], {
      encoding: 'utf8',
      env: { ...process.env, NEBULA_MAX_INPUT_BYTES: '0x10' },
      timeout: 30_000,
    });
    assert.equal(bad.status, 2, bad.stderr);
    assert.match(bad.stderr, /NEBULA_MAX_INPUT_BYTES="0x10": give a whole number of bytes/);
  });

  it('the gateway refuses an invoke body and a plan input past its bound', async () => {
    const engine = {
      catalog: { functions: [{ name: 'hello', manifest: {} }], problems: [] },
      fn: () => ({ name: 'hello' }),
      invoke: async () => {
        throw new Error('nothing may run');
      },
      on: () => undefined,
      off: () => undefined,
      close: async () => {},
      ...invokeOnly,
    };
    // biome-ignore lint/suspicious/noExplicitAny: a stub engine that runs nothing
    const gateway = new Gateway({ engine: engine as any, maxInputBytes: 100 });
    const { url } = await gateway.listen(0, '127.0.0.1');
    try {
      const body = await upload(`${url}/functions/hello/invoke`, 101, {}, false);
      assert.equal(body.status, 413);
      assert.match(
        body.json.error,
        /over 100 bytes \(100 bytes\), the bound .*NEBULA_MAX_INPUT_BYTES/,
      );
      const plan = await call(`${url}/experiments`, {
        method: 'POST',
        body: JSON.stringify({ protocol: 1, plan: spec('z'.repeat(101)) }),
      });
      assert.equal(plan.status, 400);
      assert.equal(plan.json.field, 'plan.functions.0.inputs.1');
      assert.match(plan.json.error, /over the bound of 100 bytes/);
    } finally {
      await gateway.close();
    }
  });
});
