import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';

/** Every container and image Nebula makes carries nebula=1. */
export const LABEL_ROOT = 'nebula';
export const LABEL_FUNCTION = 'nebula.function';
export const LABEL_SOURCE_HASH = 'nebula.source-hash';
/** The platform an image was built for (linux/amd64, linux/arm64). */
export const LABEL_PLATFORM = 'nebula.platform';
export const LABEL_SESSION = 'nebula.session';
/** host:pid:start-time of the owning process, so a sweep can tell a crash from a neighbour. */
export const LABEL_OWNER = 'nebula.owner';
export const LABEL_MODE = 'nebula.mode';

/** The kernel's start time of a process (clock ticks since boot), or null off Linux. */
export function processStartTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 22; the command name (field 2) may hold spaces, so count from its closing ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19] ?? null;
  } catch {
    return null;
  }
}

export function ownerLabel(pid = process.pid): string {
  return `${hostname()}:${pid}:${processStartTime(pid) ?? '?'}`;
}

export function newSessionId(): string {
  return `${process.pid}-${randomBytes(4).toString('hex')}`;
}

/**
 * Whether the process that made a container is gone. Only a process on this machine can be
 * checked; a container from another host is someone else's and is never judged dead.
 */
export function ownerIsDead(owner: string | undefined): boolean {
  if (!owner) return false;
  const [host, pidText, startTime] = owner.split(':');
  if (host !== hostname()) return false;
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
  // Alive, unless the pid was reused by a newer process.
  const now = processStartTime(pid);
  return startTime !== '?' && now !== null && now !== startTime;
}
