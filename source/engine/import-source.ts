/**
 * What an import reads from the user's side (here, or on a client before it sends it to a
 * gateway): the .wasm, and a folder's function.json, each a regular file within its bound.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describeIssues, type Manifest, manifestSchema } from '../catalog/manifest.js';
import { FileRefusedError, readRegularFile } from '../catalog/regular-file.js';

export interface ImportRequest {
  /** A .wasm file, or a folder with a function.json and one .wasm. */
  path: string;
  name?: string;
  description?: string;
  timeoutMs?: number;
  memoryMb?: number;
}

/** The request cannot be met: the message says what and how to fix it. */
export class ImportError extends Error {
  override name = 'ImportError';
}

/** The most a brought module or component may weigh (its base64 still fits one POST /import). */
export const MAX_MODULE_BYTES = 32 * 1024 * 1024;
/** A folder's function.json is a few hundred bytes; this is generous. */
const MAX_MANIFEST_BYTES = 64 * 1024;

export interface ImportSource {
  /** The .wasm file to import. */
  wasm: string;
  /** Its bytes, read once (a regular file, at most MAX_MODULE_BYTES). */
  bytes: Buffer<ArrayBuffer>;
  /** The folder's function.json, checked; null for a file given alone. */
  manifest: Manifest | null;
}

/** The .wasm and manifest a request names (a client reads them before sending them to a gateway). */
export function readImportSource(request: ImportRequest): ImportSource {
  let stat: ReturnType<typeof statSync>;
  try {
    stat = statSync(request.path);
  } catch {
    throw new ImportError(`${request.path}: no such file or folder`);
  }
  if (!stat.isDirectory()) {
    return { wasm: request.path, bytes: readModule(request.path), manifest: null };
  }
  const manifestPath = join(request.path, 'function.json');
  if (!existsSync(manifestPath)) {
    throw new ImportError(
      `${request.path} is a folder without a function.json; give the .wasm file itself, or add a manifest`,
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(
      refusedAsImportError(() =>
        readRegularFile(manifestPath, MAX_MANIFEST_BYTES, 'the manifest').toString('utf8'),
      ),
    );
  } catch (error) {
    if (error instanceof ImportError) throw error;
    throw new ImportError(`${manifestPath}: not valid JSON (${(error as Error).message})`);
  }
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success)
    throw new ImportError(`${manifestPath}: invalid manifest\n${describeIssues(parsed.error)}`);
  const wasm = [request.path, join(request.path, 'build')]
    .filter((dir) => existsSync(dir))
    .flatMap((dir) =>
      readdirSync(dir)
        .filter((file) => file.endsWith('.wasm'))
        .map((file) => join(dir, file)),
    );
  // A module is the source of its component: take the module when both are there.
  const modules = wasm.filter((file) => !file.endsWith('.component.wasm'));
  const candidates = modules.length > 0 ? modules : wasm;
  if (candidates.length !== 1) {
    throw new ImportError(
      candidates.length === 0
        ? `${request.path}: no .wasm file in the folder or its build/`
        : `${request.path}: more than one .wasm (${candidates.map((file) => basename(file)).join(', ')}); keep one, or give the file itself`,
    );
  }
  const chosen = candidates[0] as string;
  return { wasm: chosen, bytes: readModule(chosen), manifest: parsed.data };
}

/** A file refused by readRegularFile, as the import's own error. */
function refusedAsImportError<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof FileRefusedError) throw new ImportError(error.message);
    throw error;
  }
}

function readModule(path: string): Buffer<ArrayBuffer> {
  return refusedAsImportError(
    () => readRegularFile(path, MAX_MODULE_BYTES, 'the module') as Buffer<ArrayBuffer>,
  );
}
