/**
 * The engine contract (target-engine.ts) on this machine: the Engine of this process, with the
 * profile's Docker engine for its containers and sizes and the profile's power source.
 */
import { hostname } from 'node:os';
import { UsageError } from '../core/errors.js';
import { Engine } from '../engine/engine.js';
import { engineInvoke } from '../experiment/engine-invoke.js';
import type { Driver } from '../measure/driver.js';
import type { ExperimentPlan } from '../measure/plan.js';
import { planLanes } from '../measure/plan-lanes.js';
import { runExperiment } from '../measure/session.js';
import { createPowerSource, type PowerFlags, powerConfigFrom } from '../power/create.js';
import type { PowerSource } from '../power/source.js';
import { sourceAddress } from '../power/source-address.js';
import type { Profile } from '../profiles/schema.js';
import type { Runtime } from '../runtimes/runtime.js';
import { sessionHeader } from '../session/header.js';
import type { HeaderRecord } from '../session/records.js';
import type {
  PowerOrigin,
  TargetEngine,
  TargetOutcome,
  TargetRunOptions,
  Where,
} from './target-engine.js';

export class LocalEngine extends Engine implements TargetEngine {
  readonly where: Where = { gateway: null, host: hostname(), machine: null };

  constructor(
    private readonly profile: Profile,
    options: { functionsDir?: string } = {},
  ) {
    super({
      dockerHost: profile.docker.host,
      dockerPlatform: profile.docker.platform,
      functionsDir: options.functionsDir,
    });
  }

  header(profile: string, names?: readonly string[]): HeaderRecord {
    const fns = this.catalog.functions.filter((fn) => !names || names.includes(fn.name));
    return sessionHeader(profile, fns);
  }

  /**
   * Every runtime loads and has every function deployed, before anything runs. A variant's
   * artifacts (an image on another base) are built here when missing: they exist only for
   * the variant, so asking for it is asking for them.
   */
  async checkReady(
    plan: ExperimentPlan,
    say: (line: string) => void,
    options: { driver?: Driver } = {},
  ): Promise<void> {
    if (options.driver === 'client') throw this.noClientDriver();
    const missing: string[] = [];
    for (const { lane, label, functions } of planLanes(plan)) {
      if (functions.length === 0) continue;
      let runtime: Runtime;
      try {
        runtime = await this.runtime(lane.runtime, lane.variant);
      } catch (error) {
        if (error instanceof UsageError) throw error;
        throw new Error(`runtime ${label} is not available: ${(error as Error).message}`);
      }
      for (const name of functions) {
        const fn = this.catalog.get(name);
        if (await runtime.isDeployed(fn)) continue;
        if (lane.variant) {
          say(`deploying ${name} for ${label}`);
          await runtime.deploy(fn);
        } else missing.push(`${name} on ${label}`);
      }
    }
    if (missing.length > 0) {
      throw new Error(
        `not deployed: ${missing.join(', ')}; run \`nebula deploy ${[...new Set(missing.map((m) => m.split(' ')[0]))].join(' ')}\` first`,
      );
    }
  }

  /**
   * The client driver sends each invocation from this machine to another: with the functions
   * here there is no other, and a log saying "client" would claim an HTTP round trip that
   * never happened. Refused rather than taken as the target driver.
   */
  private noClientDriver(): UsageError {
    return new UsageError(
      `--driver client drives the functions of a gateway's machine from this one, one HTTP request per invocation; profile ${this.profile.name} runs them in this process, where the whole experiment already runs beside them (--driver target): use a profile whose target is a gateway (see profiles/vm.json), or drop --driver client`,
    );
  }

  async runExperiment(plan: ExperimentPlan, options: TargetRunOptions): Promise<TargetOutcome> {
    const { sizes, power = null, ...session } = options;
    if (session.driver === 'client') throw this.noClientDriver();
    // As a gateway writes them into its own log: the plan's functions, images when it has
    // containers (a session without containers neither loads dockerode nor asks an engine).
    if (sizes && session.log) {
      const images = planLanes(plan).some(({ lane }) => lane.runtime === 'container');
      const functions = plan.functions.map((fn) => fn.name);
      session.log(await this.sizes({ functions, images }));
    }
    return runExperiment(plan, { ...session, power, invoke: engineInvoke(this) });
  }

  powerOrigin(): PowerOrigin {
    const config = this.profile.power;
    const simulated = 'simulated' in config && config.simulated === true;
    return { kind: config.source, simulated, broker: sourceAddress(config) };
  }

  openPower(flags: PowerFlags = {}): PowerSource {
    return createPowerSource(powerConfigFrom(this.profile.power, flags));
  }

  async reachable(): Promise<string | null> {
    return null;
  }
}
