/**
 * How the container/Wasm startup ratio moves from Nebula's defaults to the thesis's
 * conditions, one factor at a time (runtimes/variants.ts ladder). Each step: both sides'
 * median startup, and the ratio with its 95% bootstrap interval, per function and input,
 * from one session's cold invocations.
 */
import type { RatioInterval } from '../core/compare.js';
import type { Phase } from '../core/invocation.js';
import { PhaseSample, ratioOfSamples } from '../core/phase-sample.js';
import type { Lane } from '../core/plan.js';
import type { Summary } from '../core/stats.js';
import type { CellSamples } from '../experiment/results.js';
import { ladder } from '../runtimes/variants.js';
import { ms } from './render/format.js';
import { lane } from './samples.js';
import { ratioText, type Table } from './table.js';

export interface LadderRow {
  function: string;
  input: string;
  step: number;
  change: string;
  container: string;
  wasm: string;
  containerStartup: Summary;
  wasmStartup: Summary;
  ratio: RatioInterval;
  /** The same on the thesis's own startup definition, where the log has it. */
  thesisRatio: RatioInterval | null;
}

/** What the ladder reads of a cell: a session's report cell and a run's cell both fit. */
type LadderCell = Pick<CellSamples, 'first' | 'samples'>;

const same = (c: LadderCell, l: Lane) =>
  c.first.runtime === l.runtime && (c.first.variant ?? '') === (l.variant ?? '');

/** The wasm runtime the ladder ran on: the one with a precompiled variant in the log. */
function wasmRuntimeOf(cells: readonly LadderCell[]): 'wasm' | 'wasm-p1' {
  return cells.some((c) => c.first.runtime === 'wasm-p1' && c.first.variant) ? 'wasm-p1' : 'wasm';
}

/** One phase's values over several cells (each cell's own, or its reservoir past its limit). */
function pooled(cells: readonly LadderCell[], phase: Phase): PhaseSample {
  const sample = new PhaseSample();
  for (const c of cells) sample.absorb(c.samples[phase]);
  return sample;
}

/** Rows for every function/input where the cells hold both lanes of a step; [] without variants. */
export function ladderRows(cells: readonly LadderCell[], phase: Phase = 'startupMs'): LadderRow[] {
  const cold = cells.filter((c) => c.first.mode === 'cold');
  if (!cold.some((c) => c.first.variant)) return [];
  const steps = ladder(wasmRuntimeOf(cold));
  const rows: LadderRow[] = [];
  const groups = new Map<string, LadderCell[]>();
  for (const c of cold) {
    const key = JSON.stringify([c.first.function, c.first.input]);
    const list = groups.get(key);
    if (list) list.push(c);
    else groups.set(key, [c]);
  }
  const all = [...groups.entries()];
  if (groups.size > 1) all.push([JSON.stringify(['all functions (pooled)', '']), cold]);
  for (const [key, list] of all) {
    const [fn, input] = JSON.parse(key) as [string, string];
    steps.forEach((step, index) => {
      const containers = list.filter((c) => same(c, step.container));
      const wasms = list.filter((c) => same(c, step.wasm));
      const top = pooled(containers, phase);
      const bottom = pooled(wasms, phase);
      if (top.n === 0 || bottom.n === 0) return;
      const thesisTop = pooled(containers, 'thesisStartupMs');
      const thesisBottom = pooled(wasms, 'thesisStartupMs');
      rows.push({
        function: fn,
        input,
        step: index,
        change: step.change,
        container: lane(step.container),
        wasm: lane(step.wasm),
        containerStartup: top.summary(),
        wasmStartup: bottom.summary(),
        ratio: ratioOfSamples(top, bottom),
        thesisRatio:
          thesisTop.n > 0 && thesisBottom.n > 0 ? ratioOfSamples(thesisTop, thesisBottom) : null,
      });
    });
  }
  return rows;
}

export function ladderTable(rows: readonly LadderRow[]): Table {
  const thesis = rows.some((r) => r.thesisRatio !== null);
  return {
    title: 'From Nebula’s defaults to the thesis’s conditions (cold startup)',
    head: [
      'Function',
      'Input',
      'Step',
      'Change',
      'Container',
      'Wasm',
      'Container ms',
      'Wasm ms',
      'Ratio (95% CI)',
      ...(thesis ? ["Ratio, thesis's startup (95% CI)"] : []),
    ],
    rows: rows.map((r) => [
      r.function,
      r.input === '' ? '' : r.input,
      String(r.step),
      r.change,
      r.container,
      r.wasm,
      ms(r.containerStartup.median),
      ms(r.wasmStartup.median),
      ratioText(r.ratio),
      ...(thesis ? [ratioText(r.thesisRatio)] : []),
    ]),
    note:
      "Each step keeps the changes above it. Startup = main_start − accept for both runtimes (the thesis's startup, where shown, ends Wasm's before instantiation); medians over successful measured cold invocations; " +
      'ratio median over median with a 95% percentile-bootstrap interval.',
  };
}
