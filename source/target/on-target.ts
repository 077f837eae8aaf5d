/**
 * Where a profile's functions run decides where an experiment runs and whose power is read:
 * a local engine runs the measurement session in this process with the profile's source; a
 * gateway runs it on its machine with that machine's source (remote/remote-experiment.ts).
 * `nebula bench`, `nebula power`, `nebula functions --sizes` and the console call these, never
 * the two paths themselves.
 */

import { UsageError } from '../core/errors.js';
import { Engine } from '../engine/engine.js';
import type { InvocationEngine } from '../engine/invocation-engine.js';
import type { ExperimentPlan } from '../measure/plan.js';
import { type ExperimentOutcome, runExperiment, type SessionOptions } from '../measure/session.js';
import { createPowerSource, type PowerFlags, powerConfigFrom } from '../power/create.js';
import type { PowerSource } from '../power/source.js';
import type { Profile } from '../profiles/schema.js';
import { RemoteEngine } from '../remote/remote-engine.js';
import { collectSizes } from '../report/collect-sizes.js';
import type { SizesRecord } from '../report/storage.js';

export interface TargetOutcome extends ExperimentOutcome {
  /** A remote run whose connection broke: what happened and what is kept where. */
  lost?: string | null;
  /** A remote run: the gateway's own session log of it. */
  remoteLog?: string | null;
}

/** Runs the plan where the engine's functions run. */
export function runOnTarget(
  engine: InvocationEngine,
  plan: ExperimentPlan,
  options: SessionOptions,
): Promise<TargetOutcome> {
  if (engine instanceof RemoteEngine) {
    const { log, signal, onEvent } = options;
    return engine.runExperiment(plan, { log, signal, onEvent });
  }
  return runExperiment(plan, options);
}

const hasFlags = (flags: PowerFlags) => Object.values(flags).some((value) => value !== undefined);

/**
 * The power source of the machine the functions run on: the profile's (with flags over it)
 * here, the gateway's there. A gateway's source cannot be replaced from here.
 */
export function powerOnTarget(
  engine: InvocationEngine,
  profile: Profile,
  flags: PowerFlags = {},
): PowerSource {
  if (engine instanceof RemoteEngine) {
    if (hasFlags(flags)) {
      throw new UsageError(
        `profile ${profile.name} runs functions on the gateway ${engine.url}, whose own power source is read there; drop the power flags, or start \`nebula serve\` there with a profile for that source`,
      );
    }
    const source = engine.openPower();
    if (!source) {
      throw new UsageError(
        `the gateway ${engine.url} has no power source: start \`nebula serve\` there with a profile whose power source works`,
      );
    }
    return source;
  }
  return createPowerSource(powerConfigFrom(profile.power, flags));
}

/**
 * The deployed sizes where the functions run: here from this engine's files and Docker
 * engine, there from the gateway's (`images: false` asks no Docker engine).
 */
export function sizesOnTarget(
  engine: InvocationEngine,
  profile: Profile,
  options: { functions?: readonly string[]; images?: boolean } = {},
): Promise<SizesRecord> {
  if (engine instanceof RemoteEngine) return engine.sizes(options);
  if (!(engine instanceof Engine)) throw new Error('sizes need a local engine or a gateway');
  const names = options.functions;
  const fns = engine.catalog.functions.filter((fn) => !names || names.includes(fn.name));
  return collectSizes(fns, {
    dockerHost: profile.docker.host,
    platform: profile.docker.platform,
    images: options.images,
  });
}
