/**
 * The Gude Expert Power Control's line-in energy sensor over Modbus TCP, as its manual's
 * "Sensor Tables" give it: input registers (function 0x04), addresses from 0, one field per
 * two registers as a signed 32-bit integer, high-order word first. A line's fields start at
 * 0x400 + (line - 1) * 0x120, and on a three-phase device + (phase - 1) * 0x60.
 * Pure decoding and checking here; the polling lives in modbus-source.ts.
 */
import { MODBUS_POWER_FROM } from '../profiles/schema.js';

export const GUDE_LINE_BASE = 0x400;
export const GUDE_LINE_STRIDE = 0x120;
export const GUDE_PHASE_STRIDE = 0x60;

/** Field offsets (in fields of two registers) and units, in the order the device lists them. */
export const GUDE_FIELDS = {
  /** Absolute active energy, Wh. */
  energyWh: 0,
  /** Active power, W (whole watts). */
  activePowerW: 1,
  /** Voltage, V (whole volts). */
  voltageV: 2,
  /** Current, mA. */
  currentMa: 3,
  /** Frequency, 0.01 Hz. */
  frequencyCentiHz: 4,
  /** Power factor, 0.001. */
  powerFactorMilli: 5,
} as const;

export type GudeField = keyof typeof GUDE_FIELDS;

/** The first six fields are read in one request. */
export const GUDE_READ_REGISTERS = Object.keys(GUDE_FIELDS).length * 2;

/** How real power is taken from the registers. */
export const POWER_FROM = MODBUS_POWER_FROM;
export type PowerFrom = (typeof POWER_FROM)[number];

/**
 * Bounds of a plausible reading of one line-in (a 230 V or 120 V mains socket strip rated
 * 16 A): a value outside is a wrong register, a wrong word order or a fault, never a reading.
 */
export const PLAUSIBLE = {
  voltageV: { min: 90, max: 280 },
  currentA: { min: 0, max: 32 },
  powerFactor: { min: 0, max: 1 },
  watts: { min: 0, max: 8000 },
} as const;

/** V x I x PF and the device's own active power may differ by this much before a reading is refused. */
export const CROSS_CHECK = { watts: 3, fraction: 0.25 } as const;

/** First register of a line (1-based) and phase (1-based, 1 on a single-phase device). */
export function lineAddress(line: number, phase = 1): number {
  return GUDE_LINE_BASE + (line - 1) * GUDE_LINE_STRIDE + (phase - 1) * GUDE_PHASE_STRIDE;
}

export interface MeterReading {
  /** The figure used: by `powerFrom`. */
  watts: number;
  activePowerW: number;
  voltageV: number;
  currentA: number;
  powerFactor: number;
  frequencyHz: number;
  energyWh: number;
}

export type Decoded = { ok: true; reading: MeterReading } | { ok: false; reason: string };

/** Raw field values, as the device holds them (integers in the units of GUDE_FIELDS). */
export type RawFields = Record<GudeField, number>;

export function readFields(registers: readonly unknown[]): RawFields | string {
  if (registers.length < GUDE_READ_REGISTERS) {
    return `expected ${GUDE_READ_REGISTERS} registers, got ${registers.length}`;
  }
  for (let i = 0; i < GUDE_READ_REGISTERS; i++) {
    const word = registers[i];
    if (typeof word !== 'number' || !Number.isInteger(word) || word < 0 || word > 0xffff) {
      return `register ${i} is not a 16-bit value: ${String(word)}`;
    }
  }
  const fields = {} as RawFields;
  for (const [name, offset] of Object.entries(GUDE_FIELDS) as Array<[GudeField, number]>) {
    const high = registers[offset * 2] as number;
    const low = registers[offset * 2 + 1] as number;
    fields[name] = (high << 16) | low | 0;
  }
  return fields;
}

const outside = (value: number, bounds: { min: number; max: number }) =>
  !Number.isFinite(value) || value < bounds.min || value > bounds.max;

/**
 * One reading from the registers of a line, or the reason it is not one. By default real
 * power is voltage x current x power factor, all three as the device reports them: the
 * current's mA resolution gives a far finer figure than the whole-watt active power register
 * at the few watts of a Raspberry Pi. Never throws.
 */
export function decodeLine(registers: readonly unknown[], powerFrom: PowerFrom): Decoded {
  const fields = readFields(registers);
  if (typeof fields === 'string') return { ok: false, reason: fields };
  const voltageV = fields.voltageV;
  const currentA = fields.currentMa / 1000;
  const powerFactor = fields.powerFactorMilli / 1000;
  const activePowerW = fields.activePowerW;
  if (outside(voltageV, PLAUSIBLE.voltageV)) {
    return {
      ok: false,
      reason: `voltage ${voltageV} V is outside ${PLAUSIBLE.voltageV.min}-${PLAUSIBLE.voltageV.max} V (wrong line or register map, or no mains)`,
    };
  }
  if (outside(currentA, PLAUSIBLE.currentA)) {
    return { ok: false, reason: `current ${currentA} A is outside 0-${PLAUSIBLE.currentA.max} A` };
  }
  if (outside(powerFactor, PLAUSIBLE.powerFactor)) {
    return { ok: false, reason: `power factor ${powerFactor} is outside 0-1` };
  }
  if (outside(activePowerW, PLAUSIBLE.watts)) {
    return {
      ok: false,
      reason: `active power ${activePowerW} W is outside 0-${PLAUSIBLE.watts.max} W`,
    };
  }
  const derived = voltageV * currentA * powerFactor;
  const tolerance = Math.max(CROSS_CHECK.watts, CROSS_CHECK.fraction * activePowerW);
  if (Math.abs(derived - activePowerW) > tolerance) {
    return {
      ok: false,
      reason:
        `V x I x PF = ${derived.toFixed(2)} W disagrees with the active power register ` +
        `(${activePowerW} W): the registers do not describe one line`,
    };
  }
  return {
    ok: true,
    reading: {
      watts: powerFrom === 'active-power' ? activePowerW : derived,
      activePowerW,
      voltageV,
      currentA,
      powerFactor,
      frequencyHz: fields.frequencyCentiHz / 100,
      energyWh: fields.energyWh,
    },
  };
}

/** Registers for raw field values (the simulator and tests); values are truncated to int32. */
export function encodeFields(fields: RawFields): number[] {
  const registers = new Array<number>(GUDE_READ_REGISTERS).fill(0);
  for (const [name, offset] of Object.entries(GUDE_FIELDS) as Array<[GudeField, number]>) {
    const value = Math.trunc(fields[name]) >>> 0;
    registers[offset * 2] = value >>> 16;
    registers[offset * 2 + 1] = value & 0xffff;
  }
  return registers;
}
