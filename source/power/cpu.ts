/** This machine's CPU utilisation from /proc/stat, and the linear power model built on it. */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

interface CpuTimes {
  busy: number;
  total: number;
}

/** The aggregate "cpu" line: busy is everything but idle and iowait. */
export function parseProcStat(text: string): CpuTimes {
  const line = text.split('\n').find((l) => l.startsWith('cpu '));
  if (!line) throw new Error('/proc/stat has no aggregate "cpu" line');
  const fields = line.trim().split(/\s+/).slice(1).map(Number);
  // guest and guest_nice are already counted in user and nice.
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] =
    fields;
  const busy = user + nice + system + irq + softirq + steal;
  return { busy, total: busy + idle + iowait };
}

/** Utilisation (0..1) between successive calls of next(). */
export class CpuMeter {
  private last: CpuTimes;

  constructor(private readonly read: () => string = () => readFileSync('/proc/stat', 'utf8')) {
    this.last = parseProcStat(this.read());
  }

  next(): number {
    const now = parseProcStat(this.read());
    const total = now.total - this.last.total;
    const busy = now.busy - this.last.busy;
    this.last = now;
    if (total <= 0) return 0;
    return Math.min(1, Math.max(0, busy / total));
  }
}

/**
 * A Raspberry Pi 4B's draw at its USB-C input as the Pi Dramble power benchmarks publish it:
 * 540 mA idle and 1280 mA under `stress --cpu 4`, at 5 V. An assumption for the estimate and
 * the simulators, not a measurement of ours; the thesis gives no such figures (its wall
 * meter read about 2.47 W idle, supply included).
 */
export const PI4_MODEL = { idleWatts: 2.7, fullWatts: 6.4 } as const;

export function modelWatts(
  utilisation: number,
  model: { idleWatts: number; fullWatts: number },
): number {
  return model.idleWatts + (model.fullWatts - model.idleWatts) * utilisation;
}

/** USER_HZ: /proc/PID/stat counts CPU time in these ticks per second on Linux. */
const TICKS_PER_S = 100;

/** utime + stime of one process, in ticks (fields 14 and 15 of /proc/PID/stat). */
export function parseProcessStat(text: string): number {
  // The command name (field 2) is in parentheses and may hold spaces: count after its ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) {
    throw new Error('unexpected /proc/PID/stat (no utime and stime)');
  }
  return utime + stime;
}

/**
 * The share of this machine's cores one process (its threads included) kept busy between
 * successive calls of next(): a simulated plug that sees only the measured process, not the
 * other work on a shared machine. A process that is gone reads as idle.
 */
export class ProcessCpuMeter {
  private lastTicks: number;
  private lastNs = process.hrtime.bigint();
  private readonly cores = availableParallelism();

  constructor(private readonly pid: number) {
    this.lastTicks = this.read() ?? 0;
  }

  private read(): number | null {
    try {
      return parseProcessStat(readFileSync(`/proc/${this.pid}/stat`, 'utf8'));
    } catch {
      return null;
    }
  }

  next(): number {
    const ticks = this.read();
    const now = process.hrtime.bigint();
    const seconds = Number(now - this.lastNs) / 1e9;
    this.lastNs = now;
    if (ticks === null || seconds <= 0) return 0;
    const busy = (ticks - this.lastTicks) / TICKS_PER_S;
    this.lastTicks = ticks;
    return Math.min(1, Math.max(0, busy / (seconds * this.cores)));
  }
}
