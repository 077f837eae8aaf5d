/**
 * The thesis's two tables from session logs: per platform, container over Wasm for cold
 * start, runtime, total and energy per invocation, as the thesis pooled them (means over its
 * four functions and their inputs, fibonacci-recursive over 30 and prime-number over 1500 left
 * out, cold invocations), Nebula's ratio of medians with its 95% interval beside, and the
 * thesis's published figure with the difference.
 */
import { type RatioInterval, ratioOfMedians } from '../core/compare.js';
import { laneLabel } from '../core/plan.js';
import type { ReportCell } from './report-cells.js';
import type { PhaseName } from './samples.js';
import type { Session } from './sessions.js';
import type { Table } from './table.js';

export const THESIS_FUNCTIONS = ['exponential', 'factorial', 'fibonacci-recursive', 'prime-number'];
/**
 * Nebula's functions that stand for one of the thesis's: prime-number-thesis computes
 * prime-number on the thesis's own indexing, so its inputs mean what they meant there.
 */
const STANDS_FOR: Readonly<Record<string, string>> = { 'prime-number-thesis': 'prime-number' };
const thesisName = (fn: string): string => STANDS_FOR[fn] ?? fn;
const isThesisFunction = (fn: string): boolean => THESIS_FUNCTIONS.includes(thesisName(fn));

/** Inputs above these were left out of the thesis's pooled means. */
export const THESIS_EXCLUSIONS: Readonly<Record<string, number>> = {
  'fibonacci-recursive': 30,
  'prime-number': 1500,
};

type Measure = 'cold start' | 'runtime' | 'total' | 'energy';

/** The thesis's published ratios, container over Wasm. */
export const PUBLISHED: Record<
  'vm' | 'pi',
  { label: string; ratios: Record<Measure, number | null> }
> = {
  vm: {
    label: 'the thesis’s VM (Debian 12, 1 vCPU, 4 GB)',
    ratios: { 'cold start': 365, runtime: 271, total: 324, energy: null },
  },
  pi: {
    label: 'the thesis’s Raspberry Pi 4B (4 GB)',
    ratios: { 'cold start': 217, runtime: 146, total: 183, energy: 198 },
  },
};

export class ThesisError extends Error {
  override name = 'ThesisError';
}

/** A platform: one machine and profile, over every log given for it. */
interface Platform {
  label: string;
  published: 'vm' | 'pi';
  sessions: Session[];
}

function platformsOf(sessions: readonly Session[]): Platform[] {
  const byKey = new Map<string, Platform>();
  for (const session of sessions) {
    // Behind a gateway the platform is the gateway's machine, not the one that wrote the log.
    const machine = session.target ?? session.header?.machine;
    const label = `${session.header?.profile ?? 'unknown profile'} @ ${machine?.hostname ?? 'unknown host'} (${machine?.arch ?? 'unknown arch'})`;
    const arm = machine?.arch === 'arm64' || machine?.arch === 'aarch64';
    const platform = byKey.get(label) ?? { label, published: arm ? 'pi' : 'vm', sessions: [] };
    platform.sessions.push(session);
    byKey.set(label, platform);
  }
  return [...byKey.values()];
}

/** Whether a cell is one the thesis pooled; else why not (for the notes), or null. */
function excluded(cell: { function: string; input: string }): string | null {
  const limit = THESIS_EXCLUSIONS[thesisName(cell.function)];
  return limit !== undefined && Number(cell.input) > limit
    ? `${cell.function} over ${limit}`
    : null;
}

function thesisCell(c: ReportCell): boolean {
  return (
    c.cell.mode === 'cold' &&
    (c.cell.runtime === 'wasm' || c.cell.runtime === 'container') &&
    isThesisFunction(c.cell.function) &&
    Number.isFinite(Number(c.cell.input))
  );
}

/** The thesis's own phase where the log has its marks, else Nebula's. */
function phaseFor(measure: Exclude<Measure, 'energy'>, cells: readonly ReportCell[]): PhaseName {
  if (measure === 'total') return 'totalMs';
  const thesis = measure === 'cold start' ? 'thesisStartupMs' : 'thesisRuntimeMs';
  return cells.every((c) => c.samples[thesis].n > 0)
    ? thesis
    : measure === 'cold start'
      ? 'startupMs'
      : 'runtimeMs';
}

/**
 * Each cell's mean and median of a phase, per runtime. The thesis ran every cell the same
 * number of times, so its pooled mean weighs cells equally; so does this, whatever each
 * cell's count (a block of energy measurement holds many more invocations than a count).
 */
function perCell(cells: readonly ReportCell[], phase: PhaseName) {
  const out = {
    wasm: { means: [] as number[], medians: [] as number[] },
    container: { means: [] as number[], medians: [] as number[] },
  };
  for (const c of cells) {
    const { mean, median } = c.samples[phase].summary();
    if (mean === null || median === null) continue;
    const side = out[c.cell.runtime as 'wasm' | 'container'];
    side.means.push(mean);
    side.medians.push(median);
  }
  // In order of value: the seeded bootstrap then gives the same interval whatever the
  // order of the logs.
  for (const side of [out.wasm, out.container]) side.medians.sort((a, b) => a - b);
  return out;
}

const average = (xs: readonly number[]): number | null =>
  xs.length === 0 ? null : xs.reduce((a, b) => a + b, 0) / xs.length;

/** Gross µWh per invocation of each pooled cell, from the logs' energy figures. */
function energyOf(platform: Platform): { wasm: number[]; container: number[] } {
  const out = { wasm: [] as number[], container: [] as number[] };
  for (const session of platform.sessions) {
    for (const section of session.report.sections) {
      for (const experiment of section.experiments) {
        for (const row of experiment.results) {
          const gross = row.energy?.grossMicroWhPerInvocation;
          if (typeof gross !== 'number' || !row.energy) continue;
          if (row.mode !== 'cold') continue;
          if (row.runtime !== 'wasm' && row.runtime !== 'container') continue;
          if (!isThesisFunction(row.function) || excluded(row)) continue;
          out[row.runtime].push(gross);
        }
      }
    }
  }
  for (const side of [out.wasm, out.container]) side.sort((a, b) => a - b);
  return out;
}

const times = (x: number | null): string => (x === null ? '–' : `${x.toFixed(1)}×`);
const num = (x: number | null, unit: string): string =>
  x === null || !Number.isFinite(x) ? '–' : `${x.toPrecision(4)} ${unit}`;

function difference(ours: number | null, published: number | null): string {
  if (ours === null || published === null) return '–';
  const change = (ours / published - 1) * 100;
  return `${change >= 0 ? '+' : ''}${change.toFixed(0)}%`;
}

function row(
  measure: Measure,
  means: { wasm: number | null; container: number | null },
  unit: string,
  nebula: RatioInterval,
  published: number | null,
): string[] {
  const ratio =
    means.wasm !== null && means.container !== null && means.wasm > 0
      ? means.container / means.wasm
      : null;
  const interval =
    nebula.low === null || nebula.high === null
      ? ''
      : ` (${times(nebula.low)} – ${times(nebula.high)})`;
  return [
    measure,
    num(means.wasm, unit),
    num(means.container, unit),
    times(ratio),
    `${times(nebula.ratio)}${interval}`,
    times(published),
    difference(ratio, published),
  ];
}

function platformTable(platform: Platform): Table {
  const all = platform.sessions.flatMap((s) => s.cells).filter(thesisCell);
  const cells = all.filter((c) => excluded(c.cell) === null);
  const wasmCells = cells.filter((c) => c.cell.runtime === 'wasm');
  const containerCells = cells.filter((c) => c.cell.runtime === 'container');
  if (wasmCells.length === 0 || containerCells.length === 0) {
    throw new ThesisError(
      `${platform.label}: no cold invocations of the thesis's functions (${THESIS_FUNCTIONS.join(', ')}) on both wasm and container; run them with --mode cold --runtimes wasm,container`,
    );
  }
  // One lane a side (a runtime with or without a variant, as the thesis-conditions plan
  // runs them): two lanes of one runtime would be pooled as one.
  const lanes = (runtime: string) => [
    ...new Set(cells.filter((c) => c.cell.runtime === runtime).map((c) => laneLabel(c.cell))),
  ];
  for (const runtime of ['wasm', 'container']) {
    if (lanes(runtime).length > 1) {
      throw new ThesisError(
        `${platform.label}: ${runtime} ran as ${lanes(runtime).join(' and ')}; the thesis's tables pool one lane a side: report the logs of each set of variants apart`,
      );
    }
  }
  const functions = [...new Set(cells.map((c) => c.cell.function))].sort();
  for (const name of THESIS_FUNCTIONS) {
    const playing = functions.filter((fn) => thesisName(fn) === name);
    if (playing.length > 1) {
      throw new ThesisError(
        `${platform.label}: ${playing.join(' and ')} both stand for the thesis's ${name}; report the logs of each apart`,
      );
    }
  }
  const published = PUBLISHED[platform.published];
  const rows: string[][] = [];
  const phases: string[] = [];
  for (const measure of ['cold start', 'runtime', 'total'] as const) {
    const phase = phaseFor(measure, cells);
    phases.push(`${measure}: ${phase}`);
    const { wasm, container } = perCell(cells, phase);
    rows.push(
      row(
        measure,
        { wasm: average(wasm.means), container: average(container.means) },
        'ms',
        ratioOfMedians(container.medians, wasm.medians),
        published.ratios[measure],
      ),
    );
  }
  const energy = energyOf(platform);
  const nebulaEnergy =
    energy.wasm.length > 0 && energy.container.length > 0
      ? ratioOfMedians(energy.container, energy.wasm)
      : { ratio: null, low: null, high: null, level: 0.95 };
  rows.push(
    row(
      'energy',
      { wasm: average(energy.wasm), container: average(energy.container) },
      'µWh',
      nebulaEnergy,
      published.ratios.energy,
    ),
  );
  const left = all.filter((c) => excluded(c.cell) !== null);
  const reasons = [...new Set(left.map((c) => excluded(c.cell)))].sort();
  const missing = THESIS_FUNCTIONS.filter(
    (name) => !functions.some((fn) => thesisName(fn) === name),
  );
  const notes = [
    `Pooled over ${cells.length} cold cells (${functions.join(', ')}; ${lanes('wasm')[0]} against ${lanes('container')[0]}; wasm is the component in Node through jco), ${pooledCount(cells, 'wasm')} Wasm and ${pooledCount(cells, 'container')} container invocations. Means: the mean over cells of each cell's mean, every cell weighed alike as the thesis's equal repetitions weighed them. Nebula: the ratio of the median cell medians, its interval bootstrapped over cells.`,
    left.length > 0
      ? `Left out as the thesis did: ${left.length} cells (${reasons.join(', ')}).`
      : '',
    missing.length > 0 ? `Not in these logs: ${missing.join(', ')}.` : '',
    `Phases: ${phases.join('; ')} (the thesis's own marks where the log has them).`,
    'Energy: gross µWh per invocation of each cell (the median over its blocks), pooled the same way.',
    driversNote(platform),
    `Published: ${published.label}; difference = this mean ratio against it.`,
    functions.includes('prime-number-thesis')
      ? 'prime-number ran as prime-number-thesis, on the thesis’s indexing (n gives the (n+1)-th prime: 100 gives 547), so its inputs and its exclusion mean what they meant there; the thesis’s factorial multiplies u128 and wraps past 34!, where Nebula’s computes n! exactly, so factorial over 34 does more work here than it did there.'
      : 'The thesis’s prime-number(n) returns the (n+1)-th prime (Nebula’s the n-th: 100 gives 541, the thesis 547), one more prime’s trial divisions at each n; its factorial multiplies u128 and wraps past 34!, where Nebula’s computes n! exactly, so factorial over 34 does more work here than it did there.',
  ].filter((line) => line !== '');
  return {
    title: `Thesis tables: ${platform.label}`,
    head: [
      'Measure',
      'Wasm mean',
      'Container mean',
      'Container/Wasm (means, as the thesis)',
      'Nebula: medians (95% CI)',
      'Thesis published',
      'Difference',
    ],
    rows,
    note: notes.map((line) => `- ${line}`).join('\n'),
  };
}

/** Which driver ran the platform's experiments (the thesis's own: a separate client). */
function driversNote(platform: Platform): string {
  const counts = { target: 0, client: 0 };
  for (const session of platform.sessions) {
    for (const section of session.report.sections) {
      for (const experiment of section.experiments) counts[experiment.driver ?? 'target']++;
    }
  }
  const said = [
    counts.target > 0
      ? `target (the whole run on the measured machine, no HTTP in any timing) in ${counts.target} experiment${counts.target === 1 ? '' : 's'}`
      : '',
    counts.client > 0
      ? `client (this session on another machine, one HTTP request per invocation, as the thesis drove it) in ${counts.client}`
      : '',
  ].filter((part) => part !== '');
  return `Driver: ${said.join('; ')}. The timings are the target's whichever drove (no round trip in them).`;
}

function pooledCount(cells: readonly ReportCell[], runtime: string): number {
  return cells
    .filter((c) => c.cell.runtime === runtime)
    .reduce((n, c) => n + c.samples.totalMs.n, 0);
}

/** One table per platform found in the logs. */
export function thesisTables(sessions: readonly Session[]): Table[] {
  return platformsOf(sessions).map(platformTable);
}
