import assert from 'node:assert/strict';
import { Agent, request as httpRequest } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { PHASES } from '../../source/core/invocation.js';
import { bearer, call, startGateway, upload } from './http.js';

const TOKEN = 'test-token';
const auth = bearer(TOKEN);

describe('gateway over the real engine', { timeout: 60_000 }, () => {
  let server: Awaited<ReturnType<typeof startGateway>>;
  before(async () => {
    server = await startGateway({ token: TOKEN });
  });
  after(() => server.stop());

  for (const runtime of ['wasm', 'wasm-p1']) {
    for (const mode of ['cold', 'warm']) {
      it(`invokes fibonacci-recursive on ${runtime} (${mode}) and answers like invoke --json`, async () => {
        const reply = await call(
          `${server.url}/functions/fibonacci-recursive/invoke?runtime=${runtime}&mode=${mode}`,
          { method: 'POST', headers: auth, body: '20' },
        );
        assert.equal(reply.status, 200, reply.text);
        const result = reply.json;
        assert.equal(result.function, 'fibonacci-recursive');
        assert.equal(result.runtime, runtime);
        assert.equal(result.mode, mode);
        assert.equal(result.input, '20');
        assert.equal(result.ok, true, result.error);
        assert.equal(result.output.trim(), '6765');
        assert.equal(result.exitCode, 0);
        for (const phase of PHASES) assert.equal(typeof result.timings[phase], 'number', phase);
        assert.ok(result.timings.execMs > 0, 'the function printed its marks');
      });
    }
  }

  it('answers a failing function with its result, not an HTTP error', async () => {
    const reply = await call(`${server.url}/functions/faulty/invoke?runtime=wasm-p1`, {
      method: 'POST',
      headers: auth,
      body: 'trap',
    });
    assert.equal(reply.status, 200);
    assert.equal(reply.json.ok, false);
    assert.equal(reply.json.failure, 'trap');
  });

  it('lists the catalog', async () => {
    const reply = await call(`${server.url}/functions`, { headers: auth });
    assert.equal(reply.status, 200);
    const names = reply.json.functions.map((fn: { name: string }) => fn.name);
    assert.ok(names.includes('hello') && names.includes('fibonacci-recursive'), names.join());
    assert.equal(
      reply.json.functions.find((fn: { name: string }) => fn.name === 'hello').timeoutMs,
      10000,
    );
  });

  it('serves /health without a token', async () => {
    const reply = await call(`${server.url}/health`);
    assert.equal(reply.status, 200);
    assert.equal(reply.json.status, 'ok');
    assert.equal(reply.json.maxConcurrency, 4);
  });

  for (const path of ['/functions', '/events', '/functions/hello/invoke']) {
    const method = path.endsWith('invoke') ? 'POST' : 'GET';
    it(`refuses ${method} ${path} without a token (401) and with a wrong one (403)`, async () => {
      const missing = await call(`${server.url}${path}`, { method });
      assert.equal(missing.status, 401);
      assert.equal(missing.headers['www-authenticate'], 'Bearer');
      assert.match(missing.json.error, /missing token/);
      const wrong = await call(`${server.url}${path}`, { method, headers: bearer('nope') });
      assert.equal(wrong.status, 403);
      assert.match(wrong.json.error, /wrong token/);
      const notBearer = await call(`${server.url}${path}`, {
        method,
        headers: { authorization: `Basic ${TOKEN}` },
      });
      assert.equal(notBearer.status, 401);
    });
  }

  const bad: Array<[string, string, string, number, RegExp]> = [
    [
      'unknown function',
      'POST',
      '/functions/nope/invoke',
      404,
      /unknown function "nope"; known functions: .*hello/,
    ],
    [
      'bad runtime',
      'POST',
      '/functions/hello/invoke?runtime=wasmtime',
      400,
      /unknown runtime "wasmtime"; choose one of wasm, wasm-p1, container/,
    ],
    [
      'bad mode',
      'POST',
      '/functions/hello/invoke?mode=hot',
      400,
      /unknown mode "hot"; choose one of cold, warm/,
    ],
    [
      'unknown parameter',
      'POST',
      '/functions/hello/invoke?runtim=wasm',
      400,
      /unknown query parameter "runtim"/,
    ],
    ['GET on invoke', 'GET', '/functions/hello/invoke', 405, /GET is not allowed here; use POST/],
    ['POST on functions', 'POST', '/functions', 405, /use GET/],
    ['unknown route', 'GET', '/nothing', 404, /no route GET \/nothing/],
    ['bad encoding', 'POST', '/functions/%E0%A4%A/invoke', 400, /not valid URL encoding/],
  ];
  for (const [what, method, path, status, message] of bad) {
    it(`answers ${what} with ${status}`, async () => {
      const reply = await call(`${server.url}${path}`, { method, headers: auth, body: '' });
      assert.equal(reply.status, status, reply.text);
      assert.match(reply.json.error, message);
    });
  }

  it('names the bad value and the choices in a 400', async () => {
    const reply = await call(`${server.url}/functions/hello/invoke?runtime=docker`, {
      method: 'POST',
      headers: auth,
    });
    assert.deepEqual(
      { field: reply.json.field, value: reply.json.value, choices: reply.json.choices },
      { field: 'runtime', value: 'docker', choices: ['wasm', 'wasm-p1', 'container'] },
    );
  });

  it('answers 413 to a body over 1 MiB, declared or streamed, and runs nothing', async () => {
    let invocations = 0;
    const count = () => invocations++;
    server.engine.on('invocation', count);
    const invokeUrl = `${server.url}/functions/hello/invoke`;
    const declared = await upload(invokeUrl, 1024 * 1024 + 1, auth, false);
    assert.equal(declared.status, 413);
    assert.match(declared.json.error, /over 1048576 bytes/);
    assert.equal(declared.headers.connection, 'close');
    const streamed = await upload(invokeUrl, 4 * 1024 * 1024, auth, true);
    assert.equal(streamed.status, 413);
    const exact = await call(`${server.url}/functions/hello/invoke?runtime=wasm-p1`, {
      method: 'POST',
      headers: auth,
      body: Buffer.alloc(1024 * 1024, 'a'),
    });
    assert.equal(exact.status, 200, 'exactly 1 MiB is allowed');
    server.engine.off('invocation', count);
    assert.equal(invocations, 1);
  });

  it('keeps connections alive between invocations', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    let connections = 0;
    const count = () => connections++;
    server.gateway.server.on('connection', count);
    try {
      const url = `${server.url}/functions/hello/invoke?runtime=wasm-p1&mode=warm`;
      const first = await call(url, { method: 'POST', headers: auth, agent });
      const second = await call(url, { method: 'POST', headers: auth, agent });
      assert.equal(first.headers.connection, 'keep-alive');
      assert.equal(second.status, 200);
      assert.equal(connections, 1, 'both went over one connection');
    } finally {
      server.gateway.server.off('connection', count);
      agent.destroy();
    }
  });

  it('streams invocation results as server-sent events', async () => {
    const events: string[] = [];
    const stream = await new Promise<import('node:http').IncomingMessage>((resolve, reject) => {
      httpRequest(`${server.url}/events`, { headers: auth }, resolve).on('error', reject).end();
    });
    assert.equal(stream.headers['content-type'], 'text/event-stream; charset=utf-8');
    const received = new Promise<void>((resolve) => {
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        events.push(chunk);
        if (events.join('').includes('event: invocation')) resolve();
      });
    });
    const reply = await call(`${server.url}/functions/hello/invoke?runtime=wasm-p1&mode=warm`, {
      method: 'POST',
      headers: auth,
    });
    await received;
    stream.destroy();
    const frame = events
      .join('')
      .split('\n\n')
      .find((block) => block.startsWith('event: invocation'));
    const data = frame?.split('\n').find((line) => line.startsWith('data: '));
    assert.ok(data, events.join(''));
    assert.equal(JSON.parse(data.slice(6)).acceptedAtNs, reply.json.acceptedAtNs);
  });
});
