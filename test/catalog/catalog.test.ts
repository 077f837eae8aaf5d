import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
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
