/**
 * `nebula deploy --wasm`: modules and components from outside the repository, accepted when
 * Nebula can give them every import, refused with the imports named otherwise, and nothing
 * installed by a refused one.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  componentEmbed,
  componentNew,
  parse,
  preview1AdapterCommandPath,
} from '@bytecodealliance/jco';
import { unavailableReason } from '../../source/catalog/availability.js';
import { defaultFunctionsDir } from '../../source/catalog/catalog.js';
import { Engine } from '../../source/engine/engine.js';
import { ImportError, importWasm } from '../../source/engine/import-wasm.js';
import { glueFallback } from '../../source/runtimes/wasm/transpile.js';

const CONFORMANCE = fileURLToPath(new URL('../../../test/fixtures/conformance/', import.meta.url));
const CLI = fileURLToPath(new URL('../../source/cli/nebula.js', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'nebula-byo-'));
const functionsDir = join(scratch, 'functions');
cpSync(join(defaultFunctionsDir(), 'hello'), join(functionsDir, 'hello'), { recursive: true });
rmSync(join(functionsDir, 'hello', 'build', 'jco'), { recursive: true, force: true });
const engines: Engine[] = [];
after(async () => {
  await Promise.all(engines.map((engine) => engine.close()));
  rmSync(scratch, { recursive: true, force: true });
});

const newEngine = () => {
  const engine = new Engine({ functionsDir });
  engines.push(engine);
  return engine;
};
const probe = (name: string, file: string) => join(CONFORMANCE, name, 'build', file);
const userDir = join(functionsDir, 'user');
const write = (name: string, bytes: Uint8Array) => {
  const path = join(scratch, name);
  writeFileSync(path, bytes);
  return path;
};
const refused = async (request: Parameters<typeof importWasm>[0], pattern: RegExp) => {
  const before = existsSync(userDir) ? readdirSync(userDir).sort() : [];
  await assert.rejects(importWasm(request, newEngine().catalog, functionsDir), (error: Error) => {
    assert.ok(error instanceof ImportError, error.stack);
    assert.match(error.message, pattern);
    return true;
  });
  assert.deepEqual(
    existsSync(userDir) ? readdirSync(userDir).sort() : [],
    before,
    'a refused import left files',
  );
};

describe('bring your own Wasm', { timeout: 120_000 }, () => {
  it('takes a preview1 command module, wraps it, and runs it on both Wasm runtimes', async () => {
    const outcome = await importWasm(
      { path: probe('c-probe', 'c-probe.wasm'), name: 'mine' },
      newEngine().catalog,
      functionsDir,
    );
    assert.equal(outcome.kind, 'module');
    assert.equal(outcome.fn.dir, join(userDir, 'mine'));
    assert.equal(outcome.glueFallback, null);
    const engine = newEngine();
    const fn = engine.fn('mine');
    assert.equal(fn.origin, 'user');
    assert.equal(glueFallback(fn), null);
    for (const runtime of ['wasm', 'wasm-p1'] as const) {
      const result = await engine.invoke('mine', runtime, { input: 'args', mode: 'cold' });
      assert.equal(result.output, 'args 1 mine\n', `${runtime}: ${result.error}`);
    }
    assert.match(unavailableReason(fn.manifest, 'container') ?? '', /no native binary/);
  });

  it('takes a command component, and its preview1 module for wasm-p1', async () => {
    const outcome = await importWasm(
      { path: probe('as-probe', 'as-probe.component.wasm'), name: 'theirs', memoryMb: 32 },
      newEngine().catalog,
      functionsDir,
    );
    assert.equal(outcome.kind, 'component');
    const engine = newEngine();
    assert.equal(engine.fn('theirs').manifest.memoryMb, 32);
    for (const runtime of ['wasm', 'wasm-p1'] as const) {
      const result = await engine.invoke('theirs', runtime, { input: 'echo ok', mode: 'warm' });
      assert.equal(result.output, 'ok', `${runtime}: ${result.error}`);
    }
  });

  it('takes a folder with a manifest, keeping its settings', async () => {
    const folder = join(scratch, 'folder');
    mkdirSync(folder);
    cpSync(probe('rust-probe', 'rust-probe.wasm'), join(folder, 'probe.wasm'));
    const manifest = JSON.parse(
      readFileSync(join(CONFORMANCE, 'rust-probe', 'function.json'), 'utf8'),
    );
    writeFileSync(
      join(folder, 'function.json'),
      JSON.stringify({ ...manifest, name: 'folded', timeoutMs: 1234 }),
    );
    await importWasm({ path: folder }, newEngine().catalog, functionsDir);
    const engine = newEngine();
    assert.equal(engine.fn('folded').manifest.timeoutMs, 1234);
    assert.equal(engine.fn('folded').manifest.language, 'wasm');
    const result = await engine.invoke('folded', 'wasm', { input: 'env', mode: 'cold' });
    assert.equal(result.output, 'env 0\n', result.error ?? '');
  });

  it('refuses a module whose imports Nebula cannot satisfy, naming each', async () => {
    const module = await parse(`(module
      (import "env" "abort" (func (param i32 i32 i32 i32)))
      (import "wasi_unstable" "fd_write" (func (param i32 i32 i32 i32) (result i32)))
      (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))
      (memory (export "memory") 1)
      (func (export "_start")))`);
    await refused(
      { path: write('imports.wasm', module), name: 'imports' },
      /cannot satisfy: env abort \(function\), wasi_unstable fd_write \(function\); build it as a WASI preview1 command/,
    );
  });

  it('refuses a component importing an interface the runtime does not have, naming it', async () => {
    const core = await parse(`(module
      (import "my:host/greet" "hello" (func $hello))
      (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
      (memory (export "memory") 1)
      (func (export "_start") (call $hello) (call $exit (i32.const 0))))`);
    const embedded = await componentEmbed({
      binary: core,
      witSource:
        'package my:host;\ninterface greet { hello: func(); }\nworld w { import greet; }\n',
      world: 'w',
    });
    const adapter = readFileSync(preview1AdapterCommandPath());
    const component = await componentNew(embedded, [['wasi_snapshot_preview1', adapter]]);
    await refused(
      { path: write('greet.component.wasm', component), name: 'greet' },
      /cannot satisfy: my:host\/greet/,
    );
  });

  it('refuses what is not a command, not Wasm, or not allowed as a name', async () => {
    const reactor = await parse(
      `(module (memory (export "memory") 1) (func (export "_initialize")))`,
    );
    await refused(
      { path: write('reactor.wasm', reactor), name: 'reactor' },
      /no _start export: not a WASI command/,
    );
    await refused(
      { path: write('text.wasm', new TextEncoder().encode('hello')), name: 'text' },
      /not a Wasm module or component/,
    );
    await refused({ path: join(scratch, 'missing.wasm'), name: 'missing' }, /no such file/);
    const wasm = probe('c-probe', 'c-probe.wasm');
    await refused({ path: wasm }, /--name is required with a file.*--name c-probe/);
    await refused({ path: wasm, name: 'hello' }, /"hello" is a built-in function/);
    await refused({ path: wasm, name: 'Not_A_Name' }, /lowercase letters, digits and dashes/);
    await refused({ path: wasm, name: 'tiny', timeoutMs: 0 }, /timeoutMs/);
  });

  it('nebula deploy --wasm installs and deploys; a refusal exits 2 with the reason', () => {
    const env = { ...process.env, NEBULA_FUNCTIONS_DIR: functionsDir };
    const nebula = (...args: string[]) =>
      spawnSync(process.execPath, ['--no-turbo-fast-api-calls', CLI, ...args], {
        encoding: 'utf8',
        env,
        timeout: 60_000,
      });
    const ok = nebula(
      'deploy',
      '--wasm',
      probe('wat-shapes', 'wat-shapes.wasm'),
      '--name',
      'shapes',
      '--runtime',
      'wasm,wasm-p1',
    );
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /imported shapes \(a module\)/);
    assert.match(ok.stdout, /shapes\s+wasm\s+\S+\s+[\d.]+ s direct bindings/);
    const run = nebula('invoke', 'shapes', '--runtime', 'wasm', '--input', 'round trip', '--json');
    assert.equal(run.status, 0, run.stderr);
    assert.equal(JSON.parse(run.stdout).output, 'round trip');
    const bad = nebula('deploy', '--wasm', join(scratch, 'text.wasm'), '--name', 'text');
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /not a Wasm module or component/);
    const both = nebula('deploy', 'hello', '--wasm', join(scratch, 'text.wasm'));
    assert.equal(both.status, 2);
    assert.match(both.stderr, /function names or --wasm PATH, not both/);
  });
});
