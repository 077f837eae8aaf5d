/**
 * A Debian slim base image without any registry (none is reachable from where Nebula
 * measures): `debootstrap --variant=minbase bookworm DIR` from Debian's packages (about
 * 30 s), tarred once into a cache file outside the engine's data, then `docker import`ed
 * (about 1.5 s) into whichever engine needs it. Built only when the `base=debian` variant
 * is asked for.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { LABEL_ROOT } from './labels.js';

export const DEBIAN_BASE_TAG = 'nebula-base/debian-bookworm-minbase:1';
const SUITE = 'bookworm';

/** $NEBULA_CACHE_DIR, else $XDG_CACHE_HOME/nebula, else ~/.cache/nebula. */
export function cacheDir(env = process.env): string {
  if (env.NEBULA_CACHE_DIR) return env.NEBULA_CACHE_DIR;
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'nebula');
}

export function debianTarball(env = process.env): string {
  return join(cacheDir(env), `debian-${SUITE}-minbase.tar`);
}

async function hasImage(docker: Docker, tag: string): Promise<boolean> {
  try {
    await docker.getImage(tag).inspect();
    return true;
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return false;
    throw error;
  }
}

/** The base image in this engine, imported from the cache (built first if need be). */
export async function ensureDebianBase(
  docker: Docker,
  log: (line: string) => void = () => {},
): Promise<void> {
  if (await hasImage(docker, DEBIAN_BASE_TAG)) return;
  const tarball = debianTarball();
  if (!existsSync(tarball)) await buildTarball(tarball, log);
  log(`importing ${tarball} as ${DEBIAN_BASE_TAG}`);
  const [repo, tag] = DEBIAN_BASE_TAG.split(':') as [string, string];
  // An array becomes one `changes=` query parameter per item.
  const options: object = { repo, tag, changes: [`LABEL ${LABEL_ROOT}=1`] };
  const stream = await docker.importImage(createReadStream(tarball), options);
  await new Promise<void>((resolve, reject) => {
    docker.modem.followProgress(
      stream,
      (error: Error | null, events: Array<{ error?: string }>) => {
        const failed = error?.message ?? events.find((event) => event.error)?.error;
        if (failed) reject(new Error(`importing ${DEBIAN_BASE_TAG} failed: ${failed}`));
        else resolve();
      },
    );
  });
}

async function buildTarball(tarball: string, log: (line: string) => void): Promise<void> {
  if (spawnSync('debootstrap', ['--version']).error) {
    throw new Error(
      'the base=debian variant needs debootstrap to build its base image: apt-get install debootstrap (or bash scripts/setup.sh)',
    );
  }
  if (process.getuid?.() !== 0) {
    throw new Error('building the Debian base image needs root (debootstrap); run as root once');
  }
  mkdirSync(cacheDir(), { recursive: true });
  const root = mkdtempSync(join(tmpdir(), 'nebula-debian-'));
  try {
    log(`debootstrap --variant=minbase ${SUITE} ${root} (about 30 s)`);
    await run('debootstrap', ['--variant=minbase', SUITE, root]);
    const partial = `${tarball}.partial`;
    await run('tar', ['-C', root, '-cf', partial, '.']);
    renameSync(partial, tarball);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-2000);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve();
      else
        reject(new Error(`${command} ${args.join(' ')} failed (exit ${code}): ${stderr.trim()}`));
    });
  });
}
