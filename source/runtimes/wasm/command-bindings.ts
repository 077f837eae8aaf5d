/**
 * Canonical-ABI bindings of the WASI 0.2 imports that the preview1 adapter of a command
 * component uses, over preview2-shim's streams and clocks. jco's generic glue does the same
 * through its async task machinery on every host call and rebuilds all its helpers for
 * every instance; these bindings are made once per instance from a handful of closures.
 * Layouts follow the Component Model's canonical ABI (flattened results over a retptr).
 */

import { createHash } from 'node:crypto';

/** What the bindings need from the instance and the host, resolved after instantiation. */
export interface BindingContext {
  memory(): WebAssembly.Memory;
  realloc(oldPtr: number, oldSize: number, align: number, newSize: number): number;
  stdin: ShimInputStream;
  stdout: ShimOutputStream;
  stderr: ShimOutputStream;
  monotonicNow(): bigint;
  wallNow(): { seconds: bigint; nanoseconds: number };
  randomBytes(len: bigint): Uint8Array;
  arguments: string[];
  environment: Array<[string, string]>;
}

export interface ShimInputStream {
  blockingRead(len: bigint): Uint8Array;
  read(len: bigint): Uint8Array;
}

export interface ShimOutputStream {
  checkWrite(): bigint;
  write(bytes: Uint8Array): void;
  blockingWriteAndFlush(bytes: Uint8Array): void;
  blockingFlush(): void;
  flush(): void;
}

/** `interface#function` without the version (`wasi:io/streams#[method]output-stream.write`). */
export function bindingKey(module: string, name: string): string {
  return `${module.replace(/@[^@]*$/, '')}#${name}`;
}

/** Thrown by `wasi:cli/exit`; the caller turns it into the exit code. */
export class CommandExit extends Error {
  constructor(readonly code: number) {
    super(`exited with code ${code}`);
  }
}

type Fn = (...args: never[]) => unknown;
type Resource = ShimInputStream | ShimOutputStream;

const STREAM_CLOSED = 1;

/** The bindings of one instance, by bindingKey; each call makes a fresh handle table. */
export function createBindings(ctx: BindingContext): Bindings {
  const handles: Array<Resource | null> = [null];
  const own = (resource: Resource) => handles.push(resource) - 1;
  const get = <T extends Resource>(handle: number) => handles[handle] as T;
  const view = () => new DataView(ctx.memory().buffer);
  const bytes = (ptr: number, len: number) => new Uint8Array(ctx.memory().buffer, ptr, len);

  const writeStreamError = (retptr: number, payloadAt: number, error: unknown) => {
    const v = view();
    v.setUint8(retptr, 1);
    // Any failure of an in-memory stream means there is nothing more to read or write.
    v.setUint8(retptr + payloadAt, STREAM_CLOSED);
    if ((error as { tag?: string })?.tag !== 'closed') throw error;
  };
  const unitResult = (retptr: number, action: () => void) => {
    try {
      action();
      view().setUint8(retptr, 0);
    } catch (error) {
      writeStreamError(retptr, 4, error);
    }
  };
  const lowerBytes = (chunk: Uint8Array): number => {
    const ptr = ctx.realloc(0, 0, 1, chunk.length);
    bytes(ptr, chunk.length).set(chunk);
    return ptr;
  };
  const lowerStrings = (retptr: number, strings: string[]) => {
    const encoder = new TextEncoder();
    const list = ctx.realloc(0, 0, 4, strings.length * 8);
    strings.forEach((value, i) => {
      const encoded = encoder.encode(value);
      const ptr = lowerBytes(encoded);
      view().setUint32(list + i * 8, ptr, true);
      view().setUint32(list + i * 8 + 4, encoded.length, true);
    });
    view().setUint32(retptr, list, true);
    view().setUint32(retptr + 4, strings.length, true);
  };
  const readResult = (retptr: number, read: () => Uint8Array) => {
    try {
      const chunk = read();
      const ptr = lowerBytes(chunk);
      const v = view();
      v.setUint8(retptr, 0);
      v.setUint32(retptr + 4, ptr, true);
      v.setUint32(retptr + 8, chunk.length, true);
    } catch (error) {
      writeStreamError(retptr, 4, error);
    }
  };
  const noneAt = (retptr: number) => view().setUint8(retptr, 0);
  const noFileSystem = () => {
    throw new WebAssembly.RuntimeError(
      'the function has no file system (no preopened directories)',
    );
  };

  const known: Record<string, Fn> = {
    'wasi:cli/environment#get-environment': (retptr: number) => {
      const list = ctx.realloc(0, 0, 4, ctx.environment.length * 16);
      const encoder = new TextEncoder();
      ctx.environment.forEach(([key, value], i) => {
        for (const [j, text] of [key, value].entries()) {
          const encoded = encoder.encode(text);
          const ptr = lowerBytes(encoded);
          view().setUint32(list + i * 16 + j * 8, ptr, true);
          view().setUint32(list + i * 16 + j * 8 + 4, encoded.length, true);
        }
      });
      view().setUint32(retptr, list, true);
      view().setUint32(retptr + 4, ctx.environment.length, true);
    },
    'wasi:cli/environment#get-arguments': (retptr: number) => lowerStrings(retptr, ctx.arguments),
    'wasi:cli/environment#initial-cwd': noneAt,
    'wasi:cli/exit#exit': (status: number) => {
      throw new CommandExit(status === 0 ? 0 : 1);
    },
    'wasi:cli/exit#exit-with-code': (code: number) => {
      throw new CommandExit(code);
    },
    'wasi:cli/stdin#get-stdin': () => own(ctx.stdin),
    'wasi:cli/stdout#get-stdout': () => own(ctx.stdout),
    'wasi:cli/stderr#get-stderr': () => own(ctx.stderr),
    'wasi:cli/terminal-stdin#get-terminal-stdin': noneAt,
    'wasi:cli/terminal-stdout#get-terminal-stdout': noneAt,
    'wasi:cli/terminal-stderr#get-terminal-stderr': noneAt,
    'wasi:io/streams#[method]input-stream.read': (self: number, len: bigint, retptr: number) =>
      readResult(retptr, () => get<ShimInputStream>(self).read(len)),
    'wasi:io/streams#[method]input-stream.blocking-read': (
      self: number,
      len: bigint,
      retptr: number,
    ) => readResult(retptr, () => get<ShimInputStream>(self).blockingRead(len)),
    'wasi:io/streams#[method]output-stream.check-write': (self: number, retptr: number) => {
      try {
        const permit = get<ShimOutputStream>(self).checkWrite();
        const v = view();
        v.setUint8(retptr, 0);
        v.setBigUint64(retptr + 8, permit, true);
      } catch (error) {
        writeStreamError(retptr, 8, error);
      }
    },
    'wasi:io/streams#[method]output-stream.write': (
      self: number,
      ptr: number,
      len: number,
      retptr: number,
    ) => unitResult(retptr, () => get<ShimOutputStream>(self).write(bytes(ptr, len))),
    'wasi:io/streams#[method]output-stream.blocking-write-and-flush': (
      self: number,
      ptr: number,
      len: number,
      retptr: number,
    ) =>
      unitResult(retptr, () => get<ShimOutputStream>(self).blockingWriteAndFlush(bytes(ptr, len))),
    'wasi:io/streams#[method]output-stream.flush': (self: number, retptr: number) =>
      unitResult(retptr, () => get<ShimOutputStream>(self).flush()),
    'wasi:io/streams#[method]output-stream.blocking-flush': (self: number, retptr: number) =>
      unitResult(retptr, () => get<ShimOutputStream>(self).blockingFlush()),
    'wasi:io/streams#[resource-drop]input-stream': (handle: number) => {
      handles[handle] = null;
    },
    'wasi:io/streams#[resource-drop]output-stream': (handle: number) => {
      handles[handle] = null;
    },
    // Errors, terminals and directory streams are never handed out (failures map to `closed`,
    // the terminal getters answer none, there is no directory), so there is none to drop.
    'wasi:io/error#[resource-drop]error': () => {},
    'wasi:cli/terminal-input#[resource-drop]terminal-input': () => {},
    'wasi:cli/terminal-output#[resource-drop]terminal-output': () => {},
    'wasi:filesystem/types#[resource-drop]directory-entry-stream': () => {},
    'wasi:clocks/monotonic-clock#resolution': () => 1n,
    'wasi:clocks/wall-clock#resolution': (retptr: number) => {
      const v = view();
      v.setBigUint64(retptr, 0n, true);
      v.setUint32(retptr + 8, 1, true);
    },
    'wasi:clocks/monotonic-clock#now': () => ctx.monotonicNow(),
    'wasi:clocks/wall-clock#now': (retptr: number) => {
      const { seconds, nanoseconds } = ctx.wallNow();
      const v = view();
      v.setBigUint64(retptr, seconds, true);
      v.setUint32(retptr + 8, nanoseconds, true);
    },
    'wasi:random/random#get-random-bytes': (len: bigint, retptr: number) => {
      const chunk = ctx.randomBytes(len);
      view().setUint32(retptr, lowerBytes(chunk), true);
      view().setUint32(retptr + 4, chunk.length, true);
    },
    'wasi:random/random#get-random-u64': () =>
      new DataView(ctx.randomBytes(8n).buffer).getBigUint64(0, true),
    'wasi:filesystem/preopens#get-directories': (retptr: number) => {
      view().setUint32(retptr, 0, true);
      view().setUint32(retptr + 4, 0, true);
    },
    'wasi:filesystem/types#filesystem-error-code': (_error: number, retptr: number) =>
      noneAt(retptr),
    'wasi:filesystem/types#[resource-drop]descriptor': noFileSystem,
  };

  const binding = (key: string) =>
    known[key] ??
    // With no preopened directory there is no descriptor to call a method on.
    (key.startsWith(DESCRIPTOR_METHOD) ? noFileSystem : undefined);
  return Object.assign(binding, { keys: () => [...Object.keys(known), `${DESCRIPTOR_METHOD}*`] });
}

/** A binding by key (see bindingKey), and the keys it knows. */
export type Bindings = ((key: string) => Fn | undefined) & { keys(): string[] };

const DESCRIPTOR_METHOD = 'wasi:filesystem/types#[method]descriptor.';

const unused = () => {
  throw new Error('not an instance');
};
const probe = createBindings({
  memory: unused,
  realloc: unused,
  stdin: null as unknown as ShimInputStream,
  stdout: null as unknown as ShimOutputStream,
  stderr: null as unknown as ShimOutputStream,
  monotonicNow: unused,
  wallNow: unused,
  randomBytes: unused,
  arguments: [],
  environment: [],
});

/** Changes whenever the set of WASI functions the bindings provide changes. */
export const BINDINGS_FINGERPRINT = createHash('sha256')
  .update(probe.keys().sort().join('\n'))
  .digest('hex')
  .slice(0, 16);

/** Whether the direct bindings provide this WASI function. */
export function hasBinding(key: string): boolean {
  return probe(key) !== undefined;
}
