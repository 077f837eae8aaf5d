/**
 * The offset between this machine's monotonic clock and a gateway's, so that readings taken
 * there (stamped on its clock) can be placed in windows timed here (block and idle windows
 * of a session this machine drives). As NTP does it (RFC 5905, the on-wire exchange): note
 * this clock before a request for the gateway's clock and after its answer; the gateway read
 * its clock somewhere in between, so its reading minus the midpoint is the offset, give or
 * take half the round trip. Of several probes the one with the shortest round trip is kept
 * (the least room for the answer to have waited on one leg). Two machines' clocks also run
 * at slightly different rates: a sync after the run says how far the offset drifted.
 */
import { CLOCK_PATH, type ClockResponse } from '../protocol/gateway.js';
import type { GatewayHttp } from './gateway-http.js';

/** One exchange: this clock before and after, the gateway's clock in between (ns). */
export interface ClockProbe {
  sentNs: bigint;
  targetNs: bigint;
  receivedNs: bigint;
}

export interface ClockSync {
  /** The gateway's monotonic clock minus this machine's, ns. */
  offsetNs: bigint;
  /** Half the kept probe's round trip: the offset is right to within this, ns. */
  uncertaintyNs: bigint;
  probes: number;
}

/** Probes taken per sync: a handful gets one round trip without a scheduler's delay. */
export const CLOCK_PROBES = 8;

/** The offset from probes: the one of the shortest round trip. */
export function clockSyncOf(probes: readonly ClockProbe[]): ClockSync {
  let best: ClockProbe | null = null;
  for (const probe of probes) {
    if (probe.receivedNs < probe.sentNs) throw new Error('a clock probe ended before it began');
    const rtt = probe.receivedNs - probe.sentNs;
    if (!best || rtt < best.receivedNs - best.sentNs) best = probe;
  }
  if (!best) throw new Error('no clock probe to take an offset from');
  const rtt = best.receivedNs - best.sentNs;
  const midpoint = best.sentNs + rtt / 2n;
  return { offsetNs: best.targetNs - midpoint, uncertaintyNs: rtt / 2n, probes: probes.length };
}

/** A time on the gateway's monotonic clock as a time on this machine's. */
export function toLocalNs(sync: ClockSync, targetNs: bigint): bigint {
  return targetNs - sync.offsetNs;
}

/** Asks the gateway for its clock `count` times, one request after another. */
export async function syncClock(
  http: GatewayHttp,
  count = CLOCK_PROBES,
  now: () => bigint = () => process.hrtime.bigint(),
): Promise<ClockSync> {
  const probes: ClockProbe[] = [];
  for (let i = 0; i < count; i++) {
    const sentNs = now();
    const answer = await http.send('GET', CLOCK_PATH);
    const receivedNs = now();
    if (answer.status !== 200) throw http.failure(answer, 'tell its clock');
    const body = JSON.parse(answer.text) as ClockResponse;
    if (!/^\d+$/.test(String(body.monoNs))) {
      throw new Error(`gateway ${http.url} told its clock as ${answer.text.slice(0, 80)}`);
    }
    probes.push({ sentNs, targetNs: BigInt(body.monoNs), receivedNs });
  }
  return clockSyncOf(probes);
}

/** How a sync goes into the session log (bigints as decimal strings, ms for people). */
export function clockSyncRecord(
  experiment: string,
  phase: 'before' | 'after',
  sync: ClockSync,
  before?: ClockSync,
): Record<string, unknown> & { type: 'clock-sync' } {
  return {
    type: 'clock-sync',
    experiment,
    phase,
    at: Date.now(),
    offsetNs: sync.offsetNs.toString(),
    uncertaintyMs: Number(sync.uncertaintyNs) / 1e6,
    probes: sync.probes,
    ...(before ? { driftMs: Number(sync.offsetNs - before.offsetNs) / 1e6 } : {}),
  };
}
