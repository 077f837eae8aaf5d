/**
 * Meter models and seeded randomness for the validation against known truth (docs/ENERGY.md):
 * each real meter's reading interval, arrival jitter, noise and resolution.
 */

/** A small fast seeded generator (mulberry32): the same seed gives the same trace. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A standard normal draw (Box-Muller). */
export function normal(random: () => number): number {
  const u = 1 - random();
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** How a meter reads: its interval, arrival jitter, noise and resolution. */
export interface MeterModel {
  name: string;
  /** Seconds between readings. */
  intervalS: number;
  /** Standard deviation of a reading's arrival time around its slot, s. */
  jitterS: number;
  /** Standard deviation of the meter's own noise, W. */
  noiseW: number;
  /** Resolution: readings are rounded to a multiple of this, W. */
  quantumW: number;
  /**
   * 0: a reading is the power at its instant; otherwise the mean power over this many
   * seconds before it arrives (a metering chip that integrates).
   */
  averageS: number;
}

/**
 * The meters Nebula reads, as modelled here: resolution from what they report, noise and
 * jitter as assumptions (stated in docs/ENERGY.md).
 */
export const METERS = {
  shelly: {
    name: 'Shelly Plus Plug S (0.1 W, 1 Hz)',
    intervalS: 1,
    jitterS: 0.05,
    noiseW: 0.05,
    quantumW: 0.1,
    averageS: 0,
  },
  'shelly-avg': {
    // The same plug if its chip reports the mean over each second rather than an instant.
    name: 'Shelly, mean of each 1 s',
    intervalS: 1,
    jitterS: 0.05,
    noiseW: 0.05,
    quantumW: 0.1,
    averageS: 1,
  },
  tasmota: {
    name: 'Tasmota (1 W, 1 Hz)',
    intervalS: 1,
    jitterS: 0.05,
    noiseW: 0.05,
    quantumW: 1,
    averageS: 0,
  },
  gude: {
    // V x I x PF from whole volts and mA: a step of 230 V x 1 mA x 0.9.
    name: 'Gude EPC Modbus (0.21 W, 10 Hz)',
    intervalS: 0.1,
    jitterS: 0.005,
    noiseW: 0.02,
    quantumW: 0.207,
    averageS: 0,
  },
  pmic: {
    name: 'Pi 5 PMIC (1 mW, 1 Hz)',
    intervalS: 1,
    jitterS: 0.02,
    noiseW: 0.005,
    quantumW: 0.001,
    averageS: 0,
  },
} as const satisfies Record<string, MeterModel>;
