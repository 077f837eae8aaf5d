import { randomBytes } from 'node:crypto';
import { readFileSync, readlinkSync } from 'node:fs';

/** Every container and image Nebula makes carries nebula=1. */
export const LABEL_ROOT = 'nebula';
export const LABEL_FUNCTION = 'nebula.function';
export const LABEL_SOURCE_HASH = 'nebula.source-hash';
/** The platform an image was built for (linux/amd64, linux/arm64). */
export const LABEL_PLATFORM = 'nebula.platform';
export const LABEL_SESSION = 'nebula.session';
/** The owning process by machine identity (ownerLabel), so a sweep can tell a crash from a neighbour. */
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

/**
 * Who this machine is, for telling our containers from a neighbour's on a shared engine:
 * the machine id (stable across renames, unique per install), the boot id (new at every
 * boot) and the pid namespace (two containers on one host share the boot id, and may
 * share a machine id copied into an image). A host name is neither stable nor unique.
 */
export interface MachineIdentity {
  machineId: string | null;
  bootId: string | null;
  pidNamespace: string | null;
}

function readTrimmed(path: string): string | null {
  try {
    const text = readFileSync(path, 'utf8').trim();
    return ID.test(text.toLowerCase()) ? text.toLowerCase() : null;
  } catch {
    return null;
  }
}

export function machineIdentity(): MachineIdentity {
  let pidNamespace: string | null = null;
  try {
    pidNamespace = /\[(\d+)\]/.exec(readlinkSync('/proc/self/ns/pid'))?.[1] ?? null;
  } catch {
    pidNamespace = null;
  }
  return {
    machineId: readTrimmed('/etc/machine-id') ?? readTrimmed('/var/lib/dbus/machine-id'),
    bootId: readTrimmed('/proc/sys/kernel/random/boot_id'),
    pidNamespace,
  };
}

const OWNER_VERSION = 'm1';
const ID = /^[0-9a-f-]{16,}$/;

/** m1:<machine-id>:<boot-id>:<pid namespace>:<pid>:<start time>, "-" for what is unknown. */
export function ownerLabel(
  pid = process.pid,
  identity = machineIdentity(),
  startTime = processStartTime(pid),
): string {
  const part = (value: string | null) => value ?? '-';
  return [
    OWNER_VERSION,
    part(identity.machineId),
    part(identity.bootId),
    part(identity.pidNamespace),
    pid,
    part(startTime),
  ].join(':');
}

export function newSessionId(): string {
  return `${process.pid}-${randomBytes(4).toString('hex')}`;
}

/**
 * Whether a container's owner is provably a Nebula process of this machine that is gone.
 * Anything else (another machine, another pid namespace, a label we cannot read, an
 * identity this machine cannot establish) is someone else's and is never judged dead.
 */
export function ownerIsDead(
  owner: string | undefined,
  identity = machineIdentity(),
  alive = processAlive,
): boolean {
  const fields = owner?.split(':');
  if (fields?.length !== 6 || fields[0] !== OWNER_VERSION) return false;
  const [, machineId, bootId, pidNamespace, pidText, startTime] = fields;
  if (!identity.bootId || !ID.test(bootId ?? '')) return false;
  const sameMachine = identity.machineId !== null && machineId === identity.machineId;
  // Another boot of this very machine: every process of it has ended.
  if (sameMachine && bootId !== identity.bootId) return true;
  if (bootId !== identity.bootId) return false;
  // The same boot: a pid means something only inside its own pid namespace.
  if (!identity.pidNamespace || pidNamespace !== identity.pidNamespace) return false;
  if (!sameMachine && machineId !== (identity.machineId ?? '-')) return false;
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0) return false;
  const state = alive(pid);
  if (state === 'gone') return true;
  // Alive, unless the pid was reused by a newer process.
  return startTime !== '-' && state !== startTime;
}

/** 'gone', or the start time of the live process with this pid ('?' when unreadable). */
function processAlive(pid: number): 'gone' | string {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return 'gone';
  }
  return processStartTime(pid) ?? '?';
}
