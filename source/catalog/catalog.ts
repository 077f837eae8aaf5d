import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { arch } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NativeArch } from '../core/platform.js';
import { describeIssues, LANGUAGES, type Manifest, manifestSchema } from './manifest.js';

/** The repository's functions/ folder, found from this file (source/ or dist/source/). */
export function defaultFunctionsDir(): string {
  if (process.env.NEBULA_FUNCTIONS_DIR) return resolve(process.env.NEBULA_FUNCTIONS_DIR);
  let dir = fileURLToPath(new URL('.', import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'functions');
    if (existsSync(join(candidate, 'Cargo.toml')) || existsSync(join(candidate, 'hello'))) {
      return candidate;
    }
    dir = resolve(dir, '..');
  }
  throw new Error('cannot find the functions/ folder; set NEBULA_FUNCTIONS_DIR');
}

/**
 * Where functions brought with `nebula deploy --wasm` live: functions/user/ (git-ignored), or
 * NEBULA_USER_FUNCTIONS_DIR.
 */
export function userFunctionsDir(functionsDir = defaultFunctionsDir()): string {
  if (process.env.NEBULA_USER_FUNCTIONS_DIR) return resolve(process.env.NEBULA_USER_FUNCTIONS_DIR);
  return join(functionsDir, 'user');
}

export interface FunctionEntry {
  manifest: Manifest;
  /** Built with the repository (functions/), or brought by a user (userFunctionsDir). */
  origin: 'built-in' | 'user';
  name: string;
  dir: string;
  /** The preview1 core module. */
  wasmPath: string;
  /** The component made from it by `jco new`. */
  componentPath: string;
  /** The native static binary for this machine's architecture (nativeBinaryPath: any). */
  nativePath: string;
}

/** The native static binary built for ARCH (scripts/build-functions.sh builds them all). */
export function nativeBinaryPath(fn: FunctionEntry, arch: NativeArch): string {
  return join(fn.dir, 'build', `${fn.name}.${arch}`);
}

export class CatalogError extends Error {
  override name = 'CatalogError';
}

const NATIVE_ARCH: Record<string, string> = { x64: 'x86_64', arm64: 'aarch64' };

export function loadFunction(
  dir: string,
  origin: FunctionEntry['origin'] = 'built-in',
): FunctionEntry {
  const manifestPath = join(dir, 'function.json');
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(manifestPath, 'utf8'));
  } catch (error) {
    throw new CatalogError(`${manifestPath}: not valid JSON (${(error as Error).message})`);
  }
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) {
    throw new CatalogError(`${manifestPath}: invalid manifest\n${describeIssues(parsed.error)}`);
  }
  const manifest = parsed.data;
  const build = join(dir, 'build');
  return {
    manifest,
    origin,
    name: manifest.name,
    dir,
    wasmPath: join(build, `${manifest.name}.wasm`),
    componentPath: join(build, `${manifest.name}.component.wasm`),
    nativePath: join(build, `${manifest.name}.${NATIVE_ARCH[arch()] ?? arch()}`),
  };
}

export interface Catalog {
  functions: FunctionEntry[];
  /** Folders whose manifest could not be read: shown, never fatal for the others. */
  problems: string[];
  get(name: string): FunctionEntry;
}

export function loadCatalog(functionsDir = defaultFunctionsDir()): Catalog {
  const functions: FunctionEntry[] = [];
  const problems: string[] = [];
  const load = (root: string, origin: FunctionEntry['origin']) => {
    if (!existsSync(root)) return;
    for (const entry of readdirSync(root).sort()) {
      const dir = join(root, entry);
      if (!statSync(dir).isDirectory() || !existsSync(join(dir, 'function.json'))) continue;
      try {
        const fn = loadFunction(dir, origin);
        if (functions.some((known) => known.name === fn.name)) {
          problems.push(
            `${dir}: a function named "${fn.name}" already exists; this one is ignored`,
          );
        } else functions.push(fn);
      } catch (error) {
        problems.push((error as Error).message);
      }
    }
  };
  load(functionsDir, 'built-in');
  load(userFunctionsDir(functionsDir), 'user');
  // The Rust functions (the thesis's) first, then C, AssemblyScript, modules brought as they are.
  const rank = (fn: FunctionEntry) => LANGUAGES.indexOf(fn.manifest.language);
  functions.sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name));
  return {
    functions,
    problems,
    get(name: string): FunctionEntry {
      const found = functions.find((fn) => fn.name === name);
      if (found) return found;
      const known = functions.map((fn) => fn.name).join(', ');
      throw new CatalogError(`unknown function "${name}"; known functions: ${known}`);
    },
  };
}
