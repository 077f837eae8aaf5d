/**
 * The gateway's doors: a web page's request (foreign Host or any Origin) is refused, a
 * command-line client with the right Host gets through, allowed names and origins are
 * configurable, and slow clients are cut.
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { hostName } from '../../source/gateway/doors.js';
import { CRASH, nebula, until } from '../faults/cli.js';
import { bearer, call, startGateway } from './http.js';

const ATTACK = {
  host: 'attacker.example',
  origin: 'http://attacker.example',
  'content-type': 'text/plain',
};

describe('the gateway doors', { timeout: 60_000 }, () => {
  let server: Awaited<ReturnType<typeof startGateway>>;
  let port: string;
  before(async () => {
    server = await startGateway();
    port = new URL(server.url).port;
  });
  after(() => server.stop());

  const invoke = (headers: Record<string, string>) =>
    call(`${server.url}/functions/hello/invoke?runtime=wasm`, { method: 'POST', headers });

  it('refuses the cross-site request of a web page with 403, saying why', async () => {
    const reply = await invoke(ATTACK);
    assert.equal(reply.status, 403);
    assert.match(reply.json.error, /Host "attacker.example" is not one this gateway serves/);
  });

  it('refuses a rebound name (foreign Host, no Origin) and a page on a loopback name', async () => {
    const rebound = await invoke({ host: `attacker.example:${port}` });
    assert.equal(rebound.status, 403);
    const page = await invoke({ host: `localhost:${port}`, origin: 'http://attacker.example' });
    assert.equal(page.status, 403);
    assert.match(page.json.error, /requests from web pages are refused.*--allow-origin/);
    const health = await call(`${server.url}/health`, { headers: { host: 'attacker.example' } });
    assert.equal(health.status, 403, 'even /health tells a foreign page nothing');
  });

  it('answers the same request with the right Host and no Origin', async () => {
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, 'localhost', `[::1]:${port}`]) {
      const reply = await invoke({ host, 'content-type': 'text/plain' });
      assert.equal(reply.status, 200, `${host}: ${reply.text}`);
      assert.equal(reply.json.ok, true);
    }
  });

  it('refuses a request with two Host headers, whichever comes first', async () => {
    for (const hosts of [
      [`127.0.0.1:${port}`, 'attacker.example'],
      ['attacker.example', `127.0.0.1:${port}`],
    ]) {
      const socket = connect(Number(port), '127.0.0.1');
      let answer = '';
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => {
        answer += chunk;
      });
      const closed = new Promise((resolve) => socket.on('close', resolve));
      socket.write(
        `GET /functions HTTP/1.1\r\nHost: ${hosts[0]}\r\nHost: ${hosts[1]}\r\nConnection: close\r\n\r\n`,
      );
      await closed;
      assert.match(answer, /^HTTP\/1\.1 400 /, answer);
      assert.match(answer, /more than one host header/);
    }
  });

  it('answers /health at once past 1,024 idle connections, cutting the oldest idle one', async () => {
    const idle = await Promise.all(
      Array.from(
        { length: 1030 },
        () =>
          new Promise<import('node:net').Socket>((resolve, reject) => {
            const socket = connect(Number(port), '127.0.0.1', () => resolve(socket));
            socket.on('error', reject);
          }),
      ),
    );
    const cut = idle.map((socket) => new Promise<void>((resolve) => socket.on('close', resolve)));
    try {
      // Headers time out only after 10 s: an answer now means an idle connection made room.
      const health = await call(`${server.url}/health`);
      assert.equal(health.status, 200);
      assert.equal(health.json.status, 'ok');
      // The first ones were the ones cut: the oldest idle connections.
      await Promise.race([cut[0], cut[5]]);
      assert.ok(idle[0]?.destroyed || idle[0]?.readableEnded);
    } finally {
      for (const socket of idle) socket.destroy();
    }
  });

  it('cuts a client that sends its headers too slowly', async () => {
    const slow = await startGateway({ timeouts: { headersMs: 300, requestMs: 600 } });
    try {
      const socket = connect(Number(new URL(slow.url).port), '127.0.0.1');
      let answer = '';
      socket.on('data', (chunk) => {
        answer += chunk;
      });
      const closed = new Promise((resolve) => socket.on('close', resolve));
      socket.write('GET /health HTTP/1.1\r\nHost: localhost\r\nX-Slow: ');
      await closed;
      assert.match(answer, /^HTTP\/1\.1 408/);
    } finally {
      await slow.stop();
    }
  });
});

describe('the gateway doors, configured', { timeout: 60_000 }, () => {
  let server: Awaited<ReturnType<typeof startGateway>>;
  before(async () => {
    server = await startGateway({
      allowHosts: ['nebula.lan'],
      allowOrigins: ['http://dashboard.lan:3000'],
    });
  });
  after(() => server.stop());

  it('answers an allowed Host name and an allowed origin, with CORS headers', async () => {
    const named = await call(`${server.url}/health`, { headers: { host: 'nebula.lan:8080' } });
    assert.equal(named.status, 200);
    const page = await call(`${server.url}/functions/hello/invoke?runtime=wasm`, {
      method: 'POST',
      headers: { host: 'nebula.lan', origin: 'http://dashboard.lan:3000' },
    });
    assert.equal(page.status, 200, page.text);
    assert.equal(page.headers['access-control-allow-origin'], 'http://dashboard.lan:3000');
    const preflight = await call(`${server.url}/functions/hello/invoke`, {
      method: 'OPTIONS',
      headers: { host: 'nebula.lan', origin: 'http://dashboard.lan:3000' },
    });
    assert.equal(preflight.status, 204);
    const other = await call(`${server.url}/health`, {
      headers: { host: 'nebula.lan', origin: 'http://dashboard.lan:4000' },
    });
    assert.equal(other.status, 403);
  });

  it('reads Host names as browsers and proxies write them', () => {
    assert.equal(hostName('Example.ORG:8080'), 'example.org');
    assert.equal(hostName('[::1]:80'), '::1');
    assert.equal(hostName('localhost.'), 'localhost');
    assert.equal(hostName('127.0.0.1'), '127.0.0.1');
  });
});

describe('nebula serve: tokens and limits', { timeout: 60_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'nebula-doors-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const env = { ...process.env, NEBULA_TOKEN: '' };

  it('answers the curl of a web page with 403 and the same without it with 200', async () => {
    const served = nebula(['serve', '--port', '0'], env);
    try {
      await until(
        () => /nebula gateway on/.test(served.stdout()),
        () => served.stderr(),
      );
      const url = /nebula gateway on (\S+)/.exec(served.stdout())?.[1] as string;
      const attack = await call(`${url}/functions/hello/invoke?runtime=wasm`, {
        method: 'POST',
        headers: ATTACK,
      });
      assert.equal(attack.status, 403);
      const plain = await call(`${url}/functions/hello/invoke?runtime=wasm`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain' },
      });
      assert.equal(plain.status, 200);
    } finally {
      served.child.kill('SIGTERM');
      const end = await served.done;
      assert.equal(end.code, 143);
      assert.doesNotMatch(end.stderr, CRASH);
    }
  });

  it('reads the token from a file, and warns that --token shows in ps', async () => {
    const file = join(dir, 'token');
    writeFileSync(file, 's3cret-from-file\n');
    chmodSync(file, 0o600);
    const served = nebula(['serve', '--port', '0', '--token-file', file], env);
    try {
      await until(
        () => /nebula gateway on/.test(served.stdout()),
        () => served.stderr(),
      );
      const url = /nebula gateway on (\S+)/.exec(served.stdout())?.[1] as string;
      assert.equal((await call(`${url}/functions`)).status, 401);
      assert.equal((await call(`${url}/functions`, { headers: bearer('wrong') })).status, 403);
      const ok = await call(`${url}/functions`, { headers: bearer('s3cret-from-file') });
      assert.equal(ok.status, 200);
      assert.doesNotMatch(served.stderr(), /warning/);
    } finally {
      served.child.kill('SIGTERM');
      await served.done;
    }
    const argv = nebula(['serve', '--port', '0', '--token', 'abc'], env);
    await until(
      () => /nebula gateway on/.test(argv.stdout()),
      () => argv.stderr(),
    );
    argv.child.kill('SIGTERM');
    const end = await argv.done;
    assert.match(end.stderr, /--token is visible to every user in `ps`; prefer --token-file/);
  });

  it('refuses an empty token file, a missing one, and both token options at once', async () => {
    const empty = join(dir, 'empty');
    writeFileSync(empty, '\n');
    const cases: Array<[string[], RegExp]> = [
      [['--token-file', empty], /--token-file .*empty must hold one token on one line/],
      [['--token-file', join(dir, 'nope')], /cannot read --token-file .*nope: ENOENT/],
      [['--token-file', empty, '--token', 'x'], /give --token-file or --token, not both/],
      [['--allow-origin', 'not an origin'], /--allow-origin "not an origin" is not an origin/],
    ];
    for (const [args, message] of cases) {
      const end = await nebula(['serve', '--port', '0', ...args], env).done;
      assert.equal(end.code, 2, end.stderr);
      assert.match(end.stderr, message);
    }
  });

  it('refuses a --max-concurrency this machine cannot run, naming the limit', async () => {
    const end = await nebula(['serve', '--port', '0', '--max-concurrency', '10000'], env).done;
    assert.equal(end.code, 2);
    assert.match(
      end.stderr,
      /--max-concurrency 10000 is more than this machine can run at once: at most \d+ \(4 per core, \d+ cores\)/,
    );
  });
});
