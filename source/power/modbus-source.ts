/**
 * A Gude Expert Power Control read over Modbus TCP (modbus-serial's client): the line-in's
 * registers polled at a fixed rate, each answer decoded and checked (gude-registers.ts).
 * A meter that stops answering goes stale, then down; the connection is dropped and retried,
 * and the time it was away is reported as a gap once readings come back.
 */
import type { ModbusRTU } from 'modbus-serial/ModbusRTU.js';
import { decodeLine, GUDE_READ_REGISTERS, lineAddress, type PowerFrom } from './gude-registers.js';
import { type HostTime, hostNow } from './sample.js';
import { PowerSource } from './source.js';

export interface ModbusSourceOptions {
  host: string;
  port: number;
  /** Modbus unit id; the Gude ignores it (the IP address names the device). */
  unitId: number;
  /** Line-in sensor, from 1. */
  line: number;
  /** Phase, from 1 (1 on a single-phase device). */
  phase: number;
  /** Readings asked for per second. */
  pollHz: number;
  /** A read unanswered this long has failed. */
  timeoutMs: number;
  powerFrom: PowerFrom;
  /** Every sample is marked simulated (the profile says `nebula plug-sim` serves the registers). */
  simulated?: boolean;
  /** Wait between reconnection attempts. */
  reconnectMs?: number;
  /** Unanswered reads in a row before the meter counts as down and is reconnected. */
  downAfter?: number;
}

/**
 * modbus-serial's client class, loaded on first use: the package also loads its serial-port
 * support, a few hundred ms that no other command should pay. Its default export is the
 * class; its typings declare a namespace.
 */
let clientClass: Promise<new () => ModbusRTU> | undefined;
function loadClient(): Promise<new () => ModbusRTU> {
  clientClass ??= import('modbus-serial').then(
    (module) => module.default as unknown as new () => ModbusRTU,
  );
  return clientClass;
}

const DEFAULT_RECONNECT_MS = 1000;
const DEFAULT_DOWN_AFTER = 3;

/** Device identification that marks Nebula's own simulator (see modbus-sim.ts). */
export const SIMULATED_MARK = 'SIMULATED';

export class ModbusPowerSource extends PowerSource {
  readonly kind = 'modbus';
  private client: ModbusRTU | undefined;
  /** A client still connecting, destroyed if the source stops meanwhile. */
  private connecting: ModbusRTU | undefined;
  private running = false;
  private timer: NodeJS.Timeout | undefined;
  private failures = 0;
  private downSince: HostTime | null = null;
  private downReason = '';
  private meterSimulated = false;
  /** The device's identification (vendor, product, version), when it answers for it. */
  identity: string[] | null = null;
  private readonly address: string;

  constructor(private readonly options: ModbusSourceOptions) {
    const address = `${options.host}:${options.port}`;
    const where = `line ${options.line}${options.phase > 1 ? ` phase ${options.phase}` : ''}`;
    super(`modbus gude ${address} ${where}`, 1000 / options.pollHz, options.simulated);
    this.address = address;
  }

  /** Resolves after the first connection attempt, up or down; polling goes on either way. */
  protected async open(): Promise<void> {
    this.running = true;
    const connected = await this.connect();
    this.schedule(connected ? 0 : (this.options.reconnectMs ?? DEFAULT_RECONNECT_MS));
  }

  protected async close(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.drop();
    this.connecting?.destroy(() => undefined);
    this.connecting = undefined;
    this.closeGap(' (still away when the source stopped)');
  }

  private schedule(delayMs: number): void {
    if (!this.running) return;
    this.timer = setTimeout(() => {
      this.tick().then(
        (nextMs) => this.schedule(nextMs),
        // Only a listener of this source can throw here: say so, and keep polling.
        (error: unknown) => {
          this.reject(`a reading's listener failed: ${message(error)}`);
          this.schedule(1000 / this.options.pollHz);
        },
      );
    }, delayMs);
  }

  /** One poll (connecting first when needed); resolves with the wait before the next one. */
  private async tick(): Promise<number> {
    const started = performance.now();
    if (!this.client && !(await this.connect())) {
      return this.options.reconnectMs ?? DEFAULT_RECONNECT_MS;
    }
    await this.poll();
    return Math.max(0, 1000 / this.options.pollHz - (performance.now() - started));
  }

  private async connect(): Promise<boolean> {
    const client = new (await loadClient())();
    client.setTimeout(this.options.timeoutMs);
    // Without a listener an 'error' event would throw; every failure is seen on the read.
    client.on('error', () => undefined);
    this.connecting = client;
    try {
      await withDeadline(
        client.connectTCP(this.options.host, { port: this.options.port }),
        this.options.timeoutMs,
        `no connection within ${this.options.timeoutMs} ms`,
      );
    } catch (error) {
      client.destroy(() => undefined);
      this.markDown(`meter ${this.address} unreachable: ${message(error)}`);
      return false;
    } finally {
      if (this.connecting === client) this.connecting = undefined;
    }
    if (!this.running) {
      client.destroy(() => undefined);
      return false;
    }
    client.setID(this.options.unitId);
    client.on('close', () => {
      if (this.client !== client) return;
      this.client = undefined;
      this.markDown(`meter ${this.address} closed the connection`);
    });
    this.client = client;
    this.failures = 0;
    await this.identify(client);
    return true;
  }

  /** Basic device identification (function 0x2B/0x0E); a meter without it is fine. */
  private async identify(client: ModbusRTU): Promise<void> {
    try {
      const { data } = await client.readDeviceIdentification(1, 0);
      // An object keyed by object id at run time, whatever the typings say.
      this.identity = Object.values(data as unknown as Record<string, unknown>).filter(
        (item): item is string => typeof item === 'string',
      );
      this.meterSimulated = this.identity.some((item) => item.includes(SIMULATED_MARK));
    } catch {
      this.identity = null;
    }
  }

  private async poll(): Promise<void> {
    const client = this.client;
    if (!client) return;
    const start = lineAddress(this.options.line, this.options.phase);
    let registers: number[];
    try {
      registers = (await client.readInputRegisters(start, GUDE_READ_REGISTERS)).data;
    } catch (error) {
      if (!this.running) return;
      const code = (error as { modbusCode?: number }).modbusCode;
      if (code !== undefined) {
        // The meter answered, with an exception: it is there, the request is wrong.
        this.failures = 0;
        this.reject(
          `the meter refused input registers 0x${start.toString(16)}+${GUDE_READ_REGISTERS} ` +
            `(Modbus exception ${code}: ${message(error)}); check power.line and power.phase`,
        );
        return;
      }
      this.failed(client, `meter ${this.address}: ${message(error)}`);
      return;
    }
    if (!this.running) return;
    this.failures = 0;
    const decoded = decodeLine(registers, this.options.powerFrom);
    if (!decoded.ok) {
      this.reject(`registers 0x${start.toString(16)}: ${decoded.reason}`);
      return;
    }
    if (this.currentState === 'down') {
      this.closeGap();
      this.setState('up');
    }
    const { watts, voltageV, currentA, powerFactor, energyWh } = decoded.reading;
    this.accept(watts, null, this.meterSimulated, {
      volts: voltageV,
      amps: currentA,
      powerFactor,
      energyWh,
    });
  }

  /** An unanswered read: down at once when the connection is gone, else after a few in a row. */
  private failed(client: ModbusRTU, reason: string): void {
    this.failures++;
    if (!client.isOpen || this.failures >= (this.options.downAfter ?? DEFAULT_DOWN_AFTER)) {
      this.markDown(`${reason} (${this.failures} unanswered read${this.failures > 1 ? 's' : ''})`);
      this.drop();
    }
  }

  /**
   * Destroyed, not closed: closing ends the connection politely and then waits for the meter
   * to close its side, which a meter that stopped answering never does, and that socket
   * would keep the process alive after the command is done.
   */
  private drop(): void {
    const client = this.client;
    this.client = undefined;
    if (client) client.destroy(() => undefined);
  }

  private markDown(reason: string): void {
    if (!this.running) return;
    // The silence began after the last reading; a meter never read at all leaves no gap.
    const lastReading = this.status().lastSampleAt;
    if (this.downSince === null && lastReading !== null) this.downSince = lastReading;
    this.downReason ||= reason;
    if (this.currentState !== 'down') this.setState('down', reason);
  }

  private closeGap(suffix = ''): void {
    const from = this.downSince;
    const reason = this.downReason;
    this.downSince = null;
    this.downReason = '';
    if (from === null) return;
    this.emit('gap', {
      type: 'power-gap',
      source: this.label,
      from,
      to: hostNow(),
      reason: reason + suffix,
    });
  }
}

/** The promise, or a rejection with `why` once `ms` have passed without it settling. */
function withDeadline<T>(promise: Promise<T>, ms: number, why: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(why)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/** modbus-serial rejects with Error objects and with plain objects that carry a message. */
function message(error: unknown): string {
  const text = (error as { message?: unknown } | null)?.message;
  return typeof text === 'string' ? text : String(error);
}
