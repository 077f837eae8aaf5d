/**
 * Caps a core module's own linear memory by rewriting the maximum in its memory section, so
 * that `memory.grow` past the manifest's limit fails inside the function (Rust then aborts
 * with "memory allocation of N bytes failed") instead of eating the host.
 */
import { assemble, readLeb, sections, writeLeb } from './wasm-sections.js';

export const PAGE_BYTES = 65536;
const MEMORY_SECTION = 5;

export function capMemory(module: Uint8Array, maxBytes: number): Uint8Array<ArrayBuffer> {
  const capPages = Math.max(1, Math.floor(maxBytes / PAGE_BYTES));
  const list = sections(module);
  if (!list.some((section) => section.id === MEMORY_SECTION)) {
    return module as Uint8Array<ArrayBuffer>; // no memory of its own: nothing to cap
  }
  return assemble(
    module,
    list.map((section) =>
      section.id === MEMORY_SECTION
        ? { id: section.id, body: rewriteMemorySection(section.body, capPages) }
        : section,
    ),
  );
}

function rewriteMemorySection(body: Uint8Array, capPages: number): Uint8Array {
  const count = readLeb(body, 0);
  const out = writeLeb(count.value);
  let offset = count.next;
  for (let i = 0; i < count.value; i++) {
    const flags = body[offset++] as number;
    if (flags & 0x04) throw new Error('64-bit memories are not supported');
    const min = readLeb(body, offset);
    offset = min.next;
    let max = capPages;
    if (flags & 0x01) {
      const declared = readLeb(body, offset);
      offset = declared.next;
      max = Math.min(max, declared.value);
    }
    if (min.value > max) {
      throw new Error(
        `the module needs ${min.value * 64} KiB of memory at start, more than its limit of ${max * 64} KiB`,
      );
    }
    out.push((flags & 0x02) | 0x01, ...writeLeb(min.value), ...writeLeb(max));
  }
  return Uint8Array.from(out);
}
