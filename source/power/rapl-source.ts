/** The kernel's RAPL energy counters (Intel/AMD package domains) under /sys/class/powercap. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PowerSource } from './source.js';

export const POWERCAP_DIR = '/sys/class/powercap';

interface Domain {
  path: string;
  maxUj: number;
}

/** Top-level package domains only (intel-rapl:0, not intel-rapl:0:0, which they contain). */
export function findRaplDomains(dir = POWERCAP_DIR): Domain[] {
  if (!existsSync(dir)) {
    throw new Error(
      `${dir} does not exist: this machine exposes no RAPL counters; use source "estimate"`,
    );
  }
  const names = readdirSync(dir).filter((name) => /^[a-z]+-rapl:\d+$/.test(name));
  if (names.length === 0)
    throw new Error(`no RAPL package domain in ${dir}; use source "estimate"`);
  return names.map((name) => {
    const path = join(dir, name);
    try {
      readFileSync(join(path, 'energy_uj'), 'utf8');
    } catch (error) {
      throw new Error(
        `cannot read ${join(path, 'energy_uj')} (${(error as NodeJS.ErrnoException).code}); on most kernels only root may`,
      );
    }
    return { path, maxUj: Number(readFileSync(join(path, 'max_energy_range_uj'), 'utf8')) };
  });
}

/** Package power of the CPU, not of the machine at the wall: labelled "rapl". */
export class RaplPowerSource extends PowerSource {
  readonly kind = 'rapl';
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly dir = POWERCAP_DIR,
    periodMs = 1000,
  ) {
    super('rapl', periodMs);
  }

  protected async open(): Promise<void> {
    const domains = findRaplDomains(this.dir);
    const read = () => domains.map((d) => Number(readFileSync(join(d.path, 'energy_uj'), 'utf8')));
    let last = read();
    let lastNs = process.hrtime.bigint();
    this.setState('up');
    this.timer = setInterval(() => {
      try {
        const now = read();
        const nowNs = process.hrtime.bigint();
        let joules = 0;
        for (const [i, domain] of domains.entries()) {
          let delta = (now[i] ?? 0) - (last[i] ?? 0);
          if (delta < 0) delta += domain.maxUj; // the counter wrapped
          joules += delta / 1e6;
        }
        const seconds = Number(nowNs - lastNs) / 1e9;
        last = now;
        lastNs = nowNs;
        this.accept(joules / seconds, null);
      } catch (error) {
        this.reject(`cannot read RAPL counters: ${(error as Error).message}`);
      }
    }, this.expectedPeriodMs);
  }

  protected async close(): Promise<void> {
    clearInterval(this.timer);
  }
}
