/**
 * The stripped size of a WebAssembly module: custom sections dropped, every other section
 * kept byte for byte, so the stripped module still validates and runs.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { loadCatalog } from '../../source/catalog/catalog.js';
import { stripCustomSections, strippedWasmSize } from '../../source/catalog/wasm-strip.js';

function leb128(value: number): number[] {
  const bytes: number[] = [];
  do {
    const low = value & 0x7f;
    value >>>= 7;
    bytes.push(value === 0 ? low : low | 0x80);
  } while (value !== 0);
  return bytes;
}

/** A custom section: id 0, its size, the name's length and bytes, then a payload. */
function customSection(name: string, payload: number[]): number[] {
  const body = [name.length, ...Buffer.from(name), ...payload];
  return [0, ...leb128(body.length), ...body];
}

// (module (func (export "f") (result i32) i32.const 42))
const MODULE = [
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7f, 0x03,
  0x02, 0x01, 0x00, 0x07, 0x05, 0x01, 0x01, 0x66, 0x00, 0x00, 0x0a, 0x06, 0x01, 0x04, 0x00, 0x41,
  0x2a, 0x0b,
];

describe('stripping custom sections', () => {
  it('drops custom sections wherever they stand and keeps the module working', async () => {
    const header = MODULE.slice(0, 8);
    const sections = MODULE.slice(8);
    const names = customSection('name', [1, 2, 3, 4, 5, 6]);
    const producers = customSection('producers', new Array(200).fill(7));
    const withCustom = Uint8Array.from([...header, ...names, ...sections, ...producers]);
    assert.ok(WebAssembly.validate(withCustom), 'the module with custom sections is valid');
    const stripped = stripCustomSections(withCustom);
    assert.ok(stripped);
    assert.deepEqual([...stripped], MODULE);
    assert.equal(strippedWasmSize(withCustom), MODULE.length);
    const { instance } = await WebAssembly.instantiate(new Uint8Array(stripped));
    assert.equal((instance.exports.f as () => number)(), 42);
  });

  it('refuses what is not WebAssembly or is cut short, instead of guessing', () => {
    assert.equal(strippedWasmSize(Buffer.from('not wasm at all')), null);
    assert.equal(strippedWasmSize(Uint8Array.from(MODULE.slice(0, 12))), null);
    // A section whose size runs past the end.
    assert.equal(strippedWasmSize(Uint8Array.from([...MODULE.slice(0, 8), 1, 0x7f, 0])), null);
  });

  it('keeps the catalog’s modules whole (they are built stripped) and strips its components', () => {
    for (const fn of loadCatalog().functions.filter((f) => f.name === 'fibonacci-recursive')) {
      const module = readFileSync(fn.wasmPath);
      const stripped = stripCustomSections(module);
      assert.ok(stripped);
      assert.ok(WebAssembly.validate(new Uint8Array(stripped)));
      assert.equal(stripped.length, module.length, 'a module built stripped has nothing to drop');
      // The component carries producers and names at its top level.
      const component = readFileSync(fn.componentPath);
      const size = strippedWasmSize(component);
      assert.ok(size !== null && size < component.length, `${size} of ${component.length} bytes`);
    }
  });
});
