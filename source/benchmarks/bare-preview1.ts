/**
 * The yardstick for `wasm-p1`: the least a script can do to run the module once on Node's
 * WASI (one WASI object per call, stdout captured in memory), on the calling thread.
 */
import { readFileSync } from 'node:fs';

const { WASI } = await import('node:wasi');

export function barePreview1(path: string): (input: string) => string {
  const module = new WebAssembly.Module(readFileSync(path));
  return (input) => {
    const stdin = new TextEncoder().encode(input);
    let offset = 0;
    const out: Uint8Array[] = [];
    const wasi = new WASI({ version: 'preview1', args: ['bare'], env: {}, returnOnExit: true });
    let memory: WebAssembly.Memory | undefined;
    const imports = wasi.wasiImport as Record<string, (...args: number[]) => number>;
    const iovs = (ptr: number, count: number) => {
      const view = new DataView((memory as WebAssembly.Memory).buffer);
      return Array.from(
        { length: count },
        (_, i) =>
          [view.getUint32(ptr + i * 8, true), view.getUint32(ptr + i * 8 + 4, true)] as const,
      );
    };
    const instance = new WebAssembly.Instance(module, {
      wasi_snapshot_preview1: {
        ...imports,
        fd_write(fd: number, ptr: number, count: number, written: number) {
          let n = 0;
          for (const [p, len] of iovs(ptr, count)) {
            if (fd === 1)
              out.push(new Uint8Array((memory as WebAssembly.Memory).buffer, p, len).slice());
            n += len;
          }
          new DataView((memory as WebAssembly.Memory).buffer).setUint32(written, n, true);
          return 0;
        },
        fd_read(_fd: number, ptr: number, count: number, read: number) {
          let n = 0;
          for (const [p, len] of iovs(ptr, count)) {
            const chunk = stdin.subarray(offset, offset + len);
            new Uint8Array((memory as WebAssembly.Memory).buffer, p, chunk.length).set(chunk);
            offset += chunk.length;
            n += chunk.length;
          }
          new DataView((memory as WebAssembly.Memory).buffer).setUint32(read, n, true);
          return 0;
        },
      },
    });
    memory = instance.exports.memory as WebAssembly.Memory;
    wasi.start(instance);
    return Buffer.concat(out).toString();
  };
}
