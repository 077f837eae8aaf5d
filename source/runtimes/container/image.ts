import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type Docker from 'dockerode';
import { unavailableReason } from '../../catalog/availability.js';
import { type FunctionEntry, nativeBinaryPath } from '../../catalog/catalog.js';
import { updateWithFile } from '../../catalog/file-hash.js';
import { dockerArch, NATIVE_ARCH, type NativeArch, type Platform } from '../../core/platform.js';
import type { ContainerVariant } from '../variants.js';
import { DEBIAN_BASE_TAG } from './debian-base.js';
import { LABEL_FUNCTION, LABEL_PLATFORM, LABEL_ROOT, LABEL_SOURCE_HASH } from './labels.js';
import { tar } from './tar.js';

export const IMAGE_REPOSITORY = 'nebula-fn';
export const FUNCTION_PATH = '/function';
export const WATCHDOG_PATH = '/nebula-watchdog';
/** nobody:nogroup; a FROM scratch image has no /etc/passwd, so numbers it is. */
export const SANDBOX_USER = '65534:65534';

export type ImageBase = ContainerVariant['base'];
/** Images on another base than scratch carry it in their label and repository. */
export const LABEL_BASE = 'nebula.base';

// Part of the hash: a change of the recipe rebuilds every image.
function dockerfile(base: ImageBase): string {
  return [
    `FROM ${base === 'debian' ? DEBIAN_BASE_TAG : 'scratch'}`,
    // One COPY: each instruction of the classic builder commits a layer through a container.
    'COPY function nebula-watchdog /',
    `USER ${SANDBOX_USER}`,
    `CMD ["${FUNCTION_PATH}"]`,
    '',
  ].join('\n');
}

/** The watchdog binary for ARCH committed beside its source (scripts/build-functions.sh). */
export function watchdogPath(arch: NativeArch): string {
  const here = fileURLToPath(new URL('.', import.meta.url));
  const name = `nebula-watchdog.${arch}`;
  // From dist/source/runtimes/container/ back to source/runtimes/container/.
  for (const candidate of [
    join(here, 'watchdog'),
    join(here, '../../../../source/runtimes/container/watchdog'),
  ]) {
    const file = join(candidate, name);
    if (existsSync(file)) return file;
  }
  throw new NotBuiltError(
    `source/runtimes/container/watchdog/${name} is missing; build it with bash scripts/build-functions.sh`,
  );
}

export class NotBuiltError extends Error {
  override name = 'NotBuiltError';
}

/** The native binary of FN for PLATFORM, or a NotBuiltError naming both and the fix. */
export function functionBinary(fn: FunctionEntry, platform: Platform): string {
  const unavailable = unavailableReason(fn.manifest, 'container');
  if (unavailable) throw new NotBuiltError(`${fn.name}: ${unavailable}`);
  const arch = NATIVE_ARCH[platform];
  const path = nativeBinaryPath(fn, arch);
  if (!existsSync(path)) {
    throw new NotBuiltError(
      `${fn.name} has no native binary for ${platform} (${relative(dirname(dirname(fn.dir)), path)} is missing); build it with \`npm run build:functions\` (bash scripts/build-functions.sh builds x86_64 and aarch64 on either kind of host)`,
    );
  }
  return path;
}

/** The files an image is made from: the function's source and manifest, its binary, the watchdog. */
function inputFiles(fn: FunctionEntry, platform: Platform): string[] {
  const files = [
    join(fn.dir, 'function.json'),
    functionBinary(fn, platform),
    watchdogPath(NATIVE_ARCH[platform]),
  ];
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
 * sha256 over the recipe, the platform and every input file (path relative to the function,
 * then bytes). Cached on size and mtime, so invocations pay a few stat calls, not a re-read.
 */
export class SourceHasher {
  private readonly cache = new Map<string, { key: string; hash: string }>();

  constructor(
    readonly platform: Platform,
    readonly base: ImageBase = 'scratch',
  ) {}

  hash(fn: FunctionEntry): string {
    const files = inputFiles(fn, this.platform);
    const key = files
      .map((file) => {
        const stat = statSync(file);
        return `${file}:${stat.size}:${stat.mtimeMs}`;
      })
      .join('|');
    const cached = this.cache.get(fn.name);
    if (cached?.key === key) return cached.hash;
    const hash = createHash('sha256').update(dockerfile(this.base)).update(`\n${this.platform}\n`);
    for (const file of files) {
      hash.update(`\n${relative(fn.dir, file)}\n`);
      updateWithFile(hash, file);
    }
    const digest = hash.digest('hex');
    this.cache.set(fn.name, { key, hash: digest });
    return digest;
  }
}

export function imageTag(
  fn: FunctionEntry,
  sourceHash: string,
  base: ImageBase = 'scratch',
): string {
  const repository = base === 'scratch' ? IMAGE_REPOSITORY : `${IMAGE_REPOSITORY}-${base}`;
  return `${repository}/${fn.name}:${sourceHash.slice(0, 16)}`;
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
  const { platform, base } = hasher;
  const tag = imageTag(fn, sourceHash, base);
  if (await imageExists(docker, tag)) return { tag, built: false, ms: performance.now() - started };
  const arch = NATIVE_ARCH[platform];
  const context = tar([
    { name: 'Dockerfile', data: Buffer.from(dockerfile(base)), mode: 0o644 },
    { name: 'function', data: readFileSync(functionBinary(fn, platform)), mode: 0o755 },
    { name: 'nebula-watchdog', data: readFileSync(watchdogPath(arch)), mode: 0o755 },
  ]);
  const labels = {
    [LABEL_ROOT]: '1',
    [LABEL_FUNCTION]: fn.name,
    [LABEL_SOURCE_HASH]: sourceHash,
    [LABEL_PLATFORM]: platform,
    ...(base === 'scratch' ? {} : { [LABEL_BASE]: base }),
  };
  const stream = await docker.buildImage(
    context as unknown as NodeJS.ReadableStream,
    {
      t: tag,
      labels,
      // FROM scratch pulls nothing: the platform only sets the image's own Os/Architecture.
      platform,
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
  await checkImagePlatform(docker, tag, platform);
  await removeStaleImages(docker, fn, platform, sourceHash, base);
  return { tag, built: true, ms: performance.now() - started };
}

/** An engine too old to honour the build's platform would tag arm64 code as amd64: refuse. */
async function checkImagePlatform(docker: Docker, tag: string, platform: Platform): Promise<void> {
  const info = await docker.getImage(tag).inspect();
  if (info.Architecture === dockerArch(platform)) return;
  await docker
    .getImage(tag)
    .remove()
    .catch(() => undefined);
  throw new Error(
    `the Docker engine built ${tag} as ${info.Os}/${info.Architecture}, not ${platform}; it needs API 1.38 or newer (Docker 18.06+) to build for a platform`,
  );
}

/**
 * Older images of the function for this platform are dead weight; one still in use stays
 * (removal fails). Another platform's image stays, for a profile that uses it.
 */
async function removeStaleImages(
  docker: Docker,
  fn: FunctionEntry,
  platform: Platform,
  keepHash: string,
  base: ImageBase,
): Promise<void> {
  const images = await docker.listImages({ filters: { label: [`${LABEL_FUNCTION}=${fn.name}`] } });
  for (const image of images) {
    if (image.Labels?.[LABEL_SOURCE_HASH] === keepHash) continue;
    // Images from before platforms were recorded carry no label: the host's, stale anyway.
    const other = image.Labels?.[LABEL_PLATFORM];
    if (other !== undefined && other !== platform) continue;
    // Each base keeps its own image: another base's is not stale.
    if ((image.Labels?.[LABEL_BASE] ?? 'scratch') !== base) continue;
    await docker
      .getImage(image.Id)
      .remove({ noprune: false })
      .catch(() => undefined);
  }
}
