import { hostname } from 'node:os';
import type { InvocationEngine } from '../source/engine/invocation-engine.js';
import { engineInvoke } from '../source/experiment/engine-invoke.js';
import { runExperiment } from '../source/measure/session.js';
import { sessionHeader } from '../source/session/header.js';
import type { TargetEngine } from '../source/target/target-engine.js';

/** The machine half of the engine contract, for fake engines that only invoke: each says so. */
const unused = (what: string) => async (): Promise<never> => {
  throw new Error(`${what} is not part of this fake engine`);
};

export const invokeOnly = {
  machine: unused('machine()'),
  functionStates: unused('functionStates()'),
  deploy: unused('deploy()'),
  importWasm: unused('importWasm()'),
};

/**
 * A fake engine as the faces hold one on this machine: the measurement session runs here
 * with the faces' power source (tests hand theirs in through createPower), the fake's
 * functions need no deploying and have no files.
 */
export function fakeHere(engine: InvocationEngine): TargetEngine {
  return Object.assign(engine, {
    where: { gateway: null, host: hostname(), machine: null },
    header: (profile: string) => sessionHeader(profile, []),
    checkReady: async () => {},
    runExperiment: ((plan, options) =>
      runExperiment(plan, {
        ...options,
        power: options.power ?? null,
        invoke: engineInvoke(engine),
      })) satisfies TargetEngine['runExperiment'],
    powerOrigin: () => null,
    openPower: () => {
      throw new Error('openPower() is not part of this fake engine: hand in createPower');
    },
    sizes: unused('sizes()'),
    reachable: async () => null,
  });
}
