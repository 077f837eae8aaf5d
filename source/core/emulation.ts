/**
 * Whether this Node process runs under emulation (qemu-user through binfmt_misc, as the
 * emulated Raspberry Pi in CI does). Timings taken there are not performance figures, so
 * every result and session says so.
 *
 * qemu-user answers uname with the guest's architecture but passes /proc/cpuinfo through
 * from the host, so a CPU description of another family than process.arch gives it away.
 */
import { existsSync, readFileSync } from 'node:fs';

/** The CPU family /proc/cpuinfo describes, as process.arch names it; null when unknown. */
export function cpuFamily(cpuinfo: string): string | null {
  if (/^vendor_id\s*:/m.test(cpuinfo)) return 'x64';
  if (/^CPU implementer\s*:/m.test(cpuinfo))
    return /^CPU architecture\s*:\s*7/m.test(cpuinfo) ? 'arm' : 'arm64';
  return null;
}

const QEMU_NAME: Record<string, string> = { arm64: 'aarch64', x64: 'x86_64', arm: 'arm' };

/** How this process is emulated ("arm64 Node under qemu-user ..."), or null when it is not. */
export function describeEmulation(
  nodeArch: string,
  cpuinfo: string,
  binfmtDir = '/proc/sys/fs/binfmt_misc',
): string | null {
  const family = cpuFamily(cpuinfo);
  if (family === null || family === nodeArch) return null;
  const entry = `${binfmtDir}/qemu-${QEMU_NAME[nodeArch] ?? nodeArch}`;
  const how = existsSync(entry) ? 'qemu-user through binfmt_misc' : 'an emulator';
  return `${nodeArch} Node under ${how} on a ${family} CPU`;
}

let cached: string | null | undefined;

/** describeEmulation for this process, read once. */
export function processEmulation(): string | null {
  if (cached !== undefined) return cached;
  let cpuinfo = '';
  try {
    cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  } catch {
    // Not Linux: nothing to tell.
  }
  cached = describeEmulation(process.arch, cpuinfo);
  return cached;
}
