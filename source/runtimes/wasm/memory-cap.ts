/**
 * Caps a core module's own linear memory by rewriting the maximum in its memory section, so
 * that `memory.grow` past the manifest's limit fails inside the function (Rust then aborts
 * with "memory allocation of N bytes failed") instead of eating the host.
 */
export const PAGE_BYTES = 65536;
const MEMORY_SECTION = 5;

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

export function capMemory(module: Uint8Array, maxBytes: number): Uint8Array<ArrayBuffer> {
  const capPages = Math.max(1, Math.floor(maxBytes / PAGE_BYTES));
  let offset = 8; // magic + version
  while (offset < module.length) {
    const id = module[offset] as number;
    const size = readLeb(module, offset + 1);
    const bodyStart = size.next;
    const bodyEnd = bodyStart + size.value;
    if (id === MEMORY_SECTION) {
      const body = rewriteMemorySection(module.subarray(bodyStart, bodyEnd), capPages);
      const out = new Uint8Array(offset + 1 + 5 + body.length + (module.length - bodyEnd));
      const header = [id, ...writeLeb(body.length)];
      out.set(module.subarray(0, offset), 0);
      out.set(header, offset);
      out.set(body, offset + header.length);
      out.set(module.subarray(bodyEnd), offset + header.length + body.length);
      return out.subarray(0, offset + header.length + body.length + (module.length - bodyEnd));
    }
    offset = bodyEnd;
  }
  return module as Uint8Array<ArrayBuffer>; // no memory of its own: nothing to cap
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
