/**
 * A gateway's catalog, deploy, sizes and bring-your-own Wasm answer as the same commands do
 * on that machine: n/a runtimes with their reason, variants' rules, the gateway's own files;
 * and its target routes stand behind the same doors and token as invoke.
 */
import assert from 'node:assert/strict';
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Engine } from '../../source/engine/engine.js';
import { Gateway } from '../../source/gateway/server.js';
import { RemoteEngine } from '../../source/remote/remote-engine.js';
import { nebula } from '../faults/cli.js';
import { call } from '../gateway/http.js';

const FUNCTIONS = fileURLToPath(new URL('../../../functions', import.meta.url));
const TOKEN = 'vm-token';

/** A function folder without its deploy output (build/jco), as a fresh machine has it. */
function copyFunction(name: string, into: string): void {
  const to = join(into, name);
  mkdirSync(join(to, 'build'), { recursive: true });
  cpSync(join(FUNCTIONS, name, 'function.json'), join(to, 'function.json'));
  for (const file of readdirSync(join(FUNCTIONS, name, 'build'))) {
    if (file !== 'jco') cpSync(join(FUNCTIONS, name, 'build', file), join(to, 'build', file));
  }
}

describe('a gateway catalog, deploy, sizes and imports', { timeout: 120_000 }, () => {
  const root = mkdtempSync(join(tmpdir(), 'nebula-remote-catalog-'));
  const functionsDir = join(root, 'functions');
  let engine: Engine;
  let gateway: Gateway;
  let remote: RemoteEngine;
  let url = '';
  before(async () => {
    for (const name of ['hello', 'as-hello']) copyFunction(name, functionsDir);
    engine = new Engine({ functionsDir });
    gateway = new Gateway({ engine, token: TOKEN });
    url = (await gateway.listen(0, '127.0.0.1')).url;
    remote = await RemoteEngine.connect({ url, token: TOKEN });
  });
  after(async () => {
    await remote?.close();
    await gateway?.close();
    await engine?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('marks a runtime that can never run a function n/a with its reason, as locally', async () => {
    const there = await remote.functionStates(['wasm', 'wasm-p1']);
    assert.deepEqual(there, await engine.functionStates(['wasm', 'wasm-p1']));
    const states = await remote.functionStates(['wasm', 'container']);
    const as = states.find((fn) => fn.name === 'as-hello');
    assert.equal(as?.deployed.container, 'n/a');
    assert.match(as?.unavailable.container ?? '', /AssemblyScript compiles to Wasm only/);
    assert.deepEqual(Object.keys(as?.deployed ?? {}), ['wasm', 'container'], 'in the order asked');
    assert.equal(states.find((fn) => fn.name === 'hello')?.unavailable.container, undefined);

    const rows = await remote.deploy(['as-hello'], ['wasm', 'container']);
    assert.deepEqual(
      rows.map((row) => [row.runtime, row.state, row.ok]),
      [
        ['wasm', 'built', true],
        ['container', 'n/a', true],
      ],
    );
    assert.match(rows[1]?.detail ?? '', /AssemblyScript compiles to Wasm only/);
    // The glue note travels with the row: which path runs the component there.
    assert.match(rows[0]?.detail ?? '', /direct bindings|runs on jco's glue/);
    const after = await remote.functionStates(['wasm']);
    assert.equal(after.find((fn) => fn.name === 'as-hello')?.deployed.wasm, true);

    await assert.rejects(
      remote.deploy(['hello'], ['wasm', 'container'], { variant: 'base=debian' }),
      /--variant belongs to one runtime/,
    );
    // A factor the runtime lacks is refused there before anything is built, naming it.
    await assert.rejects(
      remote.deploy(['hello'], ['wasm'], { variant: 'base=debian' }),
      (error: Error) => error.name === 'UsageError' && /\(400\): .*base/.test(error.message),
    );
  });

  it('lists n/a and its reason in `nebula functions` and `nebula check` on a gateway profile', async () => {
    const profile = join(root, 'vm.json');
    writeFileSync(
      profile,
      JSON.stringify({
        name: 'vm',
        label: 'in-process gateway',
        target: { kind: 'gateway', url, token: TOKEN },
      }),
    );
    const listed = await nebula(['functions', '--profile', profile]).done;
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, /as-hello\s+wasm:(yes|no) wasm-p1:(yes|no) container:n\/a/);
    assert.match(
      listed.stdout,
      /as-hello on container\s+n\/a: AssemblyScript compiles to Wasm only/,
    );
    assert.match(listed.stderr, /functions on .* through the gateway http:\/\/127\.0\.0\.1:\d+/);
    const checked = await nebula([
      'check',
      'as-hello',
      '--runtimes',
      'wasm,container',
      '--profile',
      profile,
    ]).done;
    assert.equal(checked.code, 0, checked.stdout + checked.stderr);
    assert.match(checked.stderr, /checking on .* through the gateway http:\/\/127\.0\.0\.1:\d+/);
    assert.match(
      checked.stdout,
      /as-hello on container: n\/a \(AssemblyScript compiles to Wasm only/,
    );
    assert.match(checked.stdout, /check: all 3 runs gave the expected output/);
    const sizes = await nebula(['functions', '--sizes', '--json', '--profile', profile]).done;
    assert.equal(sizes.code, 0, sizes.stderr);
    const table = JSON.parse(sizes.stdout) as Record<string, { wasm: number | null }>;
    assert.deepEqual(Object.keys(table).sort(), ['as-hello', 'hello']);
    assert.equal(
      table.hello?.wasm,
      statSync(join(functionsDir, 'hello', 'build', 'hello.wasm')).size,
      "the gateway's own file",
    );
  });

  it('imports a Wasm module brought from here, deploys and runs it there', async () => {
    const module = join(FUNCTIONS, 'hello', 'build', 'hello.wasm');
    const imported = await remote.importWasm({ path: module, name: 'my-hello' });
    assert.equal(imported.name, 'my-hello');
    assert.equal(imported.kind, 'module');
    try {
      assert.ok(remote.fn('my-hello'), 'the client sees it at once');
      // The import already transpiled it there; a container has no binary to run.
      const rows = await remote.deploy(['my-hello'], ['wasm', 'container']);
      assert.deepEqual(
        rows.map((row) => row.state),
        ['unchanged', 'n/a'],
      );
      const result = await remote.invoke('my-hello', 'wasm', { input: '', mode: 'cold' });
      assert.equal(result.ok, true, result.error ?? '');
      assert.ok(result.clientRoundTripMs >= result.timings.totalMs);

      await assert.rejects(
        remote.importWasm({ path: module, name: 'hello' }),
        /gateway http:\/\/127\.0\.0\.1:\d+ could not import .*hello\.wasm \(400\): "hello" is a built-in function; choose another --name/,
      );
      await assert.rejects(
        remote.importWasm({ path: join(root, 'nothing.wasm'), name: 'x' }),
        /nothing\.wasm: no such file or folder/,
      );
    } finally {
      rmSync(imported.dir, { recursive: true, force: true });
    }
  });

  it('keeps its target routes behind the doors and the token', async () => {
    const port = new URL(url).port;
    const routes: Array<[string, string]> = [
      ['GET', '/catalog'],
      ['GET', '/machine'],
      ['GET', '/power'],
      ['GET', '/sizes'],
      ['POST', '/deploy'],
      ['POST', '/import'],
    ];
    const auth = { authorization: `Bearer ${TOKEN}` };
    for (const [method, path] of routes) {
      const foreign = await call(`${url}${path}`, {
        method,
        headers: { ...auth, host: 'attacker.example' },
      });
      assert.equal(foreign.status, 403, `${path}: a foreign Host`);
      const page = await call(`${url}${path}`, {
        method,
        headers: { ...auth, host: `localhost:${port}`, origin: 'http://attacker.example' },
      });
      assert.equal(page.status, 403, `${path}: a web page`);
      assert.match(page.json.error, /requests from web pages are refused/);
      const anonymous = await call(`${url}${path}`, { method });
      assert.equal(anonymous.status, 401, `${path}: no token`);
      const wrong = await call(`${url}${path}`, {
        method,
        headers: { authorization: 'Bearer nope' },
      });
      assert.equal(wrong.status, 403, `${path}: a wrong token`);
      const other = method === 'GET' ? 'POST' : 'GET';
      const verb = await call(`${url}${path}`, { method: other, headers: auth });
      assert.equal(verb.status, 405, `${path}: ${other}`);
    }
    const catalog = await call(`${url}/catalog?runtimes=wasm`, { headers: auth });
    assert.equal(catalog.status, 200);
    const bad = await call(`${url}/import`, { method: 'POST', headers: auth, body: '{"path": 1}' });
    assert.equal(bad.status, 400);
    assert.match(bad.json.error, /path: required text/);
  });
});
