/**
 * The client driver (`nebula bench --driver client`, the thesis's condition): the measurement
 * session runs on this machine and sends each invocation to the gateway as its own HTTP
 * request (POST /functions/{name}/invoke, with its variant and timeout), while the gateway's machine reads its power and
 * streams it here (remote-power.ts). What is timed where:
 * - the phases (startup, compute, total) are the target's, as its runtimes measured them;
 * - each invocation's `clientRoundTripMs`, and the block and idle windows, are on this
 *   machine's monotonic clock, so they hold each invocation's HTTP round trip;
 * - the readings are taken there and placed on this clock by an offset measured before the
 *   run (clock-sync.ts), kept with their own stamp (`targetAt`); a sync after the run logs
 *   how far the two clocks drifted apart meanwhile.
 * The log gets a `target` record naming the machine (driver: client), the gateway's sizes,
 * the clock-sync records, and the session's own records, whose experiment record says
 * `driver: "client"`.
 */
import type { InvocationEngine } from '../engine/invocation-engine.js';
import type { SizesQuery, SizesRecord } from '../engine/sizes.js';
import { engineInvoke } from '../experiment/engine-invoke.js';
import type { InvokeFn } from '../experiment/runner.js';
import { systemClock } from '../measure/clock.js';
import type { ExperimentPlan } from '../measure/plan.js';
import { planLanes } from '../measure/plan-lanes.js';
import { newExperimentId, runExperiment } from '../measure/session.js';
import type { SessionOptions } from '../measure/types.js';
import type { PowerSource } from '../power/source.js';
import type { MachineResponse } from '../protocol/gateway.js';
import type { AnyRecord } from '../session/records.js';
import { type ClockSync, clockSyncRecord, syncClock } from './clock-sync.js';
import { type GatewayHttp, GatewayUnreachableError } from './gateway-http.js';
import type { RemoteOutcome } from './remote-experiment.js';
import { RemotePowerSource } from './remote-power.js';

/** As the engine contract's run options (target/target-engine.ts TargetRunOptions). */
export interface ClientDriveOptions extends Omit<SessionOptions, 'invoke' | 'power'> {
  /** The gateway's own source (openPower()), or null for time only. */
  power?: PowerSource | null;
  /** The gateway's deployed sizes go into the log first. */
  sizes?: boolean;
}

export interface ClientDriverTarget {
  engine: InvocationEngine & { sizes(query: SizesQuery): Promise<SizesRecord> };
  http: GatewayHttp;
  where: MachineResponse;
}

export async function runClientDriven(
  target: ClientDriverTarget,
  plan: ExperimentPlan,
  options: ClientDriveOptions,
): Promise<RemoteOutcome> {
  const { http, where, engine } = target;
  const { sizes, power: given = null, ...session } = options;
  const power = plan.energy ? given : null;
  if (plan.energy && !(power instanceof RemotePowerSource)) {
    throw new Error(
      `the client driver attributes the power of the gateway's machine: give it the gateway's own source (openPower()), not ${power?.label ?? 'none'}`,
    );
  }
  const log = session.log ?? (() => {});
  log({
    type: 'target',
    url: http.url,
    machine: where.machine,
    profile: where.profile,
    power: where.power,
    driver: 'client',
  });
  if (sizes && session.log) {
    const images = planLanes(plan).some(({ lane }) => lane.runtime === 'container');
    log(await engine.sizes({ functions: plan.functions.map((fn) => fn.name), images }));
  }
  const experiment = session.experimentId ?? newExperimentId(session.clock ?? systemClock);
  const before = await syncClock(http);
  log(clockSyncRecord(experiment, 'before', before));
  if (power instanceof RemotePowerSource) power.align(before);
  // A gateway that stops answering ends the run (what finished is kept), rather than every
  // remaining invocation failing against it in turn.
  const unreachable = new AbortController();
  let lost: string | null = null;
  const invoke: InvokeFn = async (cell, signal, settings) => {
    try {
      return await engineInvoke(engine)(cell, signal, settings);
    } catch (error) {
      if (error instanceof GatewayUnreachableError && !unreachable.signal.aborted) {
        lost = error.message;
        unreachable.abort();
      }
      throw error;
    }
  };
  const signal = session.signal
    ? AbortSignal.any([session.signal, unreachable.signal])
    : unreachable.signal;
  const outcome = await runExperiment(plan, {
    ...session,
    experimentId: experiment,
    power,
    invoke,
    signal,
    driver: 'client',
  });
  if (!lost) await logDrift(http, experiment, before, log);
  return {
    ...outcome,
    lost: lost
      ? `${lost}; ${outcome.measured} invocations finished and are kept in this log; run the experiment again to measure it whole`
      : null,
    remoteLog: null,
  };
}

/** The offset again after the run: how far the clocks drifted, or why it is not known. */
async function logDrift(
  http: GatewayHttp,
  experiment: string,
  before: ClockSync,
  log: (record: AnyRecord) => void,
): Promise<void> {
  try {
    log(clockSyncRecord(experiment, 'after', await syncClock(http), before));
  } catch (error) {
    log({
      type: 'clock-sync',
      experiment,
      phase: 'after',
      at: Date.now(),
      error: (error as Error).message,
    });
  }
}
