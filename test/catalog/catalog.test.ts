import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { unavailableReason } from '../../source/catalog/availability.js';
import { defaultFunctionsDir, loadCatalog } from '../../source/catalog/catalog.js';
import { Engine } from '../../source/engine/engine.js';

const scratch = mkdtempSync(join(tmpdir(), 'nebula-catalog-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

describe('catalog', () => {
  it('loads every function of the repository with its artifacts', () => {
    const catalog = loadCatalog();
    const names = catalog.functions.map((fn) => fn.name);
    for (const name of [
      'hello',
      'fibonacci-recursive',
      'exponential',
      'factorial',
      'prime-number',
      'sha256',
    ]) {
      assert.ok(names.includes(name), `${name} missing from ${names.join(', ')}`);
    }
    assert.deepEqual(catalog.problems, []);
  });

  it("knows each function's language, Rust first, and which runtimes can never run it", () => {
    const catalog = loadCatalog();
    const builtIn = catalog.functions.filter((fn) => fn.origin === 'built-in');
    const languages = builtIn.map((fn) => fn.manifest.language);
    assert.deepEqual([...new Set(languages)], ['rust', 'c', 'assemblyscript']);
    for (const name of [
      'hello',
      'fibonacci-recursive',
      'exponential',
      'factorial',
      'prime-number',
    ]) {
      assert.equal(catalog.get(`c-${name}`).manifest.language, 'c');
      assert.equal(unavailableReason(catalog.get(`c-${name}`).manifest, 'container'), null);
    }
    for (const name of ['as-hello', 'as-fibonacci-recursive']) {
      const fn = catalog.get(name);
      assert.match(unavailableReason(fn.manifest, 'container') ?? '', /Wasm only/);
      assert.equal(unavailableReason(fn.manifest, 'wasm'), null);
      assert.equal(existsSync(fn.componentPath) && existsSync(fn.wasmPath), true);
    }
  });

  it('adds user functions after the built-in ones; a user function cannot shadow one', () => {
    const dir = join(scratch, 'with-users');
    cpSync(join(defaultFunctionsDir(), 'hello'), join(dir, 'hello'), { recursive: true });
    cpSync(join(defaultFunctionsDir(), 'hello'), join(dir, 'user', 'hello'), { recursive: true });
    cpSync(join(defaultFunctionsDir(), 'hello'), join(dir, 'user', 'mine'), { recursive: true });
    const mine = JSON.parse(readFileSync(join(dir, 'user', 'mine', 'function.json'), 'utf8'));
    writeFileSync(
      join(dir, 'user', 'mine', 'function.json'),
      JSON.stringify({
        ...mine,
        name: 'mine',
        language: 'wasm',
        unavailable: { 'wasm-p1': 'because' },
      }),
    );
    const catalog = loadCatalog(dir);
    assert.deepEqual(
      catalog.functions.map((fn) => `${fn.name}:${fn.origin}`),
      ['hello:built-in', 'mine:user'],
    );
    assert.match(
      catalog.problems.join('\n'),
      /user[/\\]hello: a function named "hello" already exists/,
    );
    assert.equal(unavailableReason(catalog.get('mine').manifest, 'wasm-p1'), 'because');
  });

  it('reports a malformed manifest by file and field, and keeps the other functions', async () => {
    const dir = join(scratch, 'functions');
    cpSync(join(defaultFunctionsDir(), 'hello'), join(dir, 'hello'), { recursive: true });
    cpSync(join(defaultFunctionsDir(), 'hello'), join(dir, 'broken'), { recursive: true });
    writeFileSync(
      join(dir, 'broken', 'function.json'),
      JSON.stringify({ name: 'broken', timeoutMs: -1 }),
    );
    cpSync(join(defaultFunctionsDir(), 'hello'), join(dir, 'notjson'), { recursive: true });
    writeFileSync(join(dir, 'notjson', 'function.json'), '{"name": ');

    const catalog = loadCatalog(dir);
    assert.deepEqual(
      catalog.functions.map((fn) => fn.name),
      ['hello'],
    );
    const text = catalog.problems.join('\n');
    assert.match(text, /broken[/\\]function\.json: invalid manifest/);
    assert.match(text, /timeoutMs: /);
    assert.match(text, /description: /);
    assert.match(text, /notjson[/\\]function\.json: not valid JSON/);

    const engine = new Engine({ functionsDir: dir });
    try {
      const result = await engine.invoke('hello', 'wasm-p1', { input: '', mode: 'cold' });
      assert.equal(result.ok, true, result.error ?? '');
    } finally {
      await engine.close();
    }
  });
});
