/**
 * Costs of invocations from earlier session logs of this machine and profile: each
 * invocation costs the time until the next one of its experiment was handed over (less the
 * plan's pause), or until the experiment ended. Logs are streamed (one line at a time) and
 * the work is bounded: the newest few logs, and at most so many invocations read in all, so
 * an estimate never waits on an hour's log.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { SessionLogError, streamSessionLog } from '../session/read-log.js';
import type { AnyRecord, HeaderRecord, InvocationRecord } from '../session/records.js';
import { CostBook, type CostKey } from './cost-model.js';

export interface LogBounds {
  /** The newest logs read, at most. */
  logs: number;
  /** Invocations read in all, at most (a log is left where the count is reached). */
  invocations: number;
}

export const DEFAULT_LOG_BOUNDS: LogBounds = { logs: 8, invocations: 300_000 };

/** The machine a log's figures belong to: its header's host facts and the profile. */
export interface MachineMatch {
  profile: string;
  hostname: string;
  arch: string;
  cpuModel: string;
  cores: number;
}

export function machineOf(header: HeaderRecord): MachineMatch {
  return {
    profile: header.profile,
    hostname: header.machine.hostname,
    arch: header.machine.arch,
    cpuModel: header.cpu.model,
    cores: header.cpu.cores,
  };
}

function sameMachine(a: MachineMatch, b: MachineMatch): boolean {
  return (
    a.profile === b.profile &&
    a.hostname === b.hostname &&
    a.arch === b.arch &&
    a.cpuModel === b.cpuModel &&
    a.cores === b.cores
  );
}

export interface LogCosts {
  book: CostBook;
  /** Logs read (newest first) and, of them, those of this machine and profile. */
  read: string[];
  matched: string[];
  /** True when a bound stopped the reading before the logs' end. */
  bounded: boolean;
}

/** Session logs in `dir`, newest first (by modification time). */
export function sessionLogs(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return []; // no logs directory yet: no earlier session
  }
  return names
    .filter((name) => name.endsWith('.jsonl') || name.endsWith('.jsonl.gz'))
    .map((name) => {
      const path = join(dir, name);
      try {
        return { path, mtime: statSync(path).mtimeMs };
      } catch {
        return null;
      }
    })
    .filter((entry) => entry !== null)
    .sort((a, b) => b.mtime - a.mtime)
    .map((entry) => entry.path);
}

/** Thrown inside a stream to leave a log early (another machine's, or the bound reached). */
class Leave extends Error {}

export async function costsFromLogs(
  paths: readonly string[],
  machine: MachineMatch,
  bounds: LogBounds = DEFAULT_LOG_BOUNDS,
): Promise<LogCosts> {
  const book = new CostBook();
  const read: string[] = [];
  const matched: string[] = [];
  let budget = bounds.invocations;
  let bounded = false;
  for (const path of paths.slice(0, bounds.logs)) {
    if (budget <= 0) {
      bounded = true;
      break;
    }
    read.push(path);
    const reader = new GapReader(book, path);
    let mine = false;
    let headers = 0;
    try {
      await streamSessionLog(path, (record) => {
        if (record.type === 'header') {
          mine = sameMachine(machineOf(record as HeaderRecord), machine);
          // Another machine's log from its first line: left unread.
          if (!mine && headers++ === 0) throw new Leave();
          return;
        }
        if (!mine) return;
        if (record.type === 'invocation' && --budget < 0) {
          bounded = true;
          throw new Leave();
        }
        reader.take(record);
      });
    } catch (error) {
      // A log that cannot be read gives no costs; the estimate goes on without it.
      if (!(error instanceof Leave) && !(error instanceof SessionLogError)) throw error;
    }
    if (reader.seenAny) matched.push(path);
  }
  if (paths.length > bounds.logs) bounded = true;
  return { book, read, matched, bounded };
}

interface Pending {
  key: CostKey;
  input: string;
  at: number;
  acceptedNs: bigint;
  step: number;
  block: number | undefined;
}

/** Pairs each invocation with the next of its experiment; their gap is its cost. */
class GapReader {
  /** Per experiment: its pause (counted) or null (energy), and the invocation awaiting its next. */
  private readonly experiments = new Map<
    string,
    { pauseMs: number | null; pending: Pending | null }
  >();
  seenAny = false;

  constructor(
    private readonly book: CostBook,
    private readonly source: string,
  ) {}

  take(record: AnyRecord): void {
    if (record.type === 'experiment') {
      const plan = (record as { plan?: { pauseMs?: unknown; energy?: unknown } }).plan;
      const energy = plan?.energy !== null && plan?.energy !== undefined;
      const pauseMs = typeof plan?.pauseMs === 'number' ? plan.pauseMs : 0;
      this.experiments.set(String(record.experiment), {
        pauseMs: energy ? null : pauseMs,
        pending: null,
      });
      return;
    }
    if (record.type === 'experiment-end') {
      const state = this.experiments.get(String(record.experiment));
      const at = (record as { at?: unknown }).at;
      if (state?.pending && typeof at === 'number' && state.pauseMs !== null) {
        this.add(state.pending, (at - state.pending.at) / 1000);
      }
      this.experiments.delete(String(record.experiment));
      return;
    }
    if (record.type !== 'invocation') return;
    const inv = record as InvocationRecord;
    const state = this.experiments.get(inv.experiment);
    if (!state) return; // an invocation outside a plan (a console's single invoke)
    const next: Pending = {
      key: {
        function: inv.function,
        runtime: inv.runtime,
        mode: inv.mode,
        ...(inv.variant ? { variant: inv.variant } : {}),
      },
      input: inv.input,
      at: inv.at,
      acceptedNs: BigInt(/^\d+$/.test(inv.acceptedAtNs) ? inv.acceptedAtNs : '0'),
      step: inv.step,
      block: inv.block,
    };
    const prev = state.pending;
    state.pending = next;
    if (!prev || next.step !== prev.step + 1) return;
    // With energy, only invocations back to back within one block (idle sits between blocks).
    if (state.pauseMs === null && (prev.block === undefined || prev.block !== next.block)) return;
    const pause = state.pauseMs ?? 0;
    const seconds =
      prev.acceptedNs > 0n && next.acceptedNs > 0n
        ? Number(next.acceptedNs - prev.acceptedNs) / 1e9
        : (next.at - prev.at) / 1000;
    this.add(prev, seconds - pause / 1000);
  }

  private add(pending: Pending, seconds: number): void {
    this.seenAny = true;
    this.book.add(pending.key, pending.input, Math.max(0, seconds), 'logs', this.source);
  }
}
