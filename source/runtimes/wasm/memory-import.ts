/**
 * Rewrites a core module that defines its one linear memory into one that imports it, so a
 * warm run can hand it a memory from the pool (memory-pool.ts) instead of V8 allocating a
 * fresh one per instance. Nothing else changes: the imported memory takes index 0, the index
 * the defined one had, so exports, data segments and code refer to it unchanged, and its
 * limits are the defined memory's (after capMemory, its maximum is the manifest's cap).
 */
import { assemble, readLeb, type Section, sections, writeLeb } from './wasm-sections.js';

const IMPORT_SECTION = 2;
const MEMORY_SECTION = 5;
/** Where the pooled memory comes from in the rewritten module's imports. */
export const POOL_IMPORT = { module: 'nebula:memory-pool', name: 'memory' } as const;

export interface MemoryImported {
  bytes: Uint8Array<ArrayBuffer>;
  /** The memory's limits in 64 KiB pages. */
  initial: number;
  maximum: number;
}

function skipName(body: Uint8Array, offset: number): number {
  const length = readLeb(body, offset);
  return length.next + length.value;
}

function skipLimits(body: Uint8Array, offset: number): number {
  const flags = body[offset] as number;
  let next = readLeb(body, offset + 1).next;
  if (flags & 0x01) next = readLeb(body, next).next;
  return next;
}

/** The import section's entry count, and whether any import is a memory. */
function readImports(body: Uint8Array): { count: number; importsMemory: boolean } {
  const count = readLeb(body, 0);
  let offset = count.next;
  let importsMemory = false;
  for (let i = 0; i < count.value; i++) {
    offset = skipName(body, skipName(body, offset));
    const kind = body[offset++] as number;
    if (kind === 0x00) offset = readLeb(body, offset).next;
    else if (kind === 0x01) offset = skipLimits(body, offset + 1);
    else if (kind === 0x02) {
      importsMemory = true;
      offset = skipLimits(body, offset);
    } else if (kind === 0x03) offset += 2;
    else if (kind === 0x04) offset = readLeb(body, offset + 1).next;
    else throw new Error(`unknown import kind ${kind}`);
  }
  return { count: count.value, importsMemory };
}

const bytesOf = (text: string) => [...writeLeb(text.length), ...new TextEncoder().encode(text)];

/**
 * The module importing its memory, or null when it has none of its own, more than one, a
 * shared or 64-bit one, or already imports one: those run on a memory of their own as before.
 */
export function importOwnMemory(module: Uint8Array): MemoryImported | null {
  const list = sections(module);
  const memory = list.find((section) => section.id === MEMORY_SECTION);
  if (!memory) return null;
  const count = readLeb(memory.body, 0);
  if (count.value !== 1) return null;
  const flags = memory.body[count.next] as number;
  if (flags !== 0x01) return null; // no maximum (capMemory always sets one), shared or 64-bit
  const min = readLeb(memory.body, count.next + 1);
  const max = readLeb(memory.body, min.next);
  const imports = list.find((section) => section.id === IMPORT_SECTION);
  const existing = imports ? readImports(imports.body) : { count: 0, importsMemory: false };
  if (existing.importsMemory) return null;
  const entry = [
    ...bytesOf(POOL_IMPORT.module),
    ...bytesOf(POOL_IMPORT.name),
    0x02,
    0x01,
    ...writeLeb(min.value),
    ...writeLeb(max.value),
  ];
  const oldEntries = imports
    ? imports.body.subarray(readLeb(imports.body, 0).next)
    : new Uint8Array();
  const importBody = Uint8Array.from([...writeLeb(existing.count + 1), ...oldEntries, ...entry]);
  const importSection: Section = { id: IMPORT_SECTION, body: importBody };
  const out: Section[] = [];
  let placed = false;
  for (const section of list) {
    if (section.id === MEMORY_SECTION) continue;
    if (section.id === IMPORT_SECTION) {
      out.push(importSection);
      placed = true;
      continue;
    }
    // No import section before: it goes after the type section, before any later one.
    if (!placed && section.id !== 0 && section.id !== 1) {
      out.push(importSection);
      placed = true;
    }
    out.push(section);
  }
  if (!placed) out.push(importSection);
  return { bytes: assemble(module, out), initial: min.value, maximum: max.value };
}
