/**
 * Output per invocation is bounded by the manifest's outputLimitBytes on every runtime:
 * past it the run fails as output-limit, and what was kept stays within the limit.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadCatalog } from '../../source/catalog/catalog.js';
import { DEFAULT_OUTPUT_LIMIT_BYTES } from '../../source/catalog/manifest.js';
import { RUNTIME_NAMES } from '../../source/core/invocation.js';
import { Engine } from '../../source/engine/engine.js';
import { requireEngine } from '../container/helpers.js';

const FUNCTIONS = fileURLToPath(new URL('../../../functions', import.meta.url));
const LIMIT = 1024;
const dir = mkdtempSync(join(tmpdir(), 'nebula-output-limit-'));

/** factorial with a 1 KiB output limit: 1000! has 2568 digits, 100! has 158. */
function limitedCatalogDir(): string {
  cpSync(join(FUNCTIONS, 'factorial'), join(dir, 'factorial'), { recursive: true });
  const path = join(dir, 'factorial', 'function.json');
  const manifest = JSON.parse(readFileSync(path, 'utf8'));
  writeFileSync(path, JSON.stringify({ ...manifest, outputLimitBytes: LIMIT }));
  return dir;
}

describe('output per invocation', { timeout: 180_000 }, () => {
  let engine: Engine;
  before(async () => {
    await requireEngine();
    engine = new Engine({ functionsDir: limitedCatalogDir() });
    for (const runtime of RUNTIME_NAMES) {
      await (await engine.runtime(runtime)).deploy(engine.fn('factorial'));
    }
  });
  after(async () => {
    await engine?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const runtime of RUNTIME_NAMES) {
    for (const mode of ['cold', 'warm'] as const) {
      it(`fails as output-limit past the manifest's limit on ${runtime} (${mode})`, async () => {
        const over = await engine.invoke('factorial', runtime, { input: '1000', mode });
        assert.equal(over.ok, false);
        assert.equal(over.failure, 'output-limit', over.error ?? '');
        assert.match(over.error ?? '', /output over the limit of 1024 bytes/);
        assert.ok(Buffer.byteLength(over.output) + Buffer.byteLength(over.stderr) <= LIMIT);
        // Within the limit the same function answers, and the runtime is fine afterwards.
        const under = await engine.invoke('factorial', runtime, { input: '100', mode });
        assert.equal(under.ok, true, under.error ?? '');
        assert.equal(under.output.trim().length, 158);
      });
    }
  }
});

describe('the outputLimitBytes field', () => {
  it('defaults to 1 MiB, which the real functions fit in', () => {
    const factorial = loadCatalog(FUNCTIONS).get('factorial');
    assert.equal(factorial.manifest.outputLimitBytes, DEFAULT_OUTPUT_LIMIT_BYTES);
    assert.equal(DEFAULT_OUTPUT_LIMIT_BYTES, 1024 * 1024);
  });

  it('refuses a limit too small or too large, naming the field', () => {
    const bad = mkdtempSync(join(tmpdir(), 'nebula-output-field-'));
    try {
      for (const [value, rule] of [
        [10, /at least 1024 bytes/],
        [1e9, /at most 67108864 bytes/],
        ['1 MB', /expected number/],
      ] as const) {
        cpSync(join(FUNCTIONS, 'hello'), join(bad, 'hello'), { recursive: true });
        const path = join(bad, 'hello', 'function.json');
        const manifest = JSON.parse(readFileSync(path, 'utf8'));
        writeFileSync(path, JSON.stringify({ ...manifest, outputLimitBytes: value }));
        const catalog = loadCatalog(bad);
        assert.equal(catalog.functions.length, 0);
        assert.match(catalog.problems[0] ?? '', /outputLimitBytes: /);
        assert.match(catalog.problems[0] ?? '', rule);
      }
    } finally {
      rmSync(bad, { recursive: true, force: true });
    }
  });
});
