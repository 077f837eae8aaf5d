/**
 * The thesis's two-setup table: one column per session (machine and profile), rows of
 * startup, runtime (the thesis's: total minus startup), total and energy per runtime, and
 * the container/wasm ratio with its interval, per function and over all functions. Each
 * number comes from one session alone.
 */
import type { RatioInterval } from '../core/compare.js';
import { type PhaseSample, ratioOfSamples } from '../core/phase-sample.js';
import type { Summary } from '../core/stats.js';
import { type EnergyFigure, energyByCell } from './energy-by-cell.js';
import { pooledSample, type ReportCell } from './report-cells.js';
import type { PhaseName } from './samples.js';
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

export function sideBySide(sessions: readonly Session[]): SideBySide {
  // Default runtimes only: variants are compared in their own table.
  const perSession = sessions.map((s) => ({
    cells: s.cells.filter((c) => !c.cell.variant),
    energy: energyByCell(s.report),
  }));
  // Groups: every function/input/mode found in any session, then "all" per mode.
  const keys: Array<{ fn: string | null; input: string | null; mode: string }> = [];
  const seen = new Set<string>();
  for (const { cells } of perSession) {
    for (const { cell } of cells) {
      const key = JSON.stringify([cell.function, cell.input, cell.mode]);
      if (seen.has(key)) continue;
      seen.add(key);
      keys.push({ fn: cell.function, input: cell.input, mode: cell.mode });
    }
  }
  const functions = new Set(keys.map((k) => k.fn));
  if (functions.size > 1) {
    for (const mode of new Set(keys.map((k) => k.mode))) keys.push({ fn: null, input: null, mode });
  }
  const groups = keys.map(({ fn, input, mode }) => {
    const title = fn === null ? ALL : input === '' ? fn : `${fn} (${input})`;
    const group: SideGroup = { title, mode, cells: [], energy: [], ratios: [], energyRatio: [] };
    for (const { cells: all, energy } of perSession) {
      const chosen = all.filter(
        ({ cell }) =>
          cell.mode === mode && (fn === null || (cell.function === fn && cell.input === input)),
      );
      const byRuntime: Record<string, ReportCell[]> = {};
      for (const c of chosen) byRuntime[c.cell.runtime] = [...(byRuntime[c.cell.runtime] ?? []), c];
      const cells: Record<string, Record<PhaseName, Summary | null>> = {};
      const energies: Record<string, EnergyFigure | null> = {};
      const pooled: Record<string, Record<string, PhaseSample>> = {};
      for (const [runtime, list] of Object.entries(byRuntime)) {
        const phases = {} as Record<PhaseName, Summary | null>;
        pooled[runtime] = {};
        for (const [phase] of SIDE_PHASES) {
          const sample = pooledSample(list, phase);
          (pooled[runtime] as Record<string, PhaseSample>)[phase] = sample;
          phases[phase] = sample.n ? sample.summary() : null;
        }
        cells[runtime] = phases;
        // Energy is per cell; pooling cells' energies would need their invocation counts.
        const first = list[0];
        energies[runtime] = fn !== null && first ? (energy.get(first.key) ?? null) : null;
      }
      const ratios = {} as Record<PhaseName, RatioInterval | null>;
      const top = pooled[PAIR.numerator];
      const bottom = pooled[PAIR.denominator];
      for (const [phase] of SIDE_PHASES) {
        const a = top?.[phase];
        const b = bottom?.[phase];
        ratios[phase] = a && b && a.n > 0 && b.n > 0 ? ratioOfSamples(a, b) : null;
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
