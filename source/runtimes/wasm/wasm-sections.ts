/**
 * A core module's binary as its sections, and back: what the rewrites before compiling
 * (memory-cap.ts, memory-import.ts) take apart and put together again.
 */

export function readLeb(bytes: Uint8Array, offset: number): { value: number; next: number } {
  let value = 0;
  let shift = 0;
  let next = offset;
  for (;;) {
    const byte = bytes[next++];
    if (byte === undefined) throw new Error('truncated Wasm module');
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
    if ((byte & 0x80) === 0) return { value, next };
  }
}

export function writeLeb(value: number): number[] {
  const out: number[] = [];
  let rest = value;
  do {
    let byte = rest % 128;
    rest = Math.floor(rest / 128);
    if (rest > 0) byte |= 0x80;
    out.push(byte);
  } while (rest > 0);
  return out;
}

export interface Section {
  id: number;
  body: Uint8Array;
}

/** The sections in order (their bodies are views into `module`). */
export function sections(module: Uint8Array): Section[] {
  const list: Section[] = [];
  let offset = 8; // magic + version
  while (offset < module.length) {
    const id = module[offset] as number;
    const size = readLeb(module, offset + 1);
    list.push({ id, body: module.subarray(size.next, size.next + size.value) });
    offset = size.next + size.value;
  }
  return list;
}

/** A module of `original`'s magic and version followed by `list`. */
export function assemble(original: Uint8Array, list: readonly Section[]): Uint8Array<ArrayBuffer> {
  const parts: Uint8Array[] = [original.subarray(0, 8)];
  for (const { id, body } of list)
    parts.push(Uint8Array.from([id, ...writeLeb(body.length)]), body);
  const bytes = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    bytes.set(part, offset);
    offset += part.length;
  }
  return bytes;
}
