import assert from 'node:assert/strict';
import { Agent } from 'node:http';
import { describe, it } from 'node:test';
import type { InvocationResult } from '../../source/core/invocation.js';
import { call, type Reply, startGateway, waitFor } from './http.js';

// `faulty loop` spins until its manifest timeout (2 s) stops it: it holds its slot for sure.
const HOLD = '/functions/faulty/invoke?runtime=wasm-p1&mode=warm';
const HELLO = '/functions/hello/invoke?runtime=wasm-p1&mode=warm';

describe('bounded queue', { timeout: 60_000 }, () => {
  it('answers a burst beyond the queue with 429 and every accepted request with its result', async () => {
    const server = await startGateway({ maxConcurrency: 1, maxQueue: 2 });
    const results: InvocationResult[] = [];
    server.engine.on('invocation', (result) => results.push(result));
    const health = async () => (await call(`${server.url}/health`)).json;
    try {
      const holding = call(`${server.url}${HOLD}`, { method: 'POST', body: 'loop' });
      await waitFor(async () => (await health()).inFlight === 1, 'the loop to run');
      const queued = [1, 2].map(() => call(`${server.url}${HELLO}`, { method: 'POST' }));
      await waitFor(async () => (await health()).queued === 2, 'two requests to queue');
      const burst = await Promise.all(
        Array.from({ length: 10 }, () => call(`${server.url}${HELLO}`, { method: 'POST' })),
      );
      const replies: Reply[] = [await holding, ...(await Promise.all(queued)), ...burst];

      const byStatus = new Map<number, number>();
      for (const reply of replies)
        byStatus.set(reply.status, (byStatus.get(reply.status) ?? 0) + 1);
      assert.deepEqual(Object.fromEntries(byStatus), { 200: 3, 429: 10 });
      for (const reply of burst) {
        assert.equal(reply.headers['retry-after'], '1');
        assert.match(reply.json.error, /1 running and 2 waiting/);
      }
      // Nothing lost: every accepted request ran once and was answered with its own result.
      assert.equal(results.length, 3);
      const answered = replies.filter((reply) => reply.status === 200).map((reply) => reply.json);
      assert.deepEqual(
        answered.map((result) => result.acceptedAtNs).sort(),
        results.map((result) => result.acceptedAtNs).sort(),
      );
      assert.equal(answered[0].failure, 'timeout');
      assert.deepEqual(
        answered.slice(1).map((result) => result.ok),
        [true, true],
      );
    } finally {
      await server.stop();
    }
  });

  it('shuts down gracefully: answers what it accepted, then refuses connections', async () => {
    const server = await startGateway({ maxConcurrency: 1, maxQueue: 4 });
    const health = async () => (await call(`${server.url}/health`)).json;
    const holding = call(`${server.url}${HOLD}`, { method: 'POST', body: 'loop' });
    await waitFor(async () => (await health()).inFlight === 1, 'the loop to run');
    const queued = call(`${server.url}${HELLO}`, { method: 'POST' });
    await waitFor(async () => (await health()).queued === 1, 'one request to queue');
    const closed = server.gateway.close();
    await assert.rejects(call(`${server.url}/health`), { code: 'ECONNREFUSED' });
    const [held, waited] = await Promise.all([holding, queued]);
    await closed;
    await server.engine.close();
    assert.equal(held.status, 200);
    assert.equal(held.json.failure, 'timeout');
    assert.equal(waited.status, 200);
    assert.equal(waited.json.ok, true);
    assert.equal(waited.headers.connection, 'close');
  });

  it('answers every request of a burst over keep-alive connections, 200 or 429, none dropped', async () => {
    const server = await startGateway({ maxConcurrency: 2, maxQueue: 8 });
    const results: InvocationResult[] = [];
    server.engine.on('invocation', (result) => results.push(result));
    // 16 keep-alive connections, 200 requests on both Wasm runtimes, all sent at once.
    const agent = new Agent({ keepAlive: true, maxSockets: 16 });
    try {
      const replies = await Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          call(
            `${server.url}/functions/hello/invoke?runtime=${i % 2 ? 'wasm' : 'wasm-p1'}&mode=warm`,
            {
              method: 'POST',
              agent,
            },
          ),
        ),
      );
      const statuses = new Set(replies.map((reply) => reply.status));
      assert.deepEqual(
        [...statuses].filter((status) => status !== 200 && status !== 429),
        [],
      );
      const answered = replies.filter((reply) => reply.status === 200);
      assert.ok(answered.length >= 10, `only ${answered.length} of 200 were run`);
      for (const reply of answered) assert.equal(reply.json.ok, true, reply.json.error);
      for (const reply of replies.filter((r) => r.status === 429)) {
        assert.match(reply.json.error, /2 running and 8 waiting/);
      }
      // Each request answered 200 ran exactly once, and answered with its own result.
      assert.equal(results.length, answered.length);
      assert.deepEqual(
        answered.map((reply) => reply.json.acceptedAtNs).sort(),
        results.map((result) => result.acceptedAtNs).sort(),
      );
      assert.equal((await call(`${server.url}/health`)).json.inFlight, 0);
    } finally {
      agent.destroy();
      await server.stop();
    }
  });
});
