import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type Docker from 'dockerode';
import type { FunctionEntry } from '../../catalog/catalog.js';
import { LABEL_FUNCTION, LABEL_ROOT, LABEL_SOURCE_HASH } from './labels.js';
import { tar } from './tar.js';

export const IMAGE_REPOSITORY = 'nebula-fn';
export const FUNCTION_PATH = '/function';
export const WATCHDOG_PATH = '/nebula-watchdog';
/** nobody:nogroup; a FROM scratch image has no /etc/passwd, so numbers it is. */
export const SANDBOX_USER = '65534:65534';

// Part of the hash: a change of the recipe rebuilds every image.
const DOCKERFILE = [
  'FROM scratch',
  // One COPY: each instruction of the classic builder commits a layer through a container.
  'COPY function nebula-watchdog /',
  `USER ${SANDBOX_USER}`,
  `CMD ["${FUNCTION_PATH}"]`,
  '',
].join('\n');

/** The watchdog binary committed beside its source (watchdog/build.sh rebuilds it). */
export function watchdogPath(): string {
  const here = fileURLToPath(new URL('.', import.meta.url));
  // From dist/source/runtimes/container/ back to source/runtimes/container/.
  for (const candidate of [
    join(here, 'watchdog'),
    join(here, '../../../../source/runtimes/container/watchdog'),
  ]) {
    const file = join(candidate, 'nebula-watchdog');
    if (existsSync(file)) return file;
  }
  throw new Error(
    'source/runtimes/container/watchdog/nebula-watchdog is missing; run bash source/runtimes/container/watchdog/build.sh',
  );
}

export class NotBuiltError extends Error {
  override name = 'NotBuiltError';
}

/** The files an image is made from: the function's source and manifest, its binary, the watchdog. */
function inputFiles(fn: FunctionEntry): string[] {
  if (!existsSync(fn.nativePath)) {
    throw new NotBuiltError(
      `${fn.name}: no native binary at ${fn.nativePath}; build the functions first (npm run build:functions)`,
    );
  }
  const files = [join(fn.dir, 'function.json'), fn.nativePath, watchdogPath()];
  for (const extra of [join(fn.dir, 'Cargo.toml')]) if (existsSync(extra)) files.push(extra);
  const src = join(fn.dir, 'src');
  if (existsSync(src)) files.push(...walk(src));
  return files;
}

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
    a.name.localeCompare(b.name),
  )) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...walk(path));
    else if (entry.isFile()) out.push(path);
  }
  return out;
}

/**
 * sha256 over the recipe and every input file (path relative to the function, then bytes).
 * Cached on size and mtime, so invocations pay a few stat calls, not a re-read.
 */
export class SourceHasher {
  private readonly cache = new Map<string, { key: string; hash: string }>();

  hash(fn: FunctionEntry): string {
    const files = inputFiles(fn);
    const key = files
      .map((file) => {
        const stat = statSync(file);
        return `${file}:${stat.size}:${stat.mtimeMs}`;
      })
      .join('|');
    const cached = this.cache.get(fn.name);
    if (cached?.key === key) return cached.hash;
    const hash = createHash('sha256').update(DOCKERFILE);
    for (const file of files) {
      hash.update(`\n${relative(fn.dir, file)}\n`);
      hash.update(readFileSync(file));
    }
    const digest = hash.digest('hex');
    this.cache.set(fn.name, { key, hash: digest });
    return digest;
  }
}

export function imageTag(fn: FunctionEntry, sourceHash: string): string {
  return `${IMAGE_REPOSITORY}/${fn.name}:${sourceHash.slice(0, 16)}`;
}

export async function imageExists(docker: Docker, tag: string): Promise<boolean> {
  try {
    await docker.getImage(tag).inspect();
    return true;
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return false;
    throw error;
  }
}

export interface BuildOutcome {
  tag: string;
  built: boolean;
  ms: number;
}

/** Builds the function's image unless one with the same source hash exists; drops older ones. */
export async function buildImage(
  docker: Docker,
  fn: FunctionEntry,
  hasher: SourceHasher,
): Promise<BuildOutcome> {
  const started = performance.now();
  const sourceHash = hasher.hash(fn);
  const tag = imageTag(fn, sourceHash);
  if (await imageExists(docker, tag)) return { tag, built: false, ms: performance.now() - started };
  const context = tar([
    { name: 'Dockerfile', data: Buffer.from(DOCKERFILE), mode: 0o644 },
    { name: 'function', data: readFileSync(fn.nativePath), mode: 0o755 },
    { name: 'nebula-watchdog', data: readFileSync(watchdogPath()), mode: 0o755 },
  ]);
  const labels = { [LABEL_ROOT]: '1', [LABEL_FUNCTION]: fn.name, [LABEL_SOURCE_HASH]: sourceHash };
  const stream = await docker.buildImage(
    context as unknown as NodeJS.ReadableStream,
    {
      t: tag,
      labels,
      rm: true,
      forcerm: true,
    } as Docker.ImageBuildOptions,
  );
  await new Promise<void>((resolve, reject) => {
    docker.modem.followProgress(
      stream,
      (
        error: Error | null,
        events: Array<{ error?: string; errorDetail?: { message?: string } }>,
      ) => {
        const failed = error?.message ?? events.find((event) => event.error)?.error;
        if (failed) reject(new Error(`building the image of ${fn.name} failed: ${failed}`));
        else resolve();
      },
    );
  });
  await removeStaleImages(docker, fn, sourceHash);
  return { tag, built: true, ms: performance.now() - started };
}

/** Older images of the function are dead weight; one still in use stays (removal fails). */
async function removeStaleImages(
  docker: Docker,
  fn: FunctionEntry,
  keepHash: string,
): Promise<void> {
  const images = await docker.listImages({ filters: { label: [`${LABEL_FUNCTION}=${fn.name}`] } });
  for (const image of images) {
    if (image.Labels?.[LABEL_SOURCE_HASH] === keepHash) continue;
    await docker
      .getImage(image.Id)
      .remove({ noprune: false })
      .catch(() => undefined);
  }
}
