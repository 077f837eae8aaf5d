import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { capMemory } from '../../source/runtimes/wasm/memory-cap.js';
import { importOwnMemory, POOL_IMPORT } from '../../source/runtimes/wasm/memory-import.js';
import { MemoryPool } from '../../source/runtimes/wasm/memory-pool.js';

/** A section: id, LEB128 size (all bodies here are under 128 bytes), body. */
const section = (id: number, body: number[]) => [id, body.length, ...body];
const name = (text: string) => [text.length, ...Buffer.from(text)];

/**
 * (memory 1 4) exported, a data segment putting 42 at address 200, and three functions:
 * peek(addr) -> byte, poke(addr, byte), grow() -> old size in pages.
 */
function testModule({ ownMemory = true } = {}): Uint8Array {
  const types = section(1, [3, 0x60, 1, 0x7f, 1, 0x7f, 0x60, 2, 0x7f, 0x7f, 0, 0x60, 0, 1, 0x7f]);
  const imports = ownMemory ? [] : section(2, [1, ...name('env'), ...name('memory'), 2, 0, 1]);
  const functions = section(3, [3, 0, 1, 2]);
  const memory = ownMemory ? section(5, [1, 0x01, 1, 4]) : [];
  const exports = section(7, [
    4,
    ...name('memory'),
    2,
    0,
    ...name('peek'),
    0,
    0,
    ...name('poke'),
    0,
    1,
    ...name('grow'),
    0,
    2,
  ]);
  const code = section(
    10,
    [
      3, 7, 0, 0x20, 0, 0x2d, 0, 0, 0x0b, 9, 0, 0x20, 0, 0x20, 1, 0x3a, 0, 0, 0x0b, 6, 0, 0x41, 1,
      0x40, 0, 0x0b,
    ],
  );
  const data = section(11, [1, 0, 0x41, 0xc8, 0x01, 0x0b, 1, 42]);
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0],
    ...types,
    ...imports,
    ...functions,
    ...memory,
    ...exports,
    ...code,
    ...data,
  ]);
}

interface TestExports {
  memory: WebAssembly.Memory;
  peek(address: number): number;
  poke(address: number, value: number): void;
  grow(): number;
}

function instantiate(module: WebAssembly.Module, memory: WebAssembly.Memory): TestExports {
  const imports = { [POOL_IMPORT.module]: { [POOL_IMPORT.name]: memory } };
  return new WebAssembly.Instance(module, imports).exports as unknown as TestExports;
}

/** The test module rewritten to import its memory, compiled, and the pool of that memory. */
function pooled(): { module: WebAssembly.Module; pool: MemoryPool } {
  const imported = importOwnMemory(testModule());
  assert.ok(imported);
  return {
    module: new WebAssembly.Module(imported.bytes),
    pool: new MemoryPool(imported.initial, imported.maximum),
  };
}

describe('pooled linear memory', () => {
  it('rewrites a module to import its one memory, with the same limits and exports', () => {
    const imported = importOwnMemory(testModule());
    assert.ok(imported);
    assert.equal(imported.initial, 1);
    assert.equal(imported.maximum, 4);
    const module = new WebAssembly.Module(imported.bytes);
    assert.deepEqual(WebAssembly.Module.imports(module), [
      { module: POOL_IMPORT.module, name: POOL_IMPORT.name, kind: 'memory' },
    ]);
    assert.deepEqual(
      WebAssembly.Module.exports(module).map((entry) => entry.name),
      ['memory', 'peek', 'poke', 'grow'],
    );
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 4 });
    const instance = instantiate(module, memory);
    assert.equal(instance.memory, memory);
    assert.equal(instance.peek(200), 42, 'the data segment lands in the imported memory');
  });

  it('keeps the manifest cap written by capMemory as the imported maximum', () => {
    const imported = importOwnMemory(capMemory(testModule(), 2 * 65536));
    assert.equal(imported?.maximum, 2);
  });

  it('leaves alone a module that imports its memory already', () => {
    assert.equal(importOwnMemory(testModule({ ownMemory: false })), null);
  });

  it('gives the next instance a zeroed memory with its data segments, as a fresh one', () => {
    const { module, pool } = pooled();
    const first = pool.take();
    const run = instantiate(module, first);
    run.poke(100, 7);
    run.poke(200, 9);
    run.poke(65535, 1);
    pool.give(first);
    const second = pool.take();
    assert.equal(second, first, 'the memory is reused');
    const next = instantiate(module, second);
    assert.equal(next.peek(100), 0);
    assert.equal(next.peek(65535), 0);
    assert.equal(next.peek(200), 42);
    assert.ok(new Uint8Array(second.buffer).every((byte, at) => byte === (at === 200 ? 42 : 0)));
  });

  it('does not keep a memory the run grew: the next instance starts at the initial size', () => {
    const { module, pool } = pooled();
    const grown = pool.take();
    assert.equal(instantiate(module, grown).grow(), 1);
    pool.give(grown);
    const next = pool.take();
    assert.notEqual(next, grown);
    assert.equal(next.buffer.byteLength, 65536);
  });

  it('stops growth at the cap on a pooled memory as on its own', () => {
    const { module, pool } = pooled();
    const run = instantiate(module, pool.take());
    assert.deepEqual([run.grow(), run.grow(), run.grow(), run.grow()], [1, 2, 3, -1]);
  });
});
