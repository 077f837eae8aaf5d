/**
 * The parameter types of a core module's exported functions, read from its binary (Node 20's
 * WebAssembly JS API cannot tell them): enough to call an export with zero arguments of the
 * right kinds (a Number for i32/f32/f64, a BigInt for i64).
 */
const SECTION = { type: 1, import: 2, function: 3, export: 7 } as const;
const FUNC_KIND = 0;

export type ValueKind = 'number' | 'bigint';

class Reader {
  constructor(
    private readonly bytes: Uint8Array,
    public at = 0,
  ) {}

  byte(): number {
    const value = this.bytes[this.at++];
    if (value === undefined) throw new Error('truncated Wasm module');
    return value;
  }

  u32(): number {
    let value = 0;
    let shift = 0;
    for (;;) {
      const byte = this.byte();
      value += (byte & 0x7f) * 2 ** shift;
      shift += 7;
      if ((byte & 0x80) === 0) return value;
    }
  }

  skip(count: number): void {
    this.at += count;
  }

  name(): string {
    const length = this.u32();
    const text = new TextDecoder().decode(this.bytes.subarray(this.at, this.at + length));
    this.at += length;
    return text;
  }

  /** Skips a limits pair (memory or table). */
  limits(): void {
    const flags = this.byte();
    this.u32();
    if (flags & 0x01) this.u32();
  }
}

const I64 = 0x7e;

/** Export name to the kinds of its parameters, for every exported function. */
export function exportParamKinds(bytes: Uint8Array): Map<string, ValueKind[]> {
  const types: ValueKind[][] = [];
  const funcTypes: number[] = [];
  const exports = new Map<string, ValueKind[]>();
  const reader = new Reader(bytes, 8);
  while (reader.at < bytes.length) {
    const id = reader.byte();
    const size = reader.u32();
    const end = reader.at + size;
    if (id === SECTION.type) {
      for (let count = reader.u32(); count > 0; count--) {
        if (reader.byte() !== 0x60) throw new Error('unsupported type in the type section');
        const params: ValueKind[] = [];
        for (let n = reader.u32(); n > 0; n--)
          params.push(reader.byte() === I64 ? 'bigint' : 'number');
        reader.skip(reader.u32());
        types.push(params);
      }
    } else if (id === SECTION.import) {
      for (let count = reader.u32(); count > 0; count--) {
        reader.name();
        reader.name();
        const kind = reader.byte();
        if (kind === FUNC_KIND) funcTypes.push(reader.u32());
        else if (kind === 1) {
          reader.byte();
          reader.limits();
        } else if (kind === 2) reader.limits();
        else if (kind === 3) reader.skip(2);
        else throw new Error(`unsupported import kind ${kind}`);
      }
    } else if (id === SECTION.function) {
      for (let count = reader.u32(); count > 0; count--) funcTypes.push(reader.u32());
    } else if (id === SECTION.export) {
      for (let count = reader.u32(); count > 0; count--) {
        const name = reader.name();
        const kind = reader.byte();
        const index = reader.u32();
        const type = funcTypes[index];
        if (kind === FUNC_KIND && type !== undefined) exports.set(name, types[type] ?? []);
      }
    }
    reader.at = end;
  }
  return exports;
}
