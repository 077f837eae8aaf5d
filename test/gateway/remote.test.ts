import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { InvocationResult } from '../../source/core/invocation.js';
import { wasiNodeFlags } from '../../source/core/node-support.js';
import { Engine } from '../../source/engine/engine.js';
import { loadProfile } from '../../source/profiles/load.js';
import { subscribeEvents } from '../../source/remote/event-client.js';
import { RemoteEngine, type RemoteInvocationResult } from '../../source/remote/remote-engine.js';
import { createEngineForProfile } from '../../source/target/engine-for-profile.js';
import { startGateway } from './http.js';

const run = promisify(execFile);
const NEBULA = fileURLToPath(new URL('../../source/cli/nebula.js', import.meta.url));
const TOKEN = 'remote-test-token';

/** `nebula ARGS...` in a child process; resolves with its exit code and output, never throws. */
async function nebula(args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await run(process.execPath, [...wasiNodeFlags(), NEBULA, ...args], {
      env: { ...process.env, ...env },
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('RemoteEngine and gateway profiles', { timeout: 120_000 }, () => {
  let server: Awaited<ReturnType<typeof startGateway>>;
  let dir: string;
  let profilePath: string;
  const served: InvocationResult[] = [];
  before(async () => {
    server = await startGateway({ token: TOKEN });
    server.engine.on('invocation', (result) => served.push(result));
    dir = mkdtempSync(join(tmpdir(), 'nebula-remote-'));
    profilePath = join(dir, 'loopback.json');
    writeFileSync(
      profilePath,
      JSON.stringify({
        name: 'loopback',
        label: 'a gateway on this machine',
        target: { kind: 'gateway', url: server.url, token: TOKEN },
      }),
    );
  });
  after(async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('picks the engine by the profile target', async () => {
    const local = await createEngineForProfile(loadProfile('local'));
    assert.ok(local instanceof Engine);
    await local.close();
    const remote = await createEngineForProfile(loadProfile(profilePath));
    assert.ok(remote instanceof RemoteEngine);
    assert.ok(remote.catalog.functions.some((fn) => fn.name === 'hello'));
    await remote.close();
  });

  it('invokes through the gateway with the server phases and the client round trip', async () => {
    const remote = await RemoteEngine.connect({ url: server.url, token: TOKEN });
    const seen: RemoteInvocationResult[] = [];
    remote.on('invocation', (result) => seen.push(result));
    try {
      for (const runtime of ['wasm', 'wasm-p1']) {
        const before = served.length;
        const result = await remote.invoke('fibonacci-recursive', runtime, {
          input: '15',
          mode: 'warm',
        });
        assert.equal(result.ok, true, result.error ?? '');
        assert.equal(result.output.trim(), '610');
        assert.equal(result.runtime, runtime);
        assert.equal(served.length, before + 1, 'it ran on the server');
        assert.equal(served.at(-1)?.acceptedAtNs, result.acceptedAtNs);
        // The round trip encloses the server's whole invocation.
        assert.ok(result.clientRoundTripMs >= result.timings.totalMs, JSON.stringify(result));
      }
      assert.equal(seen.length, 2);
    } finally {
      await remote.close();
    }
  });

  it('follows the invocations of another client through the event stream', async () => {
    const watched: InvocationResult[] = [];
    let seenTwo: () => void = () => {};
    const two = new Promise<void>((resolve) => {
      seenTwo = resolve;
    });
    const events = subscribeEvents(server.url, TOKEN, {
      invocation(result) {
        watched.push(result);
        if (watched.length === 2) seenTwo();
      },
    });
    await events.opened;
    const remote = await RemoteEngine.connect({ url: server.url, token: TOKEN });
    try {
      const first = await remote.invoke('hello', 'wasm-p1', { input: '', mode: 'warm' });
      const second = await remote.invoke('factorial', 'wasm', { input: '5', mode: 'cold' });
      await two;
      assert.deepEqual(
        watched.map((result) => result.acceptedAtNs),
        [first.acceptedAtNs, second.acceptedAtNs],
      );
      assert.equal(watched[1]?.function, 'factorial');
    } finally {
      events.close();
      await events.closed;
      await remote.close();
    }
    const refused = subscribeEvents(server.url, 'wrong', { invocation() {} });
    await assert.rejects(refused.opened, /refused the event stream \(403\)/);
  });

  it('says what is wrong with a token, a name, or an address', async () => {
    await assert.rejects(RemoteEngine.connect({ url: server.url }), {
      name: 'UsageError',
      message: /refused to list functions \(401\).*NEBULA_TOKEN/,
    });
    await assert.rejects(RemoteEngine.connect({ url: server.url, token: 'wrong' }), {
      message: /refused to list functions \(403\): wrong token/,
    });
    const remote = await RemoteEngine.connect({ url: server.url, token: TOKEN });
    try {
      await assert.rejects(remote.invoke('nope', 'wasm', { input: '', mode: 'cold' }), {
        name: 'UsageError',
        message: /unknown function "nope" on http:\/\/127\.0\.0\.1:\d+; known functions: .*hello/,
      });
      await assert.rejects(remote.invoke('hello', 'docker', { input: '', mode: 'cold' }), {
        message: /unknown runtime "docker"; choose one of wasm, wasm-p1, container/,
      });
    } finally {
      await remote.close();
    }
    const closed = await startGateway();
    await closed.stop();
    await assert.rejects(RemoteEngine.connect({ url: closed.url }), {
      message: new RegExp(`cannot reach gateway ${closed.url}: .*ECONNREFUSED.*nebula serve`),
    });
  });

  it('runs `nebula invoke --json` against a gateway profile', async () => {
    const before = served.length;
    const out = await nebula([
      'invoke',
      'hello',
      '--runtime',
      'wasm-p1',
      '--mode',
      'warm',
      '--json',
      '--profile',
      profilePath,
    ]);
    assert.equal(out.code, 0, out.stderr);
    const result = JSON.parse(out.stdout);
    assert.equal(result.function, 'hello');
    assert.equal(result.ok, true);
    assert.equal(typeof result.clientRoundTripMs, 'number');
    assert.equal(served.length, before + 1);
    assert.equal(served.at(-1)?.acceptedAtNs, result.acceptedAtNs);
  });

  it('runs `nebula bench` against a gateway profile', async () => {
    const before = served.length;
    const out = await nebula([
      'bench',
      '--functions',
      'hello',
      '--runtimes',
      'wasm,wasm-p1',
      '--mode',
      'warm',
      '-n',
      '3',
      '--warmup',
      '1',
      '--json',
      '--no-log',
      '--profile',
      profilePath,
    ]);
    assert.equal(out.code, 0, out.stderr);
    assert.equal(
      served.length - before,
      8,
      'each invocation, warm-ups included, ran on the server',
    );
    assert.ok(out.stdout.includes('"hello"'), out.stdout);
  });

  it('refuses a gateway profile without the token the gateway wants', async () => {
    const bare = join(dir, 'bare.json');
    writeFileSync(
      bare,
      JSON.stringify({ name: 'bare', label: 'x', target: { kind: 'gateway', url: server.url } }),
    );
    const out = await nebula(['invoke', 'hello', '--profile', bare], { NEBULA_TOKEN: '' });
    assert.equal(out.code, 2);
    assert.match(out.stderr, /refused to list functions \(401\)/);
    const fromEnv = await nebula(['invoke', 'hello', '--runtime', 'wasm-p1', '--profile', bare], {
      NEBULA_TOKEN: TOKEN,
    });
    assert.equal(fromEnv.code, 0, fromEnv.stderr);
  });
});
