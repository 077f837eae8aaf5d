/**
 * What a record of a known type must hold before a report reads it, checked where it enters:
 * fields a report dereferences are present with their types, and timings are numbers a
 * clock can give (finite, not negative, under MAX_TIMING_MS). Returns what is wrong, or null.
 * Types this version does not know pass unchecked (a newer Nebula may write them).
 */
import { PHASES } from '../core/invocation.js';
import type { AnyRecord } from './records.js';

/** About 28 hours: longer than any invocation's timeout can be. */
export const MAX_TIMING_MS = 1e8;

type Check = (record: Record<string, unknown>) => string | null;

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);
const isFiniteNumber = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value);
const isDecimal = (value: unknown) => typeof value === 'string' && /^\d+$/.test(value);

function fields(record: Record<string, unknown>, wanted: Record<string, string>): string | null {
  for (const [field, type] of Object.entries(wanted)) {
    const value = record[field];
    const ok =
      type === 'finite'
        ? isFiniteNumber(value)
        : type === 'decimal'
          ? isDecimal(value)
          : type === 'object'
            ? isObject(value)
            : typeof value === type;
    if (!ok) {
      const said =
        type === 'finite'
          ? 'a finite number'
          : type === 'decimal'
            ? 'a decimal string'
            : `a ${type}`;
      return `its "${field}" is ${describe(value)}, not ${said}`;
    }
  }
  return null;
}

function describe(value: unknown): string {
  if (value === undefined) return 'missing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

/** Written as null where the marks that bound them are missing (core/marks.ts): unknown. */
const MAY_BE_UNKNOWN = new Set(['execMs', 'teardownMs']);

function timing(name: string, value: unknown, required: boolean): string | null {
  if (value === null && MAY_BE_UNKNOWN.has(name)) return null;
  if (value === undefined || value === null) return required ? `timings.${name} is missing` : null;
  if (!isFiniteNumber(value) || value < 0 || value > MAX_TIMING_MS) {
    return `timings.${name} is ${describe(value)}, not a time in ms from 0 to ${MAX_TIMING_MS}`;
  }
  return null;
}

const REQUIRED = new Set(['startupMs', 'execMs', 'teardownMs', 'totalMs']);

const CHECKS: Record<string, Check> = {
  header: (r) =>
    fields(r, { profile: 'string', machine: 'object' }) ??
    fields(r.machine as Record<string, unknown>, { hostname: 'string' }) ??
    (r.startedAt === undefined ? null : fields(r, { startedAt: 'finite' })) ??
    (r.cpu === undefined ? null : fields(r, { cpu: 'object' })),
  invocation: (r) => {
    const wrong =
      fields(r, {
        experiment: 'string',
        cell: 'string',
        function: 'string',
        runtime: 'string',
        mode: 'string',
        input: 'string',
        ok: 'boolean',
        warmup: 'boolean',
        at: 'finite',
        timings: 'object',
      }) ?? (r.acceptedAtNs === undefined ? null : fields(r, { acceptedAtNs: 'decimal' }));
    if (wrong) return wrong;
    const timings = r.timings as Record<string, unknown>;
    for (const phase of PHASES) {
      const bad = timing(phase, timings[phase], REQUIRED.has(phase));
      if (bad) return bad;
    }
    for (const span of ['startNs', 'endNs']) {
      if (r[span] !== undefined && !isDecimal(r[span])) {
        return `its "${span}" is ${describe(r[span])}, not a decimal string`;
      }
    }
    return null;
  },
  experiment: (r) => fields(r, { experiment: 'string', at: 'finite', plan: 'object' }),
  'experiment-end': (r) => fields(r, { experiment: 'string' }),
  block: (r) =>
    fields(r, {
      experiment: 'string',
      cell: 'string',
      index: 'finite',
      startNs: 'decimal',
      endNs: 'decimal',
      invocations: 'finite',
    }),
  baseline: (r) =>
    fields(r, { experiment: 'string', phase: 'string', startNs: 'decimal', endNs: 'decimal' }),
  // Readings of older logs carry no receivedAt; energy then leaves them out.
  power: (r) => {
    const wrong = fields(r, { watts: 'finite' });
    if (wrong || r.receivedAt === undefined) return wrong;
    return (
      fields(r, { receivedAt: 'object' }) ??
      fields(r.receivedAt as Record<string, unknown>, { monoNs: 'decimal' })
    );
  },
  'power-gap': (r) => {
    const wrong = fields(r, { from: 'object', to: 'object' });
    if (wrong) return wrong;
    return (
      fields(r.from as Record<string, unknown>, { monoNs: 'decimal' }) ??
      fields(r.to as Record<string, unknown>, { monoNs: 'decimal' })
    );
  },
};

export function checkRecord(record: AnyRecord): string | null {
  const check = CHECKS[record.type];
  if (!check) return null;
  const wrong = check(record as unknown as Record<string, unknown>);
  return wrong ? `a "${record.type}" record whose ${wrong.replace(/^its /, '')}` : null;
}
