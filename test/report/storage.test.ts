/**
 * The storage table: image sizes as the engine reports them and gzipped, the .wasm whole and
 * stripped; sizes records written before the compressed and stripped sizes show a dash there.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadCatalog } from '../../source/catalog/catalog.js';
import { fileSizes, type SizesRecord, storageTable } from '../../source/report/storage.js';

describe('the storage table', () => {
  it('gives each image gzipped beside its size, and the stripped .wasm', () => {
    const sizes: SizesRecord = {
      type: 'sizes',
      at: 0,
      functions: {
        hello: {
          imageScratch: 2 * 1024 * 1024,
          imageScratchGzip: 900 * 1024,
          imageDebian: null,
          imageDebianGzip: null,
          binary: 1024 * 1024,
          wasm: 100 * 1024,
          wasmStripped: 60 * 1024,
          component: 120 * 1024,
        },
        // A record from before the compressed and stripped sizes.
        old: { imageScratch: 1024, imageDebian: null, binary: 512, wasm: 256, component: 300 },
      },
    };
    const table = storageTable(sizes);
    const column = (name: string, occurrence = 0) =>
      table.head.findIndex(
        (h, i) =>
          h === name && table.head.slice(0, i).filter((x) => x === name).length === occurrence,
      );
    const [hello, old] = table.rows;
    assert.equal(hello?.[column('gzipped')], '900.0 KiB');
    assert.equal(hello?.[column('stripped')], '60.0 KiB');
    assert.equal(hello?.[column('gzipped', 1)], '–');
    assert.equal(old?.[column('gzipped')], '–');
    assert.equal(old?.[column('stripped')], '–');
  });

  it('measures the stripped size of each function’s .wasm from its file', () => {
    for (const fn of loadCatalog().functions.slice(0, 3)) {
      const sizes = fileSizes(fn);
      assert.ok(sizes.wasm !== null && sizes.wasmStripped != null, `${fn.name} has a .wasm`);
      assert.ok(sizes.wasmStripped <= sizes.wasm, `${fn.name}: stripped is no larger`);
    }
  });
});
