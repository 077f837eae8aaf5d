/**
 * The size of a WebAssembly binary without its custom sections (names, producers, debug
 * information): what `wasm-strip` leaves, and what a registry of stripped modules would store.
 * Reads the section headers only; a malformed binary gives null rather than a guess.
 */

const MAGIC = [0x00, 0x61, 0x73, 0x6d];
const CUSTOM_SECTION = 0;

/** Unsigned LEB128 at `offset`: its value and the offset after it, or null past the end. */
function leb128(bytes: Uint8Array, offset: number): { value: number; next: number } | null {
  let value = 0;
  let shift = 0;
  for (let at = offset; at < bytes.length && shift < 35; at++) {
    const byte = bytes[at] as number;
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
    if ((byte & 0x80) === 0) return { value, next: at + 1 };
  }
  return null;
}

/** The binary without its top-level custom sections, or null when it is not WebAssembly. */
export function stripCustomSections(bytes: Uint8Array): Uint8Array | null {
  if (bytes.length < 8 || MAGIC.some((b, i) => bytes[i] !== b)) return null;
  const kept: Uint8Array[] = [bytes.subarray(0, 8)];
  let offset = 8;
  while (offset < bytes.length) {
    const id = bytes[offset] as number;
    const length = leb128(bytes, offset + 1);
    if (!length) return null;
    const end = length.next + length.value;
    if (end > bytes.length) return null;
    if (id !== CUSTOM_SECTION) kept.push(bytes.subarray(offset, end));
    offset = end;
  }
  return Buffer.concat(kept);
}

export function strippedWasmSize(bytes: Uint8Array): number | null {
  return stripCustomSections(bytes)?.length ?? null;
}
