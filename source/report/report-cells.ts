/**
 * A session's successful measured invocations, per cell, as bounded samples
 * (core/phase-sample.ts): what the figures, the side-by-side table, the variant ladder and
 * the memory table are drawn from, so a log of millions of invocations reports in the memory
 * of a small one. Cells are pooled over the session's experiments, as those tables always
 * pooled them; the per-experiment tables come from report.ts.
 */
import { PHASES } from '../core/invocation.js';
import { PhaseSample } from '../core/phase-sample.js';
import { type Cell, cellKey } from '../core/plan.js';
import type { CellIdentity } from '../experiment/results.js';
import type { InvocationRecord } from '../session/records.js';
import { type PhaseName, phaseValue } from './samples.js';

/** Every phase a run keeps, and the runtime (total − startup) reports add. */
export const REPORT_PHASES: readonly PhaseName[] = [...PHASES, 'runtimeMs'];

export interface CellMemory {
  /** Invocations that carried a memory figure. */
  count: number;
  peaks: PhaseSample;
  growth: PhaseSample;
  sources: Set<string>;
  notes: Set<string>;
}

export interface ReportCell {
  key: string;
  cell: Cell;
  /** The same identity experiment/results.ts cells carry (the ladder reads either). */
  first: CellIdentity;
  samples: Record<PhaseName, PhaseSample>;
  memory: CellMemory;
}

interface MemoryFields {
  peakBytes?: unknown;
  source?: unknown;
  workerGrowthBytes?: unknown;
  note?: unknown;
}

/** Cells in order of first appearance. */
export class ReportCells {
  private readonly found = new Map<string, ReportCell>();

  /** Takes an invocation if it is a successful measured one (warm-ups and failures not). */
  add(record: InvocationRecord): void {
    if (record.warmup || !record.ok || !record.timings) return;
    const cell: Cell = {
      function: record.function,
      runtime: record.runtime,
      mode: record.mode,
      input: record.input,
      ...(record.variant ? { variant: record.variant } : {}),
    };
    const key = cellKey(cell);
    let found = this.found.get(key);
    if (!found) {
      found = {
        key,
        cell,
        first: { ...cell, ...(record.emulated ? { emulated: record.emulated } : {}) },
        samples: Object.fromEntries(
          REPORT_PHASES.map((phase) => [phase, new PhaseSample()]),
        ) as unknown as Record<PhaseName, PhaseSample>,
        memory: {
          count: 0,
          peaks: new PhaseSample(),
          growth: new PhaseSample(),
          sources: new Set(),
          notes: new Set(),
        },
      };
      this.found.set(key, found);
    }
    for (const phase of REPORT_PHASES) {
      const value = phaseValue(record, phase);
      if (value !== null) found.samples[phase].add(value);
    }
    const memory = record.memory as MemoryFields | undefined;
    if (memory && typeof memory === 'object') {
      const m = found.memory;
      m.count++;
      if (typeof memory.peakBytes === 'number') m.peaks.add(memory.peakBytes);
      if (typeof memory.workerGrowthBytes === 'number') m.growth.add(memory.workerGrowthBytes);
      m.sources.add(typeof memory.source === 'string' ? memory.source : '?');
      if (typeof memory.note === 'string' && memory.note) m.notes.add(memory.note);
    }
  }

  cells(): ReportCell[] {
    return [...this.found.values()];
  }
}

/** One phase over several cells, as if their invocations were one sample. */
export function pooledSample(cells: readonly ReportCell[], phase: PhaseName): PhaseSample {
  const pooled = new PhaseSample();
  for (const cell of cells) pooled.absorb(cell.samples[phase]);
  return pooled;
}
