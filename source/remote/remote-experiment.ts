/**
 * An experiment run on the machine behind a gateway: the plan goes there, the measurement
 * session runs there on its clock and with its power source, and every record it writes to
 * its own log comes back and is appended, unchanged, to this side's log after a `target`
 * record naming the machine (an invocation comes once, as its `invocation` line, and its
 * record is made from it here as it was there). Both logs then hold the same records, so `nebula report` of
 * either gives the same figures; the figures here are computed from exactly those records.
 */

import type { StepRecord } from '../core/plan.js';
import { CellCollector } from '../experiment/results.js';
import { EnergyCollector } from '../measure/attribute.js';
import type { ExperimentPlan } from '../measure/plan.js';
import type { ExperimentOutcome, SessionEvent } from '../measure/types.js';
import {
  EXPERIMENT_PROTOCOL,
  EXPERIMENTS_PATH,
  EXPERIMENTS_STOP_PATH,
  type MachineResponse,
} from '../protocol/gateway.js';
import type { AnyRecord } from '../session/records.js';
import { invocationRecord } from '../session/session-log.js';
import { type GatewayHttp, GatewayUnreachableError } from './gateway-http.js';

export interface RemoteExperimentOptions {
  log?: (record: AnyRecord) => void;
  signal?: AbortSignal;
  onEvent?: (event: SessionEvent) => void;
}

/** What a remote experiment gives beyond the figures: where it ran and what was lost. */
export interface RemoteOutcome extends ExperimentOutcome {
  /** Set when the connection broke before the end: what happened and what is kept where. */
  lost: string | null;
  /** The gateway's own session log of this experiment. */
  remoteLog: string | null;
}

export async function runRemoteExperiment(
  http: GatewayHttp,
  where: MachineResponse,
  plan: ExperimentPlan,
  options: RemoteExperimentOptions = {},
): Promise<RemoteOutcome> {
  const log = options.log ?? (() => {});
  // Records before the start line names the experiment wait here (a handful at most).
  const early: AnyRecord[] = [];
  let energyOf = null as EnergyCollector | null;
  const collector = new CellCollector();
  let invocations = 0;
  let measured = 0;
  let endAborted = false;
  const take = (record: AnyRecord) => {
    if (energyOf) energyOf.add(record);
    else early.push(record);
    if (record.type === 'experiment-end') {
      endAborted = Boolean((record as { aborted?: boolean }).aborted);
    }
  };
  let experiment: string | null = null;
  let remoteLog: string | null = null;
  let planned = 0;
  let blockSeconds: number | null = null;
  let ended = false;
  let failed: string | null = null;
  log({
    type: 'target',
    url: http.url,
    machine: where.machine,
    profile: where.profile,
    power: where.power,
  });
  const onLine = (line: Record<string, unknown>) => {
    const { protocol: _p, type, ...fields } = line;
    if (type === 'record') {
      const record = fields.record as AnyRecord;
      take(record);
      log(record);
      if (record.type === 'experiment-end') ended = true;
      return;
    }
    if (type === 'done') return;
    if (type === 'error') {
      failed = String(fields.error);
      return;
    }
    if (type === 'start') {
      experiment = String(fields.experiment);
      energyOf = new EnergyCollector(experiment);
      for (const record of early.splice(0)) energyOf.add(record);
      remoteLog = typeof fields.log === 'string' ? fields.log : null;
      planned = Number(fields.total);
      if (options.signal?.aborted) void stop();
    }
    if (type === 'blocks') blockSeconds = Number(fields.blockSeconds);
    if (type === 'invocation') {
      // The gateway logged invocationRecord() of this step; the same record goes here.
      const step = (fields as { record: StepRecord }).record;
      collector.add(step);
      invocations++;
      if (!step.warmup) measured++;
      const record = invocationRecord(step);
      take(record);
      log(record);
    }
    options.onEvent?.({ type, ...fields } as SessionEvent);
  };
  const stop = async () => {
    if (!experiment) return; // asked again once the start line names it
    try {
      const answer = await http.send('POST', EXPERIMENTS_STOP_PATH, JSON.stringify({ experiment }));
      if (answer.status !== 202 && answer.status !== 404) cut();
    } catch {
      cut();
    }
  };
  const onAbort = () => void stop();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const body = JSON.stringify({ protocol: EXPERIMENT_PROTOCOL, plan });
  const { done, cut } = http.stream('POST', EXPERIMENTS_PATH, body, onLine, 'run the experiment');
  let lost: string | null = null;
  try {
    await done;
  } catch (error) {
    if (!(error instanceof GatewayUnreachableError) || experiment === null) throw error;
    lost = error.message;
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
  if (failed && experiment === null) throw new Error(`gateway ${http.url}: ${failed}`);
  const id = experiment ?? 'unknown';
  const energy = plan.energy ? energyCollectorOf(energyOf, id, early).result() : null;
  if (!ended) {
    // The gateway's end never came: close the experiment here, with what arrived.
    log({
      type: 'experiment-end',
      experiment: id,
      at: Date.now(),
      aborted: true,
      idle: energy?.idle ?? null,
      lost: lost ?? failed,
    });
  }
  const ran = measured;
  const message = lost
    ? `${lost}; ${ran} invocations arrived and are kept in this log, the gateway keeps its own${remoteLog ? ` (${remoteLog})` : ''}; run the experiment again to measure it whole`
    : null;
  return {
    experiment: id,
    aborted: !ended || endAborted,
    ...collector.results(),
    energy: energy?.energy ?? [],
    idle: energy?.idle ?? null,
    blockSeconds,
    intervalS: energy?.intervalS ?? null,
    invocations,
    measured,
    cells: collector.cells(),
    planned,
    lost: message ?? (failed ? `gateway ${http.url}: ${failed}` : null),
    remoteLog,
  };
}

/** The stream's collector, or one over what arrived when the start line never did. */
function energyCollectorOf(
  found: EnergyCollector | null,
  experiment: string,
  early: readonly AnyRecord[],
): EnergyCollector {
  if (found) return found;
  const collector = new EnergyCollector(experiment);
  for (const record of early) collector.add(record);
  return collector;
}
