import type Docker from 'dockerode';
import type { Manifest } from '../../catalog/manifest.js';
import type { ContainerVariant } from '../variants.js';
import { SANDBOX_USER } from './image.js';

const MIB = 1024 * 1024;

/**
 * The sandbox (README, Runtimes) from the manifest's limits.
 *
 * No network: NetworkMode none, and NetworkDisabled so that dockerd sets up no libnetwork
 * sandbox at all. runc then gives the container a fresh network namespace that holds only
 * loopback, as `none` does, without the daemon's per-container network hooks (the largest
 * part of a cold start here: about 200 ms). `docker run` has no flag for NetworkDisabled.
 */
export function sandboxConfig(
  manifest: Manifest,
  extra: { pids?: number; net?: ContainerVariant['net']; cgroupParent?: string } = {},
): Pick<Docker.ContainerCreateOptions, 'User' | 'NetworkDisabled' | 'HostConfig'> {
  const net = extra.net ?? 'disabled';
  return {
    User: SANDBOX_USER,
    // The `none` and `bridge` variants are what `docker run --network none|bridge` sends.
    ...(net === 'disabled' ? { NetworkDisabled: true } : {}),
    HostConfig: {
      NetworkMode: net === 'bridge' ? 'bridge' : 'none',
      ...(extra.cgroupParent ? { CgroupParent: extra.cgroupParent } : {}),
      ReadonlyRootfs: true,
      CapDrop: ['ALL'],
      SecurityOpt: ['no-new-privileges'],
      Memory: manifest.memoryMb * MIB,
      MemorySwap: manifest.memoryMb * MIB,
      NanoCpus: Math.round(manifest.cpus * 1e9),
      PidsLimit: manifest.pids + (extra.pids ?? 0),
      // Output comes through the attach stream; a log file would only be written and dropped.
      LogConfig: { Type: 'none', Config: {} },
    },
  };
}
