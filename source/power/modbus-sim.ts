/**
 * A stand-in for a Gude Expert Power Control on Modbus TCP (modbus-serial's ServerTCP): serves
 * the line-in energy registers of gude-registers.ts, with power following this machine's CPU
 * load by the Pi 4 model (or a function the tests give). Its device identification says
 * SIMULATED, so a reader labels every reading simulated.
 */
import { EventEmitter } from 'node:events';
import { type IServiceVector, ServerTCP } from 'modbus-serial';
import { freePort } from '../core/free-port.js';
import { CpuMeter, modelWatts, PI4_MODEL } from './cpu.js';
import {
  encodeFields,
  GUDE_LINE_BASE,
  GUDE_LINE_STRIDE,
  GUDE_READ_REGISTERS,
  type RawFields,
} from './gude-registers.js';
import { SIMULATED_MARK } from './modbus-source.js';

export interface ModbusSimOptions {
  host?: string;
  /** 0 picks a free port (see `port` once started). */
  port: number;
  /** How often the readings change, ms. */
  periodMs?: number;
  voltageV?: number;
  powerFactor?: number;
  idleWatts?: number;
  fullWatts?: number;
  /** Replaces the CPU model (tests serve known wattages). */
  watts?: () => number;
  /**
   * Replaces the registers served (tests serve malformed ones); the default encodes the
   * current reading.
   */
  registers?: (fields: RawFields) => readonly number[];
}

type ReplyCallback = (error: Error | null, values: number[]) => void;

export interface ModbusSimEvents {
  /** The count so far and the wattage now served. */
  updated: [number, number];
}

/** Lines served: line 1 carries the load; the others read as a plugged-in line with nothing on it. */
const LINES = 2;

export class ModbusMeterSim extends EventEmitter<ModbusSimEvents> {
  private server: ServerTCP | undefined;
  private timer: NodeJS.Timeout | undefined;
  private fields: RawFields;
  private energyWh = 0;
  private lastUpdateMs = 0;
  /** While true, reads are left unanswered (a meter that hangs). */
  silent = false;
  updates = 0;
  port = 0;

  constructor(private readonly options: ModbusSimOptions) {
    super();
    this.fields = this.reading(0);
  }

  /** Resolves once the server listens. */
  async start(): Promise<void> {
    const model = {
      idleWatts: this.options.idleWatts ?? PI4_MODEL.idleWatts,
      fullWatts: this.options.fullWatts ?? PI4_MODEL.fullWatts,
    };
    let watts = this.options.watts;
    if (!watts) {
      const meter = new CpuMeter();
      watts = () => modelWatts(meter.next(), model);
    }
    const read = watts;
    const update = () => {
      const watts = read();
      this.fields = this.reading(watts);
      this.emit('updated', ++this.updates, watts);
    };
    this.lastUpdateMs = performance.now();
    update();
    this.timer = setInterval(update, this.options.periodMs ?? 100);
    const host = this.options.host ?? '127.0.0.1';
    // ServerTCP takes port 0 for its default 502, so a free port is found first.
    this.port = this.options.port === 0 ? await freePort(host) : this.options.port;
    // ServerTCP answers device identification (0x2B/0x0E) from this too; its typings omit it.
    const vector: IServiceVector & { readDeviceIdentification(): Record<number, string> } = {
      // Four parameters: modbus-serial then answers through the callback, so a silent meter
      // can leave a read unanswered.
      getMultipleInputRegisters: (
        address: number,
        length: number,
        _unit: number,
        reply: ReplyCallback,
      ) => this.answer(address, length, reply),
      // Basic identification objects 0 (vendor), 1 (product code), 2 (revision).
      readDeviceIdentification: () => ({
        0: 'Nebula',
        1: `Expert Power Control (${SIMULATED_MARK}: nebula plug-sim)`,
        2: '1',
      }),
    };
    const server = new ServerTCP(vector, { host, port: this.port, unitID: 255 });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.on('initialized', () => resolve());
      (server as EventEmitter).on('serverError', (error: Error) => reject(error));
    });
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    for (const socket of server.socks.keys()) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /**
   * Answers a read of input registers: line 1 carries the reading, line 2 reads as a line with
   * nothing plugged in, anything else is an illegal address (Modbus exception 2). While
   * `silent`, the read is never answered.
   */
  private answer(address: number, length: number, reply: ReplyCallback): void {
    if (this.silent) return;
    const line = this.options.registers
      ? this.options.registers(this.fields)
      : encodeFields(this.fields);
    const unloaded = encodeFields({ ...this.fields, activePowerW: 0, currentMa: 0 });
    const values: number[] = [];
    for (let i = 0; i < length; i++) {
      const at = address + i - GUDE_LINE_BASE;
      const lineIndex = Math.floor(at / GUDE_LINE_STRIDE);
      const index = at % GUDE_LINE_STRIDE;
      if (at < 0 || lineIndex >= LINES || index >= GUDE_READ_REGISTERS) {
        reply(Object.assign(new Error('illegal data address'), { modbusErrorCode: 0x02 }), []);
        return;
      }
      values.push((lineIndex === 0 ? line : unloaded)[index] ?? 0x8000);
    }
    reply(null, values);
  }

  /** Raw fields for a wattage: current from W / (V x PF), energy integrated as it goes. */
  private reading(watts: number): RawFields {
    const now = performance.now();
    this.energyWh += (watts * (now - this.lastUpdateMs)) / 3_600_000;
    this.lastUpdateMs = now;
    const voltageV = this.options.voltageV ?? 230;
    const powerFactor = this.options.powerFactor ?? 0.9;
    return {
      energyWh: Math.round(this.energyWh),
      activePowerW: Math.round(watts),
      voltageV: Math.round(voltageV),
      currentMa: Math.round((watts / (voltageV * powerFactor)) * 1000),
      frequencyCentiHz: 5000,
      powerFactorMilli: Math.round(powerFactor * 1000),
    };
  }
}
