/**
 * Bring your own function: `nebula deploy --wasm PATH --name NAME` takes any WASI preview1
 * command module (wrapped into a component with jco's preview1 adapter) or command component,
 * checks that Nebula can give it every import, and installs it among the user functions
 * (userFunctionsDir: functions/user/<name>/, git-ignored) for both Wasm runtimes. Nothing is
 * installed unless every check passes; an earlier function of the same name is replaced.
 */
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { basename, join } from 'node:path';
import {
  type Catalog,
  type FunctionEntry,
  loadFunction,
  userFunctionsDir,
} from '../catalog/catalog.js';
import { withFunctionLock } from '../catalog/function-lock.js';
import {
  DEFAULT_OUTPUT_LIMIT_BYTES,
  describeIssues,
  type Manifest,
  manifestSchema,
} from '../catalog/manifest.js';
import { preview1Problems, type WasmKind, wasmKind } from '../catalog/wasm-header.js';
import { NOT_A_COMMAND } from '../runtimes/wasm/command-plan.js';
import { isHostInterface } from '../runtimes/wasm/host-interfaces.js';
import { capMemory } from '../runtimes/wasm/memory-cap.js';
import { transpiledDir, transpileFunction } from '../runtimes/wasm/transpile.js';
import {
  ImportError,
  type ImportRequest,
  type ImportSource,
  readImportSource,
} from './import-source.js';

export {
  ImportError,
  type ImportRequest,
  type ImportSource,
  MAX_MODULE_BYTES,
  readImportSource,
} from './import-source.js';

export interface ImportOutcome {
  fn: FunctionEntry;
  kind: WasmKind;
  /** Why jco's glue runs it instead of the direct bindings, or null. */
  glueFallback: string | null;
}

/** What an import installed, as a remote gateway reports it too. */
export interface ImportedFunction {
  name: string;
  kind: WasmKind;
  /** Where it was installed, on the machine that runs it. */
  dir: string;
  glueFallback: string | null;
}

const NAME = /^[a-z][a-z0-9-]*$/;
/** A name is a folder name and part of file names: well under any file system's 255 bytes. */
export const MAX_NAME_LENGTH = 64;
const MIB = 1024 * 1024;
const HOW_TO_BUILD =
  'build it as a WASI preview1 command, e.g. `clang --target=wasm32-wasi`, `cargo build --target wasm32-wasi`, or `asc` with @assemblyscript/wasi-shim';

export async function importWasm(
  request: ImportRequest,
  catalog: Catalog,
  functionsDir?: string,
  /** Called with the installed function while the name is still locked. */
  installed: (fn: FunctionEntry) => void = () => {},
): Promise<ImportOutcome> {
  const source = readImportSource(request);
  const name = request.name ?? source.manifest?.name;
  // Imports of one name one after another: the last one accepted is the one installed.
  return withFunctionLock(name ?? '', () =>
    importLocked(request, source, catalog, functionsDir, installed),
  );
}

async function importLocked(
  request: ImportRequest,
  source: ImportSource,
  catalog: Catalog,
  functionsDir: string | undefined,
  installed: (fn: FunctionEntry) => void,
): Promise<ImportOutcome> {
  const name = request.name ?? source.manifest?.name;
  if (!name)
    throw new ImportError(
      `--name is required with a file: the name to invoke it by (e.g. --name ${suggestName(request.path)})`,
    );
  if (name.length > MAX_NAME_LENGTH) {
    throw new ImportError(
      `--name is ${name.length} characters long; use at most ${MAX_NAME_LENGTH} (lowercase letters, digits and dashes)`,
    );
  }
  if (!NAME.test(name)) {
    throw new ImportError(
      `--name "${name}": use lowercase letters, digits and dashes, starting with a letter`,
    );
  }
  const existing = catalog.functions.find((fn) => fn.name === name);
  if (existing && existing.origin === 'built-in') {
    throw new ImportError(`"${name}" is a built-in function; choose another --name`);
  }
  const bytes = source.bytes;
  const kind = wasmKind(bytes);
  if (!kind) {
    throw new ImportError(
      `${source.wasm} is not a Wasm module or component (it does not start with the Wasm magic number and a known version)`,
    );
  }
  let module: Uint8Array<ArrayBuffer> | null = null;
  let component: Uint8Array;
  if (kind === 'module') {
    module = bytes;
    component = await wrapModule(source.wasm, bytes);
  } else component = bytes;

  const manifest = manifestFor(name, request, source);
  const root = userFunctionsDir(functionsDir);
  mkdirSync(root, { recursive: true });
  // A folder of this import's own: nothing else writes to it or removes it.
  const staging = mkdtempSync(join(root, `.import-${name}-`));
  try {
    mkdirSync(join(staging, 'build'), { recursive: true });
    writeFileSync(join(staging, 'build', `${name}.component.wasm`), component);
    if (module) writeFileSync(join(staging, 'build', `${name}.wasm`), module);
    writeManifest(staging, manifest);
    const staged = loadFunction(staging, 'user');
    let outcome: Awaited<ReturnType<typeof transpileFunction>>;
    try {
      outcome = await transpileFunction(staged);
    } catch (error) {
      throw new ImportError(`${source.wasm}: jco cannot transpile it: ${(error as Error).message}`);
    }
    const missing = outcome.interfaces.filter((iface) => !isHostInterface(iface));
    if (missing.length > 0) {
      throw new ImportError(
        `${source.wasm} imports what Nebula's Wasm runtime cannot satisfy: ${missing.join(', ')}; ${HOW_TO_BUILD}`,
      );
    }
    if ('fallback' in outcome && outcome.fallback.startsWith(NOT_A_COMMAND)) {
      throw new ImportError(`${source.wasm}: ${outcome.fallback}; ${HOW_TO_BUILD}`);
    }
    const cores = readdirSync(transpiledDir(staged))
      .filter((file) => file.endsWith('.wasm'))
      .map((file) => join(transpiledDir(staged), file));
    const tooSmall = memoryProblem(cores, manifest.memoryMb);
    if (tooSmall) throw new ImportError(`${source.wasm}: ${tooSmall}`);
    if (!module) {
      const reason = extractPreview1(staged);
      if (reason)
        writeManifest(staging, {
          ...manifest,
          unavailable: { ...manifest.unavailable, 'wasm-p1': reason },
        });
    }
    const target = join(root, name);
    // Moved aside, then the new one in: the function is whole before and after, never mixed.
    const replaced = `${staging}.replaced`;
    if (existsSync(target)) renameSync(target, replaced);
    renameSync(staging, target);
    rmSync(replaced, { recursive: true, force: true });
    const fn = loadFunction(target, 'user');
    installed(fn);
    return {
      fn,
      kind,
      glueFallback: 'fallback' in outcome ? outcome.fallback : null,
    };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/**
 * A core module whose memory must start larger than the function's memory limit would trap
 * on every invocation: refused at import, naming both sizes (capMemory says them).
 */
function memoryProblem(files: readonly string[], memoryMb: number): string | null {
  for (const file of files) {
    try {
      capMemory(readFileSync(file), memoryMb * MIB);
    } catch (error) {
      return `${(error as Error).message}; give a larger --memory-mb (at most 4096), or build it with a smaller initial memory`;
    }
  }
  return null;
}

async function wrapModule(path: string, bytes: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
  let compiled: WebAssembly.Module;
  try {
    compiled = new WebAssembly.Module(bytes);
  } catch (error) {
    throw new ImportError(`${path} is not valid Wasm: ${(error as Error).message}`);
  }
  const problems = preview1Problems(compiled);
  if (problems.length > 0) {
    throw new ImportError(
      `${path} cannot run as a function: ${problems.join('; ')}; ${HOW_TO_BUILD}`,
    );
  }
  const { componentNew, preview1AdapterCommandPath } = await import('@bytecodealliance/jco');
  try {
    return await componentNew(bytes, [
      ['wasi_snapshot_preview1', readFileSync(preview1AdapterCommandPath())],
    ]);
  } catch (error) {
    throw new ImportError(
      `${path}: jco could not wrap it into a component: ${(error as Error).message}`,
    );
  }
}

function manifestFor(name: string, request: ImportRequest, source: ImportSource): Manifest {
  const base: Manifest = source.manifest ?? {
    name,
    language: 'wasm',
    description: `Brought as ${basename(source.wasm)}.`,
    input: { format: 'anything (given on stdin)', example: '', expectedOutput: '' },
    defaultInput: '',
    timeoutMs: 10_000,
    memoryMb: 64,
    cpus: 1,
    pids: 16,
    outputLimitBytes: DEFAULT_OUTPUT_LIMIT_BYTES,
  };
  const manifest: Manifest = { ...base, name, language: 'wasm' };
  if (request.description) manifest.description = request.description;
  if (request.timeoutMs !== undefined) manifest.timeoutMs = request.timeoutMs;
  if (request.memoryMb !== undefined) manifest.memoryMb = request.memoryMb;
  const checked = manifestSchema.safeParse(manifest);
  if (!checked.success)
    throw new ImportError(
      `the function's settings are not valid\n${describeIssues(checked.error)}`,
    );
  return checked.data;
}

function writeManifest(dir: string, manifest: Manifest): void {
  writeFileSync(join(dir, 'function.json'), `${JSON.stringify(manifest, null, 2)}\n`);
}

/**
 * A component brought as it is runs on `wasm-p1` only if it wraps a preview1 module (as every
 * `jco new` or wasm32-wasip1 component does): that core module, with its imports as the
 * spec names them, becomes build/<name>.wasm. Returns why not, otherwise.
 */
function extractPreview1(fn: FunctionEntry): string | null {
  const dir = transpiledDir(fn);
  for (const file of readdirSync(dir).filter((entry) => entry.endsWith('.wasm'))) {
    const module = new WebAssembly.Module(readFileSync(join(dir, file)));
    const imports = WebAssembly.Module.imports(module);
    if (imports.length === 0 || imports.some((entry) => entry.module !== 'wasi_snapshot_preview1'))
      continue;
    if (preview1Problems(module).length > 0) {
      return `the component's preview1 module does not run on node:wasi as it is (${preview1Problems(module).join('; ')})`;
    }
    copyFileSync(join(dir, file), fn.wasmPath);
    return null;
  }
  return 'the component holds no WASI preview1 module (it was built for WASI 0.2 directly), which node:wasi needs';
}

function suggestName(path: string): string {
  const stem = basename(path)
    .replace(/(\.component)?\.wasm$/, '')
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^[^a-z]+/, '');
  return stem || 'my-function';
}
