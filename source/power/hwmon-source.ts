/**
 * Power from a Linux hwmon device (/sys/class/hwmon/hwmonN, the kernel's sysfs-interface):
 * the sum of its `power*_input` (µW), or, for a device that has none, of `curr*_input` (mA)
 * times the matching `in*_input` (mV). What the device measures is whatever rails it sits
 * on (a board's regulators, a shunt on the 5 V input), not the wall socket: labelled so.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PowerSource } from './source.js';

export const HWMON_DIR = '/sys/class/hwmon';

/** A current and the voltage it is multiplied by. */
interface Pair {
  name: string;
  currentFile: string;
  voltageFile: string;
}

export interface HwmonDevice {
  /** hwmonN */
  id: string;
  /** The driver's `name` file. */
  name: string;
  path: string;
  /** power*_input files; when any exist, only these are summed. */
  powerFiles: string[];
  pairs: Pair[];
}

function readText(file: string): string | null {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return null;
  }
}

function channels(files: readonly string[], prefix: string): number[] {
  const pattern = new RegExp(`^${prefix}(\\d+)_input$`);
  return files
    .map((file) => pattern.exec(file)?.[1])
    .filter((n): n is string => n !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
}

/** What one hwmonN directory offers. */
export function describeDevice(dir: string, id: string): HwmonDevice {
  const path = join(dir, id);
  const files = readdirSync(path);
  const label = (file: string) => readText(join(path, file));
  const powerFiles = channels(files, 'power').map((n) => join(path, `power${n}_input`));
  const volts = channels(files, 'in');
  const pairs: Pair[] = [];
  for (const n of channels(files, 'curr')) {
    // The same label names the same rail; without labels, the same index does.
    const currLabel = label(`curr${n}_label`);
    const byLabel =
      currLabel === null ? undefined : volts.find((m) => label(`in${m}_label`) === currLabel);
    const m = byLabel ?? (volts.includes(n) ? n : undefined);
    if (m === undefined) continue;
    pairs.push({
      name: currLabel ?? `curr${n}`,
      currentFile: join(path, `curr${n}_input`),
      voltageFile: join(path, `in${m}_input`),
    });
  }
  return { id, name: readText(join(path, 'name')) ?? id, path, powerFiles, pairs };
}

function offers(device: HwmonDevice): string {
  if (device.powerFiles.length > 0) return `${device.powerFiles.length} power*_input`;
  if (device.pairs.length > 0) return `${device.pairs.length} curr*_input x in*_input`;
  return 'no power';
}

/**
 * The device to read: the one named (its `name` or its hwmonN), else the only one that
 * offers power. Throws with what there is when that is not exactly one.
 */
export function findHwmonDevice(dir = HWMON_DIR, wanted?: string): HwmonDevice {
  if (!existsSync(dir)) {
    throw new Error(`${dir} does not exist: this machine exposes no hwmon sensors`);
  }
  const ids = readdirSync(dir)
    .filter((id) => /^hwmon\d+$/.test(id))
    .sort((a, b) => Number(a.slice(5)) - Number(b.slice(5)));
  const devices = ids.map((id) => describeDevice(dir, id));
  const list = (items: HwmonDevice[]) =>
    items.map((d) => `${d.id} "${d.name}" (${offers(d)})`).join(', ') || 'none';
  const usable = devices.filter((d) => d.powerFiles.length > 0 || d.pairs.length > 0);
  if (wanted !== undefined) {
    const named = devices.filter((d) => d.id === wanted || d.name === wanted);
    if (named.length === 0) {
      throw new Error(`no hwmon device "${wanted}" in ${dir}; there are: ${list(devices)}`);
    }
    if (named.length > 1) {
      throw new Error(
        `${named.length} hwmon devices are named "${wanted}": ${list(named)}; set power.device to one hwmonN`,
      );
    }
    const device = named[0] as HwmonDevice;
    if (!usable.includes(device)) {
      throw new Error(
        `hwmon device ${device.id} "${device.name}" has no power*_input and no curr*_input with a matching in*_input`,
      );
    }
    return device;
  }
  if (usable.length === 1) return usable[0] as HwmonDevice;
  if (usable.length === 0) {
    throw new Error(
      `no hwmon device in ${dir} reports power (power*_input, or curr*_input with in*_input); there are: ${list(devices)}; use source "estimate"`,
    );
  }
  throw new Error(
    `several hwmon devices report power: ${list(usable)}; set power.device to the one to read`,
  );
}

export interface HwmonReading {
  watts: number;
  /** Pairs only: rail -> [volts, amps]. */
  rails: Record<string, [number, number]> | null;
}

function readNumber(file: string): number {
  const text = readFileSync(file, 'utf8').trim();
  const value = Number(text);
  if (text === '' || !Number.isFinite(value)) {
    throw new Error(`${file} holds ${JSON.stringify(text.slice(0, 40))}, not a number`);
  }
  return value;
}

/** One reading of the device; throws (with the file) when a file cannot be read. */
export function readHwmon(device: HwmonDevice): HwmonReading {
  if (device.powerFiles.length > 0) {
    const microwatts = device.powerFiles.reduce((sum, file) => sum + readNumber(file), 0);
    return { watts: microwatts / 1e6, rails: null };
  }
  const rails: Record<string, [number, number]> = {};
  let watts = 0;
  for (const pair of device.pairs) {
    const amps = readNumber(pair.currentFile) / 1000;
    const volts = readNumber(pair.voltageFile) / 1000;
    rails[pair.name] = [volts, amps];
    watts += volts * amps;
  }
  return { watts, rails };
}

export interface HwmonOptions {
  dir?: string;
  /** The device's `name` or its hwmonN; by default the only one that reports power. */
  device?: string;
  pollHz?: number;
}

export class HwmonPowerSource extends PowerSource {
  readonly kind = 'hwmon';
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: HwmonOptions = {}) {
    const device = options.device ? ` ${options.device}` : '';
    super(`hwmon${device} (sensor rails, not wall power)`, 1000 / (options.pollHz ?? 10));
  }

  protected async open(): Promise<void> {
    const device = findHwmonDevice(this.options.dir ?? HWMON_DIR, this.options.device);
    readHwmon(device); // a device that cannot be read is refused at start
    this.setState('up');
    this.timer = setInterval(() => {
      try {
        const reading = readHwmon(device);
        this.accept(reading.watts, null, false, reading.rails ? { rails: reading.rails } : {});
      } catch (error) {
        this.reject(`hwmon: ${(error as Error).message}`);
      }
    }, this.expectedPeriodMs);
  }

  protected async close(): Promise<void> {
    clearInterval(this.timer);
  }
}
