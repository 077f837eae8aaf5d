/**
 * The thesis's two-setup table: one column per session (machine and profile), rows of
 * startup, runtime (the thesis's: total minus startup), total and energy per runtime, and
 * the container/wasm ratio with its interval, per function and over all functions. Each
 * number comes from one session alone.
 */
import { type RatioInterval, ratioOfMedians } from '../core/compare.js';
import { cellKey } from '../core/plan.js';
import type { Summary } from '../core/stats.js';
import { summarize } from '../core/stats.js';
import type { InvocationRecord } from '../session/records.js';
import { type EnergyFigure, energyByCell } from './energy.js';
import { cellOf, measured, type PhaseName, values } from './samples.js';
import type { Session } from './sessions.js';

export const SIDE_PHASES: ReadonlyArray<readonly [PhaseName, string]> = [
  ['startupMs', 'Startup ms'],
  ['runtimeMs', 'Runtime ms (total − startup)'],
  ['totalMs', 'Total ms'],
  ['thesisStartupMs', "Thesis's startup ms"],
  ['thesisRuntimeMs', "Thesis's runtime ms"],
];

export const PAIR = { numerator: 'container', denominator: 'wasm' } as const;

export interface SideCell {
  summary: Summary | null;
  energy: EnergyFigure | null;
}

export interface SideGroup {
  /** A function and its input, or "all functions". */
  title: string;
  mode: string;
  /** Per session (same order as the report's sessions), per runtime. */
  cells: Array<Record<string, Record<PhaseName, Summary | null>>>;
  energy: Array<Record<string, EnergyFigure | null>>;
  ratios: Array<Record<PhaseName, RatioInterval | null>>;
  energyRatio: Array<number | null>;
}

export interface SideBySide {
  sessions: string[];
  groups: SideGroup[];
}

const ALL = 'all functions (pooled per session)';

/** Default runtimes only: variants are compared in their own table. */
function plain(records: InvocationRecord[]): InvocationRecord[] {
  return records.filter((r) => !r.variant);
}

export function sideBySide(sessions: readonly Session[]): SideBySide {
  const perSession = sessions.map((s) => ({
    records: plain(measured(s.records)),
    energy: energyByCell(s.records),
  }));
  // Groups: every function/input/mode found in any session, then "all" per mode.
  const keys: Array<{ fn: string | null; input: string | null; mode: string }> = [];
  const seen = new Set<string>();
  for (const { records } of perSession) {
    for (const r of records) {
      const key = JSON.stringify([r.function, r.input, r.mode]);
      if (seen.has(key)) continue;
      seen.add(key);
      keys.push({ fn: r.function, input: r.input, mode: r.mode });
    }
  }
  const functions = new Set(keys.map((k) => k.fn));
  if (functions.size > 1) {
    for (const mode of new Set(keys.map((k) => k.mode))) keys.push({ fn: null, input: null, mode });
  }
  const groups = keys.map(({ fn, input, mode }) => {
    const title = fn === null ? ALL : input === '' ? fn : `${fn} (${input})`;
    const group: SideGroup = { title, mode, cells: [], energy: [], ratios: [], energyRatio: [] };
    for (const { records, energy } of perSession) {
      const chosen = records.filter(
        (r) => r.mode === mode && (fn === null || (r.function === fn && r.input === input)),
      );
      const byRuntime: Record<string, InvocationRecord[]> = {};
      for (const r of chosen) {
        byRuntime[r.runtime] = [...(byRuntime[r.runtime] ?? []), r];
      }
      const cells: Record<string, Record<PhaseName, Summary | null>> = {};
      const energies: Record<string, EnergyFigure | null> = {};
      for (const [runtime, list] of Object.entries(byRuntime)) {
        const phases = {} as Record<PhaseName, Summary | null>;
        for (const [phase] of SIDE_PHASES) {
          const v = values(list, phase);
          phases[phase] = v.length ? summarize(v) : null;
        }
        cells[runtime] = phases;
        // Energy is per cell; pooling cells' energies would need their invocation counts.
        const first = list[0];
        energies[runtime] =
          fn !== null && first ? (energy.get(cellKey(cellOf(first))) ?? null) : null;
      }
      const ratios = {} as Record<PhaseName, RatioInterval | null>;
      const top = byRuntime[PAIR.numerator];
      const bottom = byRuntime[PAIR.denominator];
      for (const [phase] of SIDE_PHASES) {
        ratios[phase] =
          top && bottom ? ratioOfMedians(values(top, phase), values(bottom, phase)) : null;
      }
      const eTop = energies[PAIR.numerator];
      const eBottom = energies[PAIR.denominator];
      group.cells.push(cells);
      group.energy.push(energies);
      group.ratios.push(ratios);
      group.energyRatio.push(
        eTop && eBottom && eBottom.value > 0 ? eTop.value / eBottom.value : null,
      );
    }
    return group;
  });
  return { sessions: sessions.map((s) => s.label), groups };
}

/** Runtimes present in a group in any session, in the thesis's order. */
export function runtimesOf(group: SideGroup): string[] {
  const found = new Set<string>();
  for (const cells of group.cells) for (const runtime of Object.keys(cells)) found.add(runtime);
  const order = ['container', 'wasm', 'wasm-p1'];
  return [...found].sort((a, b) => order.indexOf(a) - order.indexOf(b));
}
