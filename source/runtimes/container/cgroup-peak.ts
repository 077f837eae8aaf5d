/**
 * Peak memory of a cold container. A container's own cgroup is deleted when it exits, so each
 * invocation gets a parent cgroup of its own (HostConfig.CgroupParent); the parent's
 * high-water mark covers the container's whole life and outlives it. Read after the
 * container is gone (outside the timed span), then the parent is removed.
 * cgroup v1: memory/<parent>/memory.max_usage_in_bytes; v2: <parent>/memory.peak.
 * Only for an engine on this machine with the cgroupfs driver: elsewhere the reason is said.
 */
import { existsSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type Docker from 'dockerode';
import type { MemoryPeak } from '../../core/invocation.js';
import type { EngineAddress } from './address.js';

const CGROUP_ROOT = '/sys/fs/cgroup';

export class CgroupPeak {
  private next = 0;

  private constructor(
    private readonly version: 1 | 2 | null,
    private readonly base: string,
    /** Why peaks cannot be read, when version is null. */
    readonly unavailable: string | null,
  ) {}

  static async detect(
    docker: Docker,
    address: EngineAddress,
    sessionId: string,
    root = CGROUP_ROOT,
  ): Promise<CgroupPeak> {
    const base = `/nebula-peak/${sessionId}`;
    if (!address.url.startsWith('unix://')) {
      return new CgroupPeak(null, base, `the engine at ${address.url} is not on this machine`);
    }
    let info: { CgroupDriver?: string; CgroupVersion?: string };
    try {
      info = (await docker.info()) as typeof info;
    } catch {
      return new CgroupPeak(null, base, 'the engine did not say how it runs cgroups');
    }
    if (info.CgroupDriver !== 'cgroupfs') {
      return new CgroupPeak(
        null,
        base,
        `the engine's cgroup driver is ${info.CgroupDriver ?? 'unknown'}, not cgroupfs`,
      );
    }
    const version = info.CgroupVersion === '2' ? 2 : 1;
    const probe = version === 2 ? join(root, 'cgroup.controllers') : join(root, 'memory');
    if (!existsSync(probe)) {
      return new CgroupPeak(null, base, `the engine's cgroups are not visible here (${probe})`);
    }
    return new CgroupPeak(version, base, null);
  }

  /** A fresh parent cgroup for one invocation, or undefined when peaks are not read. */
  parentFor(): string | undefined {
    if (this.version === null) return undefined;
    this.next += 1;
    return `${this.base}/${this.next}`;
  }

  /** The parent's high-water mark; then the parent is removed. */
  read(parent: string | undefined, root = CGROUP_ROOT): MemoryPeak {
    if (this.version === null || parent === undefined) {
      return { peakBytes: null, source: 'none', note: this.unavailable ?? 'not measured' };
    }
    const source = this.version === 2 ? 'cgroup-v2' : 'cgroup-v1';
    const file =
      this.version === 2
        ? join(root, parent, 'memory.peak')
        : join(root, 'memory', parent, 'memory.max_usage_in_bytes');
    try {
      const peakBytes = Number(readFileSync(file, 'utf8').trim());
      return Number.isFinite(peakBytes)
        ? { peakBytes, source }
        : { peakBytes: null, source, note: `${file} holds no number` };
    } catch (error) {
      return { peakBytes: null, source, note: `cannot read ${file}: ${(error as Error).message}` };
    } finally {
      this.remove(parent, root);
    }
  }

  /**
   * A warm container serves many requests, so its peak is reset before each one: cgroup v1
   * takes a write to memory.max_usage_in_bytes (it restarts from the current usage). The
   * peak then covers the watchdog and the function it forked for this request. cgroup v2's
   * memory.peak has no such reset before Linux 6.12, so there the reason is given instead.
   */
  resetWarm(parent: string | undefined, containerId: string, root = CGROUP_ROOT): string | null {
    if (this.version === null || parent === undefined) return this.unavailable ?? 'not measured';
    if (this.version === 2) return "cgroup v2's memory.peak cannot be reset per request here";
    try {
      writeFileSync(join(root, 'memory', parent, containerId, 'memory.max_usage_in_bytes'), '0');
      return null;
    } catch (error) {
      return `cannot reset the warm container's peak: ${(error as Error).message}`;
    }
  }

  /** The warm container's peak since resetWarm; its cgroup stays (the container runs on). */
  readWarm(parent: string, containerId: string, root = CGROUP_ROOT): MemoryPeak {
    const file = join(root, 'memory', parent, containerId, 'memory.max_usage_in_bytes');
    try {
      const peakBytes = Number(readFileSync(file, 'utf8').trim());
      return Number.isFinite(peakBytes)
        ? { peakBytes, source: 'cgroup-v1', note: 'warm: the watchdog and this request' }
        : { peakBytes: null, source: 'cgroup-v1', note: `${file} holds no number` };
    } catch (error) {
      return {
        peakBytes: null,
        source: 'cgroup-v1',
        note: `cannot read ${file}: ${(error as Error).message}`,
      };
    }
  }

  /** Removes the session's parent cgroups (once no container is in them). */
  close(root = CGROUP_ROOT): void {
    if (this.version === null) return;
    this.remove(this.base, root);
    this.remove(this.base.slice(0, this.base.lastIndexOf('/')), root, true);
  }

  /** rmdir in every hierarchy; runc made the parent in each controller of cgroup v1. */
  private remove(path: string, root: string, onlyIfEmpty = false): void {
    const dirs =
      this.version === 2
        ? [join(root, path)]
        : readdirSync(root).map((controller) => join(root, controller, path));
    for (const dir of dirs) {
      if (!existsSync(dir)) continue;
      if (!onlyIfEmpty) {
        for (const child of readdirSync(dir, { withFileTypes: true })) {
          if (child.isDirectory()) removeTree(join(dir, child.name));
        }
      }
      try {
        rmdirSync(dir);
      } catch {
        // Still in use (another session's parent, a container being removed): left for later.
      }
    }
  }
}

/** cgroup directories hold only pseudo-files: rmdir, children first. */
function removeTree(dir: string): void {
  for (const child of readdirSync(dir, { withFileTypes: true })) {
    if (child.isDirectory()) removeTree(join(dir, child.name));
  }
  try {
    rmdirSync(dir);
  } catch {
    // in use: left
  }
}
