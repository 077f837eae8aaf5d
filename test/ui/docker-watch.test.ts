/**
 * The console follows the Docker engine by an open event stream, not by polling: up while
 * the stream lasts, down when it ends, and asked again only while down.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { watchDocker } from '../../source/console/docker-watch.js';
import type { ServiceStatus } from '../../source/console/state.js';

const dir = mkdtempSync(join(tmpdir(), 'nebula-docker-watch-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A stand-in engine on a unix socket that counts its requests and holds /events open. */
function fakeEngine(socket: string) {
  const streams: ServerResponse[] = [];
  let requests = 0;
  const server: Server = createServer((req, res) => {
    requests++;
    assert.match(req.url ?? '', /^\/events\?filters=/);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.flushHeaders();
    streams.push(res);
  });
  return {
    listen: () => new Promise<void>((resolve) => server.listen(socket, resolve)),
    /** Ends every open stream and stops listening: the engine went away. */
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of streams.splice(0)) res.destroy();
        server.close(() => resolve());
      }),
    requests: () => requests,
  };
}

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('watchDocker', { timeout: 30_000 }, () => {
  it('says down when nothing listens, and up once the engine is there', async () => {
    const socket = join(dir, 'late.sock');
    const seen: ServiceStatus[] = [];
    const watch = watchDocker(`unix://${socket}`, (s) => seen.push(s), { retryMs: 50 });
    await until(() => seen.length > 0, 'a first answer');
    assert.equal(seen[0]?.state, 'down');
    assert.equal(seen[0]?.address, `unix://${socket}`);
    const engine = fakeEngine(socket);
    await engine.listen();
    await until(() => seen.at(-1)?.state === 'up', 'up');
    watch.stop();
    await engine.close();
  });

  it('asks nothing while the engine is up, and says down when its stream ends', async () => {
    const socket = join(dir, 'steady.sock');
    const engine = fakeEngine(socket);
    await engine.listen();
    const seen: ServiceStatus[] = [];
    const watch = watchDocker(`unix://${socket}`, (s) => seen.push(s), { retryMs: 20 });
    await until(() => seen.length > 0, 'a first answer');
    assert.deepEqual(seen, [{ state: 'up', address: `unix://${socket}`, detail: null }]);
    // Ten retry periods while up: no new request, no new status.
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(engine.requests(), 1);
    assert.equal(seen.length, 1);
    await engine.close();
    await until(() => seen.at(-1)?.state === 'down', 'down');
    watch.stop();
  });

  it('stops asking once stopped', async () => {
    const socket = join(dir, 'never.sock');
    const seen: ServiceStatus[] = [];
    const watch = watchDocker(`unix://${socket}`, (s) => seen.push(s), { retryMs: 20 });
    await until(() => seen.length > 0, 'a first answer');
    watch.stop();
    const count = seen.length;
    await new Promise((resolve) => setTimeout(resolve, 150));
    assert.equal(seen.length, count);
  });

  it('says up against the real engine (DOCKER_HOST, else the default socket)', async (t) => {
    const seen: ServiceStatus[] = [];
    const watch = watchDocker(undefined, (s) => seen.push(s));
    t.after(() => watch.stop());
    await until(() => seen.length > 0, 'a first answer');
    assert.equal(
      seen[0]?.state,
      'up',
      `no Docker engine answers at ${seen[0]?.address} (${seen[0]?.detail}): bash scripts/dockerd.sh start`,
    );
  });
});
