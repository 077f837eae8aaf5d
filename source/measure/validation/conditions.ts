/**
 * The conditions of the validation table (docs/ENERGY.md): each meter under a steady idle,
 * a slow drift and a step of other load, run with the default plan.
 */
import { blockSecondsFor } from '../block-figures.js';
import type { IdleLayout } from '../plan.js';
import type { MachineModel } from './machine.js';
import type { METERS, MeterModel } from './meters.js';
import type { TracePlan } from './validate.js';

/** A Pi-like machine: 2.7 W idle; a short and a longer invocation with their own cost. */
export const STEADY: MachineModel = {
  idleWatts: 2.7,
  idleNoiseW: 0.1,
  driftWattsPerS: 0,
  step: null,
  runtimes: {
    wasm: { durationS: 0.1, netWatts: 1.0 },
    container: { durationS: 0.4, netWatts: 1.5 },
  },
  spread: 0.3,
};

/**
 * The default plan (profile defaults): 10 s idle before and after, 6 blocks of 10 readings
 * per runtime, idle interleaved; `around` measures idle only before and after.
 */
export function defaultPlan(idle: IdleLayout = 'interleaved'): TracePlan {
  return { blocks: 6, blockSeconds: null, baselineSeconds: 10, idle };
}

/** About how long the plan runs with this meter, s (its blocks sized as the session does). */
export function runSeconds(meter: MeterModel, plan: TracePlan = defaultPlan()): number {
  const block = plan.blockSeconds ?? blockSecondsFor(meter.intervalS);
  // Interleaved: each block is followed by a reading interval and an idle window as long.
  const perBlock = plan.idle === 'interleaved' ? 2 * block + meter.intervalS : block;
  const runtimes = Object.keys(STEADY.runtimes).length;
  return 2 * plan.baselineSeconds + runtimes * plan.blocks * perBlock + meter.intervalS;
}

export const MACHINES = {
  steady: { label: 'steady idle', model: () => STEADY },
  drift: {
    label: 'idle drifts +10% over the run',
    model: (meter: MeterModel, plan?: TracePlan) => ({
      ...STEADY,
      driftWattsPerS: (0.1 * STEADY.idleWatts) / runSeconds(meter, plan),
    }),
  },
  step: {
    label: 'idle steps +0.5 W at 30% of the run',
    model: (meter: MeterModel, plan?: TracePlan) => ({
      ...STEADY,
      step: { watts: 0.5, atS: 0.3 * runSeconds(meter, plan) },
    }),
  },
} as const satisfies Record<
  string,
  { label: string; model: (meter: MeterModel, plan?: TracePlan) => MachineModel }
>;

export type MachineName = keyof typeof MACHINES;
export type MeterName = keyof typeof METERS;
