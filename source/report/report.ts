/**
 * One report model, from a session log or from an experiment that just ran; the renderers in
 * render/ only format it. A log is cut into sections, one per machine, profile and console
 * segment, and within a section into experiments: cells are never pooled across them. Energy
 * is recomputed from the log's own records by the measurement session's attribution.
 */
import type { Comparison } from '../core/compare.js';
import { cellKey } from '../core/plan.js';
import { CellCollector, type CellResult, type ResultSet } from '../experiment/results.js';
import { EnergyCollector } from '../measure/attribute.js';
import type { CellEnergy, IdleDrift } from '../measure/block-figures.js';
import type { ExperimentRecord } from '../measure/records.js';
import type { ExperimentOutcome } from '../measure/session.js';
import { isResume, type ResumeRecord } from '../session/breaks.js';
import { type AnyRecord, type HeaderRecord, isHeader, isInvocation } from '../session/records.js';

/** A results row; `energy` is there when the experiment measured it. */
export type ResultRow = CellResult & { energy?: CellEnergy };

export interface ExperimentReport {
  experiment: string;
  results: ResultRow[];
  comparisons: Comparison[];
  /** Idle before and after, and its drift; null without energy. */
  idle: IdleDrift | null;
  power: ExperimentRecord['power'];
  /** Who drove it and where its timings were taken, as its record says (absent before drivers were recorded). */
  driver?: ExperimentRecord['driver'];
  timing?: string;
  /** A client-driven run: the target's clock against the client's (clock-sync records). */
  clocks?: string;
  /** Present when the run was stopped and resumed (`nebula bench --resume`): each break. */
  resumed?: ResumeBreak[];
}

/** One break of a resumed run, as its "resume" record tells it. */
export interface ResumeBreak {
  /** When the run went on, and when it last logged before (null: unknown). */
  at: number;
  lastAt: number | null;
  /** Invocations kept from before, and those of a half-finished group dropped and run again. */
  kept: number;
  dropped: number;
  droppedCells: string[];
  tornLine: number | null;
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
  'resume',
  'clock-sync',
]);

export function buildReport(records: Iterable<AnyRecord>): Report {
  const builder = new ReportBuilder();
  for (const record of records) builder.add(record);
  return builder.finish();
}

interface OpenSection extends ReportSection {
  byExperiment: Map<string, CellCollector>;
}

/**
 * The report of a log fed one record at a time, in log order, holding per experiment its
 * cells' statistics and its energy collector, never the invocations: `nebula report` of a
 * log of gigabytes runs in the memory of a small one.
 */
export class ReportBuilder {
  private header: HeaderRecord | null = null;
  private readonly context: Context = { machine: null, profile: null, segment: 0 };
  private readonly sections = new Map<string, OpenSection>();
  private readonly experimentSection = new Map<string, string>();
  private readonly starts = new Map<string, ExperimentRecord>();
  private readonly breaks = new Map<string, ResumeBreak[]>();
  private readonly clocks = new Map<string, Array<Record<string, unknown>>>();
  private readonly energies = new Map<string, EnergyCollector>();
  /** The energy experiment whose records are arriving (splitExperiments in attribute.ts). */
  private open: EnergyCollector | null = null;
  private openId: string | null = null;
  private readonly otherRecords: Record<string, number> = {};
  private measured = 0;
  private warmups = 0;

  add(record: AnyRecord): void {
    this.energyOf(record);
    if (isHeader(record)) {
      this.header ??= record;
      Object.assign(this.context, {
        machine: record.machine.hostname,
        profile: record.profile,
        segment: 0,
      });
    } else if (record.type === 'segment') {
      const segment = record as { profile?: unknown; segment?: unknown };
      if (typeof segment.profile === 'string') this.context.profile = segment.profile;
      if (typeof segment.segment === 'number') this.context.segment = segment.segment;
    } else if (record.type === 'target') {
      // What follows ran on a gateway's machine: its section names that machine.
      const target = record as { machine?: { hostname?: unknown } };
      if (typeof target.machine?.hostname === 'string') {
        this.context.machine = target.machine.hostname;
      }
    } else if (record.type === 'clock-sync') {
      const sync = record as Record<string, unknown>;
      const id = String(sync.experiment);
      this.clocks.set(id, [...(this.clocks.get(id) ?? []), sync]);
    } else if (record.type === 'experiment') {
      const start = record as unknown as ExperimentRecord;
      this.starts.set(start.experiment, start);
      if (!this.experimentSection.has(start.experiment)) {
        this.experimentSection.set(start.experiment, this.sectionFor());
      }
    } else if (isResume(record)) {
      const list = this.breaks.get(record.experiment) ?? [];
      list.push(breakOf(record));
      this.breaks.set(record.experiment, list);
    } else if (isInvocation(record)) {
      if (record.warmup) this.warmups++;
      else this.measured++;
      if (!this.experimentSection.has(record.experiment)) {
        this.experimentSection.set(record.experiment, this.sectionFor());
      }
      const section = this.sections.get(this.experimentSection.get(record.experiment) as string);
      if (section) {
        let cells = section.byExperiment.get(record.experiment);
        if (!cells) {
          cells = new CellCollector();
          section.byExperiment.set(record.experiment, cells);
        }
        cells.add({ warmup: record.warmup, result: record });
      }
    }
    if (!KNOWN.has(record.type)) {
      this.otherRecords[record.type] = (this.otherRecords[record.type] ?? 0) + 1;
    }
  }

  /** Energy experiments take every record from their start to their end (or a new header). */
  private energyOf(record: AnyRecord): void {
    if (record.type === 'experiment') {
      const start = record as unknown as ExperimentRecord;
      this.open = null;
      this.openId = null;
      if (start.plan?.energy) {
        this.open = new EnergyCollector(start.experiment);
        this.openId = start.experiment;
        this.energies.set(start.experiment, this.open);
      }
      return;
    }
    if (!this.open) return;
    if (record.type === 'header' || record.type === 'segment') {
      this.open = null;
      return;
    }
    this.open.add(record);
    if (
      record.type === 'experiment-end' &&
      (record as { experiment?: unknown }).experiment === this.openId
    ) {
      this.open = null;
    }
  }

  private sectionFor(): string {
    const { machine, profile, segment } = this.context;
    const key = JSON.stringify([machine, profile, segment]);
    if (!this.sections.has(key)) {
      this.sections.set(key, {
        title: '',
        machine,
        profile,
        segment,
        experiments: [],
        byExperiment: new Map(),
      });
    }
    return key;
  }

  finish(): Report {
    const energyOf = new Map(
      [...this.energies].map(([experiment, collector]) => [experiment, collector.result()]),
    );
    const named = [...this.sections.values()].filter((s) => s.byExperiment.size > 0);
    const machines = new Set(named.map((s) => s.machine));
    for (const section of named) {
      section.title = sectionTitle(section, machines.size > 1 || named.length > 1);
      for (const [experiment, cells] of section.byExperiment) {
        const found = energyOf.get(experiment);
        const start = this.starts.get(experiment);
        const report = {
          ...experimentReport(
            experiment,
            cells.results(),
            found?.energy ?? [],
            found?.idle ?? null,
            start?.power ?? null,
          ),
          ...(start?.driver ? { driver: start.driver, timing: start.timing } : {}),
          ...(this.clocks.has(experiment)
            ? { clocks: clocksText(this.clocks.get(experiment)) }
            : {}),
        };
        const breaks = this.breaks.get(experiment);
        section.experiments.push(breaks ? { ...report, resumed: breaks } : report);
      }
    }
    return {
      header: this.header,
      sections: named.map(({ byExperiment: _b, ...section }) => section),
      measured: this.measured,
      warmups: this.warmups,
      otherRecords: Object.fromEntries(
        Object.entries(this.otherRecords).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
      ),
    };
  }
}

function breakOf(record: ResumeRecord): ResumeBreak {
  const dropped = record.dropped ?? { invocations: 0, cells: [], tornLine: null };
  return {
    at: record.at,
    lastAt: typeof record.lastAt === 'number' ? record.lastAt : null,
    kept: record.kept,
    dropped: dropped.invocations,
    droppedCells: dropped.cells,
    tornLine: dropped.tornLine,
  };
}

/** "offset 0.012 ms ± 0.4 ms before; drift 0.003 ms after" from a run's clock-sync records. */
function clocksText(syncs: ReadonlyArray<Record<string, unknown>> = []): string {
  const parts = syncs.map((sync) => {
    if (typeof sync.error === 'string') return `${sync.phase}: not measured (${sync.error})`;
    const offset = Number(sync.offsetNs) / 1e6;
    const within = Number(sync.uncertaintyMs);
    const drift = typeof sync.driftMs === 'number' ? `, drift ${sync.driftMs.toFixed(3)} ms` : '';
    return `${sync.phase}: target − client ${offset.toFixed(3)} ms ± ${within.toFixed(3)} ms${drift}`;
  });
  return parts.join('; ');
}

function sectionTitle(section: Context, withSegment: boolean): string {
  const profile = section.profile ? `profile ${section.profile}` : 'unknown profile';
  const machine = section.machine ? ` on ${section.machine}` : '';
  const segment = withSegment && section.segment > 0 ? `, segment ${section.segment}` : '';
  return `${profile}${machine}${segment}`;
}
