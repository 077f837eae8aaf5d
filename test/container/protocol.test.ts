import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, it } from 'node:test';
import { NATIVE_ARCH, nodePlatform } from '../../source/core/platform.js';
import { watchdogPath } from '../../source/runtimes/container/image.js';

const hostPlatform = nodePlatform();
if (!hostPlatform) throw new Error(`no watchdog is built for this architecture (${process.arch})`);
const watchdog = watchdogPath(NATIVE_ARCH[hostPlatform]);

import { encodeRequest, READY, ResponseReader } from '../../source/runtimes/container/protocol.js';

/** The committed watchdog binary of this machine's architecture, run on the host against /bin/sh, without any container. */
async function converse(
  script: string,
  requests: Array<{ input: string; timeoutMs: number; outputLimit?: number }>,
) {
  const child = spawn(watchdog, ['/bin/sh', '-c', script], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const reader = new ResponseReader();
  const responses = [];
  let pending: (() => void) | null = null;
  child.stdout.on('data', (chunk: Buffer) => {
    reader.push(chunk);
    pending?.();
  });
  const next = async () => {
    for (;;) {
      const response = reader.take();
      if (response) return response;
      await new Promise<void>((resolve) => {
        pending = resolve;
      });
    }
  };
  while (!reader.takeReady()) await new Promise<void>((resolve) => (pending = resolve));
  for (const request of requests) {
    const limit = request.outputLimit ?? 1024 * 1024;
    child.stdin.write(encodeRequest(Buffer.from(request.input), request.timeoutMs, limit));
    responses.push(await next());
  }
  child.stdin.end();
  const [code] = await once(child, 'exit');
  return { responses, code };
}

describe('watchdog protocol', { timeout: 20_000 }, () => {
  it('runs the function once per request with its stdin, and exits when stdin closes', async () => {
    const big = 'x'.repeat(300_000);
    const { responses, code } = await converse('wc -c; echo err >&2; exit 3', [
      { input: 'abc', timeoutMs: 5000 },
      { input: '', timeoutMs: 5000 },
      { input: big, timeoutMs: 5000 },
    ]);
    assert.deepEqual(
      responses.map((r) => [r.kind, r.code, r.stdout.toString().trim(), r.stderr.toString()]),
      [
        ['exited', 3, '3', 'err\n'],
        ['exited', 3, '0', 'err\n'],
        ['exited', 3, '300000', 'err\n'],
      ],
    );
    assert.equal(code, 0);
  });

  it('kills a function that outlives its timeout, children included', async () => {
    const started = Date.now();
    const { responses } = await converse('sleep 30 & sleep 30', [{ input: '', timeoutMs: 200 }]);
    assert.equal(responses[0]?.kind, 'timeout');
    assert.ok(Date.now() - started < 10_000, 'the watchdog waited for the sleeping children');
  });

  it('kills a function whose output passes the limit at once, keeps none of it, and serves the next request', async () => {
    // `yes` writes without end: without the limit it would fill the watchdog's memory until
    // the timeout, or until the container's memory limit ended it as out-of-memory.
    const { responses, code } = await converse('[ -n "$(cat)" ] && exec yes flood; echo fine', [
      { input: 'flood', timeoutMs: 60_000, outputLimit: 4096 },
      { input: '', timeoutMs: 5000, outputLimit: 4096 },
    ]);
    assert.deepEqual(
      responses.map((r) => [r.kind, r.stdout.length, r.stderr.length]),
      [
        ['output-limit', 0, 0],
        ['exited', 5, 0],
      ],
    );
    assert.equal(responses[1]?.stdout.toString(), 'fine\n');
    assert.equal(code, 0);
  });

  it('reports a function killed by a signal, and one that cannot start', async () => {
    const killed = await converse('kill -SEGV $$', [{ input: '', timeoutMs: 5000 }]);
    assert.deepEqual([killed.responses[0]?.kind, killed.responses[0]?.code], ['signaled', 11]);
    const child = spawn(watchdog, ['/nonexistent/function'], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const reader = new ResponseReader();
    child.stdout.on('data', (chunk: Buffer) => reader.push(chunk));
    child.stdin.end(encodeRequest(Buffer.alloc(0), 1000, 1024));
    await once(child, 'exit');
    assert.equal(reader.takeReady(), true);
    assert.deepEqual([reader.take()?.kind, reader.take()], ['spawn-failed', null]);
  });

  it('cuts responses that arrive in pieces, and rejects a stream that is not the watchdog', () => {
    const reader = new ResponseReader();
    const head = Buffer.alloc(24);
    head.write('NBR1');
    head.writeUInt32BE(0, 4);
    head.writeInt32BE(0, 8);
    head.writeUInt32BE(2, 16);
    head.writeUInt32BE(1, 20);
    const bytes = Buffer.concat([READY, head, Buffer.from('okE')]);
    for (const byte of bytes) reader.push(Buffer.from([byte]));
    assert.equal(reader.takeReady(), true);
    const response = reader.take();
    assert.deepEqual([response?.stdout.toString(), response?.stderr.toString()], ['ok', 'E']);
    const wrong = new ResponseReader();
    wrong.push(Buffer.from('Hello, world'));
    assert.throws(() => wrong.takeReady(), /did not start as expected/);
  });
});
