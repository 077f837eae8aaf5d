/**
 * The Raspberry Pi 5's own power, from its PMIC: `vcgencmd pmic_read_adc` prints each rail's
 * current and voltage; the sum of V x I over the rails is what the board's regulators deliver.
 * Not wall power: the supply's losses and USB devices fed from the 5 V input are not in it,
 * so every reading is labelled "board rails".
 */
import { execFile } from 'node:child_process';
import { PowerSource } from './source.js';

/** One line: `   3V3_SYS_A current(1)=0.05660720A` or `   3V3_SYS_V volt(9)=3.30563000V`. */
const LINE = /^\s*([A-Za-z0-9_]+)_([AV])\s+(current|volt)\(\d+\)=\s*([-+0-9.eE]+)\s*([AV])\s*$/;

export interface PmicRail {
  name: string;
  volts: number;
  amps: number;
}

export interface PmicReading {
  /** Rails with both a current and a voltage, in the order the command printed them. */
  rails: PmicRail[];
  /** Sum of volts x amps over the rails. */
  watts: number;
  /** Voltages without a current (EXT5V, BATT): kept for the record, not in the sum. */
  voltagesOnly: Record<string, number>;
}

/** Parses the command's output; a string is the reason it is not a reading. */
export function parsePmicAdc(text: string): PmicReading | string {
  const currents = new Map<string, number>();
  const volts = new Map<string, number>();
  let lines = 0;
  for (const raw of text.split('\n')) {
    if (raw.trim() === '') continue;
    lines++;
    const match = LINE.exec(raw);
    if (!match) return `unexpected line ${JSON.stringify(raw.trim().slice(0, 80))}`;
    const [, name, suffix, kind, value, unit] = match as unknown as string[];
    const number = Number(value);
    const isCurrent = kind === 'current';
    if (
      !Number.isFinite(number) ||
      (suffix === 'A') !== isCurrent ||
      (unit === 'A') !== isCurrent
    ) {
      return `unexpected line ${JSON.stringify(raw.trim().slice(0, 80))}`;
    }
    if (number < 0 || number > (isCurrent ? 20 : 30)) {
      return `${name} ${kind} ${number} ${unit} is out of range`;
    }
    (isCurrent ? currents : volts).set(name as string, number);
  }
  if (lines === 0) return 'no output (is this a Raspberry Pi 5?)';
  const rails: PmicRail[] = [];
  for (const [name, amps] of currents) {
    const v = volts.get(name);
    if (v === undefined) return `rail ${name} has a current but no voltage`;
    rails.push({ name, volts: v, amps });
  }
  if (rails.length === 0) return 'no rail with both a current and a voltage';
  const voltagesOnly: Record<string, number> = {};
  for (const [name, v] of volts) if (!currents.has(name)) voltagesOnly[name] = v;
  const watts = rails.reduce((sum, rail) => sum + rail.volts * rail.amps, 0);
  return { rails, watts, voltagesOnly };
}

export interface PmicOptions {
  /** The command and its arguments; by default `vcgencmd pmic_read_adc`. */
  command?: readonly string[];
  /** Readings per second. */
  pollHz?: number;
}

export const PMIC_COMMAND = ['vcgencmd', 'pmic_read_adc'] as const;
export const PMIC_LABEL = 'pmic board rails (not wall power)';

function run(command: readonly string[]): Promise<string> {
  const [file, ...args] = command as [string, ...string[]];
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout: 5000, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (!error) return resolve(stdout);
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') {
        reject(
          new Error(
            `${file} not found: the pmic source needs a Raspberry Pi 5 with vcgencmd (Raspberry Pi OS package raspi-utils); use source "estimate" or a plug elsewhere`,
          ),
        );
      } else reject(new Error(`${command.join(' ')} failed: ${stderr.trim() || error.message}`));
    });
  });
}

/** Polls the PMIC; each reading carries its rails (name -> [V, A]) beside the sum. */
export class PmicPowerSource extends PowerSource {
  readonly kind = 'pmic';
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private readonly command: readonly string[];

  constructor(options: PmicOptions = {}) {
    super(PMIC_LABEL, 1000 / (options.pollHz ?? 1));
    this.command = options.command ?? PMIC_COMMAND;
  }

  /** The first reading must work: a machine without the PMIC is refused at start, saying why. */
  protected async open(): Promise<void> {
    const first = parsePmicAdc(await run(this.command));
    if (typeof first === 'string') {
      throw new Error(`${this.command.join(' ')} gave no reading: ${first}`);
    }
    this.running = true;
    this.setState('up');
    this.deliver(first);
    this.schedule();
  }

  protected async close(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
  }

  /** The next read a period after this one began, never two at once. */
  private schedule(delayMs = this.expectedPeriodMs): void {
    if (!this.running) return;
    this.timer = setTimeout(
      () => {
        const started = performance.now();
        void this.readOnce().finally(() =>
          this.schedule(this.expectedPeriodMs - (performance.now() - started)),
        );
      },
      Math.max(0, delayMs),
    );
  }

  /** Never rejects: a failed read (or a listener that throws) is a rejected reading. */
  private async readOnce(): Promise<void> {
    try {
      const text = await run(this.command);
      if (!this.running) return;
      const reading = parsePmicAdc(text);
      if (typeof reading === 'string') this.reject(`pmic: ${reading}`);
      else this.deliver(reading);
    } catch (error) {
      if (this.running) this.reject((error as Error).message);
    }
  }

  private deliver(reading: PmicReading): void {
    const rails: Record<string, [number, number]> = {};
    for (const rail of reading.rails) rails[rail.name] = [rail.volts, rail.amps];
    this.accept(reading.watts, null, false, { rails });
  }
}
