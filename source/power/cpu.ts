/** This machine's CPU utilisation from /proc/stat, and the linear power model built on it. */
import { readFileSync } from 'node:fs';

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

/** The thesis's Raspberry Pi 4B: about 2.7 W idle and 6.4 W with every core busy. */
export const PI4_MODEL = { idleWatts: 2.7, fullWatts: 6.4 } as const;

export function modelWatts(
  utilisation: number,
  model: { idleWatts: number; fullWatts: number },
): number {
  return model.idleWatts + (model.fullWatts - model.idleWatts) * utilisation;
}
