/**
 * One report model, from a session log or from an experiment that just ran; the renderers in
 * render/ only format it. A log is cut into sections, one per machine, profile and console
 * segment, and within a section into experiments: cells are never pooled across them. Energy
 * is recomputed from the log's own records by the measurement session's attribution.
 */
import type { Comparison } from '../core/compare.js';
import { cellKey } from '../core/plan.js';
import { type CellResult, type ResultSet, summarizeInvocations } from '../experiment/results.js';
import { experimentEnergy, splitExperiments } from '../measure/attribute.js';
import type { CellEnergy, IdleDrift } from '../measure/energy-blocks.js';
import type { ExperimentRecord } from '../measure/records.js';
import type { ExperimentOutcome } from '../measure/session.js';
import {
  type AnyRecord,
  type HeaderRecord,
  type InvocationRecord,
  isHeader,
  isInvocation,
} from '../session/records.js';

/** A results row; `energy` is there when the experiment measured it. */
export type ResultRow = CellResult & { energy?: CellEnergy };

export interface ExperimentReport {
  experiment: string;
  results: ResultRow[];
  comparisons: Comparison[];
  /** Idle before and after, and its drift; null without energy. */
  idle: IdleDrift | null;
  power: ExperimentRecord['power'];
}

export interface ReportSection {
  /** "profile sim on host-1", with the console's segment when there is more than one. */
  title: string;
  machine: string | null;
  profile: string | null;
  segment: number;
  experiments: ExperimentReport[];
}

export interface Report {
  /** The log's first header (machine and versions). */
  header: HeaderRecord | null;
  sections: ReportSection[];
  /** Measured invocations and warm-ups found in the log. */
  measured: number;
  warmups: number;
  /** Records of types this report does not show, counted by type (e.g. power readings). */
  otherRecords: Record<string, number>;
}

/** The rows of one experiment: timing per cell, with its energy beside it. */
export function experimentReport(
  experiment: string,
  { results, comparisons }: ResultSet,
  energy: readonly CellEnergy[],
  idle: IdleDrift | null,
  power: ExperimentRecord['power'],
): ExperimentReport {
  const byCell = new Map(energy.map((e) => [e.cell, e]));
  const rows = results.map((r) => {
    const found = byCell.get(cellKey(r));
    return found ? { ...r, energy: found } : r;
  });
  return { experiment, results: rows, comparisons, idle, power };
}

/** What `nebula bench` prints: the same model as a report's experiment. */
export function outcomeReport(
  outcome: ExperimentOutcome,
  power: ExperimentRecord['power'],
): ExperimentReport {
  const { results, comparisons } = outcome;
  return experimentReport(
    outcome.experiment,
    { results, comparisons },
    outcome.energy,
    outcome.idle,
    power,
  );
}

interface Context {
  machine: string | null;
  profile: string | null;
  segment: number;
}

const KNOWN = new Set([
  'header',
  'invocation',
  'segment',
  'experiment',
  'experiment-end',
  'energy',
  'baseline',
  'block',
  'target',
]);

export function buildReport(records: readonly AnyRecord[]): Report {
  const header = (records.find(isHeader) as HeaderRecord | undefined) ?? null;
  const context: Context = { machine: null, profile: null, segment: 0 };
  const sections = new Map<
    string,
    ReportSection & { byExperiment: Map<string, InvocationRecord[]> }
  >();
  const experimentSection = new Map<string, string>();
  const starts = new Map<string, ExperimentRecord>();
  const otherRecords: Record<string, number> = {};
  let measured = 0;
  let warmups = 0;
  const sectionFor = (): string => {
    const key = JSON.stringify([context.machine, context.profile, context.segment]);
    if (!sections.has(key)) {
      sections.set(key, {
        title: '',
        machine: context.machine,
        profile: context.profile,
        segment: context.segment,
        experiments: [],
        byExperiment: new Map(),
      });
    }
    return key;
  };
  for (const record of records) {
    if (isHeader(record)) {
      Object.assign(context, {
        machine: record.machine.hostname,
        profile: record.profile,
        segment: 0,
      });
    } else if (record.type === 'segment') {
      const segment = record as { profile?: unknown; segment?: unknown };
      if (typeof segment.profile === 'string') context.profile = segment.profile;
      if (typeof segment.segment === 'number') context.segment = segment.segment;
    } else if (record.type === 'target') {
      // What follows ran on a gateway's machine: its section names that machine.
      const target = record as { machine?: { hostname?: unknown } };
      if (typeof target.machine?.hostname === 'string') context.machine = target.machine.hostname;
    } else if (record.type === 'experiment') {
      const start = record as unknown as ExperimentRecord;
      starts.set(start.experiment, start);
      if (!experimentSection.has(start.experiment))
        experimentSection.set(start.experiment, sectionFor());
    } else if (isInvocation(record)) {
      if (record.warmup) warmups++;
      else measured++;
      if (!experimentSection.has(record.experiment))
        experimentSection.set(record.experiment, sectionFor());
      const section = sections.get(experimentSection.get(record.experiment) as string);
      const list = section?.byExperiment.get(record.experiment) ?? [];
      list.push(record);
      section?.byExperiment.set(record.experiment, list);
    }
    if (!KNOWN.has(record.type)) otherRecords[record.type] = (otherRecords[record.type] ?? 0) + 1;
  }
  const energyOf = new Map(
    splitExperiments(records).map((logged) => [
      logged.start.experiment,
      experimentEnergy(logged.start.experiment, logged.records),
    ]),
  );
  const named = [...sections.values()].filter((s) => s.byExperiment.size > 0);
  const machines = new Set(named.map((s) => s.machine));
  for (const section of named) {
    section.title = sectionTitle(section, machines.size > 1 || named.length > 1);
    for (const [experiment, invocations] of section.byExperiment) {
      const found = energyOf.get(experiment);
      section.experiments.push(
        experimentReport(
          experiment,
          summarizeInvocations(
            invocations.map((record) => ({ warmup: record.warmup, result: record })),
          ),
          found?.energy ?? [],
          found?.idle ?? null,
          starts.get(experiment)?.power ?? null,
        ),
      );
    }
  }
  return {
    header,
    sections: named.map(({ byExperiment: _b, ...section }) => section),
    measured,
    warmups,
    otherRecords: Object.fromEntries(
      Object.entries(otherRecords).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    ),
  };
}

function sectionTitle(section: Context, withSegment: boolean): string {
  const profile = section.profile ? `profile ${section.profile}` : 'unknown profile';
  const machine = section.machine ? ` on ${section.machine}` : '';
  const segment = withSegment && section.segment > 0 ? `, segment ${section.segment}` : '';
  return `${profile}${machine}${segment}`;
}
