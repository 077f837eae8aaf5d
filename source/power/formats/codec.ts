import type { PlugFormat } from '../../profiles/schema.js';
import type { MeterValues } from '../sample.js';

/** What one MQTT message meant. */
export type Parsed =
  | {
      kind: 'reading';
      watts: number;
      sourceTime: number | null;
      simulated: boolean;
      /** What the plug gave besides watts (voltage, current, power factor, energy counter). */
      meter?: MeterValues;
    }
  /** Not a valid reading: counted and skipped. */
  | { kind: 'rejected'; reason: string }
  /** A valid message that carries no reading (online flags, other events). */
  | { kind: 'ignored' };

export interface MqttMessage {
  topic: string;
  payload: string;
  retain?: boolean;
}

/** Builds a plug's messages from a wattage; used by `nebula plug-sim`. */
export interface PlugEncoder {
  /** Topics the simulated plug listens on (Tasmota's command topic). */
  commandTopics: string[];
  /** Messages for one periodic reading. */
  reading(watts: number, now: Date): MqttMessage[];
  /** Answers to a command, e.g. Tasmota `Status 10`. */
  answer(topic: string, payload: string, watts: number, now: Date): MqttMessage[];
  /** Retained "online" message, and the last will saying "offline". */
  online?: MqttMessage;
  offline?: MqttMessage;
}

export interface PlugCodec {
  format: PlugFormat;
  /** What `--topic` means for this format, for help texts and errors. */
  topicMeaning: string;
  subscriptions(topic: string): string[];
  /** A parser per connection: some formats (Shelly) remember the last full status. */
  createParser(topic: string): (messageTopic: string, payload: Buffer) => Parsed;
  /** A message asking the plug for a reading now; sent on connect, and every pollSeconds. */
  pollRequest?(topic: string): MqttMessage;
  createEncoder(topic: string): PlugEncoder;
}

const MAX_WATTS = 100_000;

/**
 * A number as plugs write one in text: decimal digits, a point, an exponent. Number() alone
 * also reads "0x10" as 16, "0b1" as 1 and "Infinity", none of which a meter means as watts.
 */
const DECIMAL = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/;

/** A finite, non-negative wattage below 100 kW, or the reason it is not one. */
export function checkWatts(value: unknown, field: string): number | string {
  if (typeof value === 'string') {
    if (!DECIMAL.test(value)) {
      return `${field} is not a number (${JSON.stringify(value.slice(0, 40))}: a plug writes watts in decimal)`;
    }
    return checkWatts(Number(value), field);
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    return `${field} is not a number (${JSON.stringify(value) ?? 'missing'})`;
  }
  if (value < 0 || value > MAX_WATTS) return `${field} = ${value} W is outside 0..${MAX_WATTS} W`;
  return value;
}

export function parseJsonObject(payload: Buffer): Record<string, unknown> | string {
  const text = payload.toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return `not JSON: ${JSON.stringify(text.slice(0, 60))}`;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return `expected a JSON object, got ${JSON.stringify(text.slice(0, 60))}`;
  }
  return value as Record<string, unknown>;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Epoch seconds or milliseconds (told apart by size) to epoch ms; null when absent or odd. */
export function epochMs(value: unknown): number | null {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) return null;
  return value < 1e11 ? value * 1000 : value;
}

export function reading(
  watts: number,
  sourceTime: number | null,
  simulated: unknown,
  meter?: MeterValues,
): Parsed {
  const parsed: Parsed = { kind: 'reading', watts, sourceTime, simulated: simulated === true };
  return meter && Object.keys(meter).length > 0 ? { ...parsed, meter } : parsed;
}

const finite = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) ? value : undefined;

/**
 * The meter's own values, as given (fields that are missing or not finite numbers are left
 * out): volts, amps, power factor and an energy counter in Wh.
 */
export function meterValues(given: {
  volts?: unknown;
  amps?: unknown;
  powerFactor?: unknown;
  energyWh?: unknown;
}): MeterValues {
  const meter: MeterValues = {};
  const volts = finite(given.volts);
  const amps = finite(given.amps);
  const powerFactor = finite(given.powerFactor);
  const energyWh = finite(given.energyWh);
  if (volts !== undefined) meter.volts = volts;
  if (amps !== undefined) meter.amps = amps;
  if (powerFactor !== undefined) meter.powerFactor = powerFactor;
  if (energyWh !== undefined) meter.energyWh = energyWh;
  return meter;
}
