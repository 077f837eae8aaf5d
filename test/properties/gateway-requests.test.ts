/**
 * The gateway on the real engine (Wasm runtimes, real functions), sent any request line,
 * query, headers and body as raw bytes: it answers every one with 2xx or 4xx, never a 5xx,
 * never a dropped connection, and keeps serving.
 */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { Engine } from '../../source/engine/engine.js';
import { Gateway } from '../../source/gateway/server.js';
import { runs } from './runs.js';

export const GATEWAY_RUNS = 250;
export const INVOKE_RUNS = 150;

const printable = fc.string({
  unit: fc.constantFrom(...'abcxyz019-_.~!$&\'()*+,;=:@/?%[]{}<>"|\\^`# \t'.split('')),
  maxLength: 40,
});
const token = fc.stringMatching(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,20}$/);

/** Raw bytes of one request, with a Content-Length that matches the body. */
function rawRequest(port: number) {
  // Mostly methods HTTP knows (Node's parser answers 400 to any other before routing).
  const method = fc.oneof(
    {
      arbitrary: fc.constantFrom('GET', 'POST', 'HEAD', 'PUT', 'DELETE', 'OPTIONS', 'PATCH'),
      weight: 6,
    },
    token,
  );
  const route = fc.constantFrom(
    '/health',
    '/functions',
    '/events',
    '/functions/hello/invoke',
    '/functions/faulty/invoke',
    '/functions/fibonacci-recursive/invoke',
    '/functions/%ZZ/invoke',
    '/functions/../invoke',
    '',
  );
  const query = fc.oneof(
    fc.constant(''),
    fc.constantFrom('?runtime=wasm', '?runtime=wasm-p1&mode=warm', '?mode=cold', '?runtime=x'),
    fc.webQueryParameters().map((q) => `?${q}`),
    printable.map((q) => `?${q.replace(/[\s#]/g, '')}`),
  );
  const target = fc.oneof(
    { arbitrary: fc.tuple(route, query).map(([r, q]) => `${r || '/'}${q}`), weight: 4 },
    fc.tuple(route, query).map(([r, q]) => `${r || '/'}${q}`),
    fc.webPath().map((p) => p || '/'),
    printable.map((p) => `/${p.replace(/\s/g, '')}`),
    fc.constantFrom('*', 'http://127.0.0.1/health', '//', '/%', '/functions//invoke'),
  );
  // Mostly a Host the gateway serves, so most requests get past its doors.
  const host = fc.oneof(
    { arbitrary: fc.constantFrom(`127.0.0.1:${port}`, 'localhost', '[::1]'), weight: 4 },
    fc.constantFrom('attacker.example', ''),
    printable.map((h) => h.replace(/\s/g, '')),
  );
  const header = fc.tuple(
    token,
    printable.map((v) => v.replace(/[\t]/g, ' ')),
  );
  // Mostly none, as a command-line client sends (browsers' origins are refused).
  const origin = fc.oneof(
    { arbitrary: fc.constant(null), weight: 3 },
    fc.constantFrom('http://attacker.example', 'null', 'http://localhost'),
  );
  const body = fc.oneof(
    fc.string({ maxLength: 200 }),
    fc.constantFrom('', 'ok', 'trap', 'loop', '20', 'exit 3', 'x'.repeat(5000)),
    fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
  );
  return fc
    .record({
      method,
      target,
      host,
      headers: fc.array(header, { maxLength: 4 }),
      origin,
      body,
    })
    .map((r) => {
      const payload = Buffer.from(r.body, 'latin1');
      const lines = [
        `${r.method} ${r.target} HTTP/1.1`,
        `Host: ${r.host}`,
        ...r.headers
          .filter(([name]) => !/^(content-length|transfer-encoding|host|connection)$/i.test(name))
          .map(([name, value]) => `${name}: ${value}`),
        ...(r.origin === null ? [] : [`Origin: ${r.origin}`]),
        `Content-Length: ${payload.length}`,
        'Connection: close',
      ];
      return {
        text: `${r.method} ${r.target}`,
        bytes: Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), payload]),
      };
    });
}

/** Invocations past the doors: a known function, any query and body. */
function invokeRequest(port: number) {
  return fc
    .record({
      name: fc.constantFrom('hello', 'sha256', 'factorial', 'faulty', 'exponential'),
      runtime: fc.oneof(fc.constantFrom('wasm', 'wasm-p1'), fc.constant(null), printable),
      mode: fc.oneof(fc.constantFrom('cold', 'warm'), fc.constant(null), printable),
      body: fc.oneof(
        fc.string({ maxLength: 100 }),
        fc.constantFrom('', 'ok', 'trap', 'oom', 'exit 7', '30', '-1', '1e9', 'abc'),
      ),
    })
    .map((r) => {
      const query = new URLSearchParams();
      if (r.runtime !== null) query.set('runtime', r.runtime);
      if (r.mode !== null) query.set('mode', r.mode);
      const payload = Buffer.from(r.body, 'utf8');
      const head = [
        `POST /functions/${r.name}/invoke?${query} HTTP/1.1`,
        `Host: 127.0.0.1:${port}`,
        `Content-Length: ${payload.length}`,
        'Connection: close',
      ].join('\r\n');
      return {
        text: `${r.name} ${query} ${JSON.stringify(r.body)}`,
        bytes: Buffer.concat([Buffer.from(`${head}\r\n\r\n`), payload]),
      };
    });
}

/** Sends the bytes, returns the status code of the answer (0 when none came). */
function send(port: number, bytes: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let head = '';
    socket.on('data', (chunk) => {
      head += chunk.toString('latin1');
      const match = /^HTTP\/1\.1 (\d{3})/.exec(head);
      if (match) {
        resolve(Number(match[1]));
        socket.destroy();
      }
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(0));
    // Written without a half-close: Node's server takes a client's end as giving up.
    socket.write(bytes);
  });
}

describe('the gateway under generated requests', { timeout: 300_000 }, () => {
  const engine = new Engine();
  const gateway = new Gateway({ engine });
  let port = 0;

  before(async () => {
    port = (await gateway.listen(0, '127.0.0.1')).port;
  });
  after(async () => {
    await gateway.close();
    await engine.close();
  });

  it(`answers any request line, query, headers and body with 2xx or 4xx (${GATEWAY_RUNS} + ${INVOKE_RUNS} cases)`, async (t) => {
    const seen = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(rawRequest(port), async (request) => {
        const status = await send(port, request.bytes);
        seen.set(status, (seen.get(status) ?? 0) + 1);
        assert.ok(status >= 200 && status < 500, `${request.text} answered ${status || 'nothing'}`);
      }),
      runs(GATEWAY_RUNS),
    );
    await fc.assert(
      fc.asyncProperty(invokeRequest(port), async (request) => {
        const status = await send(port, request.bytes);
        seen.set(status, (seen.get(status) ?? 0) + 1);
        assert.ok(status === 200 || (status >= 400 && status < 500), `${request.text}: ${status}`);
      }),
      runs(INVOKE_RUNS),
    );
    t.diagnostic(`answers: ${JSON.stringify(Object.fromEntries([...seen].sort()))}`);
    // The generator reaches past the doors: some requests ran a function or read a route.
    assert.ok((seen.get(200) ?? 0) >= 5, 'too few requests got past the doors and the checks');
    // Still serving after all of it.
    const health = await send(
      port,
      Buffer.from(`GET /health HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`),
    );
    assert.equal(health, 200);
  });
});
