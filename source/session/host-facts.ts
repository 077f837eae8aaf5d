/**
 * What a reader of a session's figures needs to know about the machine at the start: how its
 * CPU clock was governed, how busy it already was, and which V8 ran. Read once, when the
 * session log's header is written.
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';

export const GOVERNOR_PATH = '/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor';

export interface Governor {
  /** The cpufreq scaling governor of cpu0 ("performance", "ondemand", ...); null when absent. */
  governor: string | null;
  /** Why there is none, when there is none. */
  note: string | null;
}

type ReadText = (path: string) => string;

const readText: ReadText = (path) => readFileSync(path, 'utf8');

/**
 * cpu0's frequency governor. Virtual machines usually expose no cpufreq at all (the host sets
 * the clock), and /proc/cpuinfo's `hypervisor` flag tells that case apart.
 */
export function cpuGovernor(read: ReadText = readText): Governor {
  try {
    const governor = read(GOVERNOR_PATH).trim();
    if (governor) return { governor, note: null };
  } catch {
    // No cpufreq on this machine: said below.
  }
  let virtual = false;
  try {
    virtual = /^flags\s*:.*\bhypervisor\b/m.test(read('/proc/cpuinfo'));
  } catch {
    // Not Linux.
  }
  return {
    governor: null,
    note: virtual
      ? `no ${GOVERNOR_PATH}: a virtual machine (hypervisor flag in /proc/cpuinfo), the host sets the CPU clock`
      : `no ${GOVERNOR_PATH}: the kernel exposes no frequency scaling here`,
  };
}

/** The 1, 5 and 15 minute load averages (the run queue, as `uptime` prints them). */
export function loadAverages(): [number, number, number] {
  const [one = 0, five = 0, fifteen = 0] = loadavg();
  return [round2(one), round2(five), round2(fifteen)];
}

const round2 = (value: number) => Math.round(value * 100) / 100;
