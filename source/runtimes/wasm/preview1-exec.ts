/** Runs one preview1 module on Node's own WASI (inside the Wasm worker). */
import { POOL_IMPORT } from './memory-import.js';
import { lease } from './memory-pool.js';
import { runModule } from './module-cache.js';
import { moduleImports } from './module-imports.js';
import type { WasmJob, WasmJobResult } from './protocol.js';
import { MemoryStdio, trapResult } from './stdio.js';

// Loaded at run time, after quiet-wasi-warning.js: a static import is linked before it runs.
const { WASI } = await import('node:wasi');

const ERRNO_SUCCESS = 0;

type WasiFn = (...args: number[]) => number;

const PREVIEW1 = 'wasi_snapshot_preview1';
/** Per module, the preview1 functions it imports. */
const importedNames = new WeakMap<WebAssembly.Module, string[]>();

/**
 * The import object holds only what the module imports: node:wasi offers some fifty
 * functions, and copying them all into a new object on every run cost more than the few a
 * function uses. A name node:wasi lacks stays undefined, and instantiation fails as before.
 */
function preview1Imports(
  module: WebAssembly.Module,
  wasiImport: Record<string, WasiFn>,
  overrides: Record<string, WasiFn>,
): Record<string, WasiFn> {
  let names = importedNames.get(module);
  if (!names) {
    names = moduleImports(module)
      .filter((entry) => entry.module === PREVIEW1)
      .map((entry) => entry.name);
    importedNames.set(module, names);
  }
  const imports: Record<string, WasiFn> = {};
  for (const name of names) imports[name] = (overrides[name] ?? wasiImport[name]) as WasiFn;
  return imports;
}

/**
 * node:wasi only takes real file descriptors for stdio, so fd_read on 0 and fd_write on 1
 * and 2 are answered here from memory; other descriptors, and every other function, go to
 * node:wasi.
 */
function withMemoryStdio(
  wasiImport: Record<string, WasiFn>,
  stdio: MemoryStdio,
  memory: () => WebAssembly.Memory,
): Record<string, WasiFn> {
  const iovecs = (iovs: number, count: number) => {
    const view = new DataView(memory().buffer);
    const list: Array<[number, number]> = [];
    for (let i = 0; i < count; i++) {
      list.push([view.getUint32(iovs + i * 8, true), view.getUint32(iovs + i * 8 + 4, true)]);
    }
    return list;
  };
  return {
    fd_write(fd, iovs, count, nwrittenPtr) {
      if (fd !== 1 && fd !== 2)
        return (wasiImport.fd_write as WasiFn)(fd, iovs, count, nwrittenPtr);
      let written = 0;
      for (const [ptr, len] of iovecs(iovs, count)) {
        stdio.write(fd, new Uint8Array(memory().buffer, ptr, len));
        written += len;
      }
      new DataView(memory().buffer).setUint32(nwrittenPtr, written, true);
      return ERRNO_SUCCESS;
    },
    fd_read(fd, iovs, count, nreadPtr) {
      if (fd !== 0) return (wasiImport.fd_read as WasiFn)(fd, iovs, count, nreadPtr);
      let read = 0;
      for (const [ptr, len] of iovecs(iovs, count)) {
        const chunk = stdio.read(len);
        new Uint8Array(memory().buffer, ptr, chunk.length).set(chunk);
        read += chunk.length;
        if (chunk.length < len) break;
      }
      new DataView(memory().buffer).setUint32(nreadPtr, read, true);
      return ERRNO_SUCCESS;
    },
  };
}

export function runPreview1(job: WasmJob): WasmJobResult {
  const { module, pool } = runModule(job.path, job);
  const pooled = pool ? lease(pool) : undefined;
  const modulesLoadedNs = process.hrtime.bigint();
  // One WASI object per call: node:wasi cannot start twice. No env, no preopens.
  const wasi = new WASI({ version: 'preview1', args: [job.name], env: {}, returnOnExit: true });
  const stdio = new MemoryStdio(job.input, job.outputLimitBytes);
  let instance: WebAssembly.Instance | undefined;
  const memory = () => (instance as WebAssembly.Instance).exports.memory as WebAssembly.Memory;
  const wasiImport = wasi.wasiImport as unknown as Record<string, WasiFn>;
  try {
    instance = new WebAssembly.Instance(module, {
      [PREVIEW1]: preview1Imports(module, wasiImport, withMemoryStdio(wasiImport, stdio, memory)),
      ...(pooled ? { [POOL_IMPORT.module]: { [POOL_IMPORT.name]: pooled } } : {}),
    });
    const exitCode = wasi.start(instance);
    // Linear memory only grows: its size now is the run's high-water mark.
    const linearBytes = memory().buffer.byteLength;
    return { ...stdio.result(job.id, exitCode), modulesLoadedNs, linearBytes };
  } catch (error) {
    return { ...trapResult(job.id, stdio, error), modulesLoadedNs };
  }
}
