/** POST /experiments: refusals before the stream, one experiment at a time, a client that leaves. */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import type { Manifest } from '../../source/catalog/manifest.js';
import type { InvocationResult } from '../../source/core/invocation.js';
import type { InvocationEngine } from '../../source/engine/invocation-engine.js';
import { Gateway } from '../../source/gateway/server.js';
import { invokeOnly } from '../engine-stubs.js';
import { call, upload } from './http.js';

const manifest = {
  name: 'hello',
  language: 'rust',
  description: 'does nothing',
  input: { format: 'none', example: '', expectedOutput: 'hello' },
  defaultInput: '',
  timeoutMs: 1000,
  memoryMb: 64,
  cpus: 1,
  pids: 16,
  outputLimitBytes: 1024 * 1024,
} satisfies Manifest;

/** An engine whose invocations wait until the test lets them finish. */
function gatedEngine() {
  const waiting: Array<() => void> = [];
  let started = 0;
  const engine: InvocationEngine = {
    catalog: { functions: [{ name: 'hello', manifest }], problems: [] },
    fn: () => ({ name: 'hello', manifest }),
    invoke: async (fn, runtime, req): Promise<InvocationResult> => {
      started++;
      await new Promise<void>((resolve) => waiting.push(resolve));
      return {
        function: fn,
        runtime: runtime as 'wasm',
        mode: req.mode,
        input: req.input,
        ok: true,
        output: 'hello\n',
        error: null,
        failure: null,
        exitCode: 0,
        stderr: '',
        timings: { startupMs: 1, execMs: 1, teardownMs: 1, totalMs: 3 },
        acceptedAtNs: '0',
      };
    },
    on: () => undefined,
    off: () => undefined,
    close: async () => {},
    ...invokeOnly,
  };
  const release = () => {
    for (const resolve of waiting.splice(0)) resolve();
  };
  return { engine, release, started: () => started };
}

const plan = {
  functions: [{ name: 'hello', inputs: [''] }],
  runtimes: ['wasm'],
  modes: ['warm'],
  warmup: 0,
  repetitions: 2,
};

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('POST /experiments', { timeout: 20_000 }, () => {
  const gated = gatedEngine();
  const gateway = new Gateway({ engine: gated.engine, power: null, token: 'secret' });
  let url = '';
  const auth = { authorization: 'Bearer secret' };
  before(async () => {
    url = `${(await gateway.listen(0, '127.0.0.1')).url}/experiments`;
  });
  after(async () => {
    gated.release();
    await gateway.close();
  });

  it('needs the token, as every route but /health', async () => {
    const reply = await call(url, { method: 'POST', body: '{}' });
    assert.equal(reply.status, 401);
  });

  it('refuses what is not a version-1 plan, naming the field', async () => {
    const notJson = await call(url, { method: 'POST', headers: auth, body: 'plan please' });
    assert.equal(notJson.status, 400);
    assert.equal(notJson.json.field, 'body');
    const version = await call(url, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ protocol: 2, plan }),
    });
    assert.equal(version.status, 400);
    assert.match(version.json.error, /speaks experiment protocol 1/);
    const badRuntime = await call(url, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ protocol: 1, plan: { ...plan, runtimes: ['jvm'] } }),
    });
    assert.equal(badRuntime.status, 400);
    assert.match(badRuntime.json.error, /runtimes\.0/);
    const get = await call(url, { headers: auth });
    assert.equal(get.status, 405);
  });

  it('refuses energy when the gateway has no power source', async () => {
    const reply = await call(url, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ protocol: 1, plan: { ...plan, energy: { blocks: 1 } } }),
    });
    assert.equal(reply.status, 400);
    assert.equal(reply.json.field, 'plan.energy');
  });

  it('answers a stop request over its 4,096-byte bound with 413, streamed or declared', async () => {
    const stopUrl = `${url}/stop`;
    const declared = await upload(stopUrl, 5000, auth, false);
    assert.equal(declared.status, 413);
    assert.match(declared.json.error, /4096 bytes/);
    const streamed = await upload(stopUrl, 64 * 1024, auth, true);
    assert.equal(streamed.status, 413);
    const small = await call(stopUrl, {
      method: 'POST',
      headers: auth,
      body: '{"experiment":"x"}',
    });
    assert.equal(small.status, 404, 'a short stop request is still read');
  });

  it('runs one experiment at a time, and streams it to the end', async () => {
    const first = call(url, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ protocol: 1, plan }),
    });
    await until(() => gated.started() >= 1, 'the first invocation');
    const second = await call(url, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ protocol: 1, plan }),
    });
    assert.equal(second.status, 409);
    gated.release();
    await until(() => gated.started() >= 2, 'the second invocation');
    gated.release();
    const reply = await first;
    assert.equal(reply.status, 200);
    const lines = reply.text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    assert.deepEqual(
      lines.filter((l) => l.type !== 'record').map((l) => l.type),
      ['start', 'invocation', 'invocation', 'done'],
    );
    // Every record of the gateway's session log but invocations, for the client's own log;
    // each invocation crosses once, as its `invocation` line.
    assert.deepEqual(
      lines.filter((l) => l.type === 'record').map((l) => l.record.type),
      ['experiment', 'experiment-end'],
    );
    const carrying = lines.filter(
      (l) => l.type === 'invocation' || (l.type === 'record' && l.record.type === 'invocation'),
    );
    assert.equal(carrying.length, 2, 'two invocations, each on one line');
    assert.deepEqual(
      carrying.map((l) => l.record.step),
      [0, 1],
    );
    assert.equal(lines.at(-1).figures.results[0].n, 2);
  });

  it('stops the experiment when the client goes away', async () => {
    const before = gated.started();
    const req = request(url, { method: 'POST', headers: auth });
    req.on('error', () => {});
    req.end(JSON.stringify({ protocol: 1, plan: { ...plan, repetitions: 1000 } }));
    await until(() => gated.started() > before, 'the invocation');
    req.destroy();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const afterStop = gated.started();
    // Let whatever is waiting finish, until a new experiment is accepted (not 409).
    const releasing = setInterval(gated.release, 10);
    try {
      let status = 409;
      const deadline = Date.now() + 5000;
      while (status === 409 && Date.now() < deadline) {
        status = (
          await call(url, {
            method: 'POST',
            headers: auth,
            body: JSON.stringify({ protocol: 1, plan: { ...plan, repetitions: 1 } }),
          })
        ).status;
      }
      assert.equal(status, 200, 'the stopped experiment released the gateway');
    } finally {
      clearInterval(releasing);
    }
    // The stopped run started at most the invocation in flight; the new one started one.
    assert.ok(
      gated.started() - afterStop <= 2,
      `${gated.started() - afterStop} started after the stop`,
    );
    assert.ok(afterStop - before <= 2);
  });
});

describe('a gateway stopped during an experiment', { timeout: 20_000 }, () => {
  it('ends the stream with an error line saying why, and the log with experiment-end', async () => {
    const gated = gatedEngine();
    const written: Array<{ type: string; aborted?: boolean }> = [];
    let closed = false;
    const gateway = new Gateway({
      engine: gated.engine,
      power: null,
      openLog: () => ({
        path: '/memory/log.jsonl',
        append: (record) => written.push(record as { type: string }),
        close: () => {
          closed = true;
        },
      }),
    });
    const base = (await gateway.listen(0, '127.0.0.1')).url;
    const reply = call(`${base}/experiments`, {
      method: 'POST',
      body: JSON.stringify({ protocol: 1, plan: { ...plan, repetitions: 1000 } }),
    });
    await until(() => gated.started() >= 1, 'the first invocation');
    // What SIGTERM to `nebula serve` does; the invocation in flight is let finish meanwhile.
    const closing = gateway.close();
    const releasing = setInterval(gated.release, 10);
    try {
      const { status, text } = await reply;
      await closing;
      assert.equal(status, 200);
      const lines = text
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line));
      const last = lines.at(-1);
      assert.equal(last.type, 'error', `the stream ended with ${JSON.stringify(last)}`);
      assert.match(last.error, /the gateway is shutting down/);
      const end = lines.find((l) => l.type === 'record' && l.record.type === 'experiment-end');
      assert.equal(end?.record.aborted, true, 'the client got the experiment-end record');
      assert.equal(written.at(-1)?.type, 'experiment-end', 'the log ends with experiment-end');
      assert.ok(closed, 'the log was closed');
      assert.ok(gated.started() < 1000, 'the experiment stopped early');
    } finally {
      clearInterval(releasing);
    }
  });
});
