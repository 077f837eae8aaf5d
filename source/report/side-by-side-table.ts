import { ratio } from './render/format.js';
import { PAIR, runtimesOf, SIDE_PHASES, type SideBySide } from './side-by-side.js';
import { medianText, ratioText, type Table } from './table.js';

const energyText = (e: { value: number; low: number | null; high: number | null } | null) => {
  if (!e) return '–';
  return e.low === null || e.high === null
    ? e.value.toFixed(3)
    : `${e.value.toFixed(3)} (${e.low.toFixed(3)} – ${e.high.toFixed(3)})`;
};

/** Sessions in columns; per group the phases per runtime, then the ratio. */
export function sideBySideTable(model: SideBySide): Table {
  const head = ['Function', 'Mode', 'Measure', 'Runtime', ...model.sessions];
  const rows: string[][] = [];
  for (const group of model.groups) {
    const runtimes = runtimesOf(group);
    for (const [phase, label] of SIDE_PHASES) {
      // Logs from before the thesis's columns existed have none: no rows of dashes.
      if (group.cells.every((cells) => Object.values(cells).every((c) => !c[phase]))) continue;
      for (const runtime of runtimes) {
        rows.push([
          group.title,
          group.mode,
          label,
          runtime,
          ...group.cells.map((cells) => medianText(cells[runtime]?.[phase])),
        ]);
      }
      rows.push([
        group.title,
        group.mode,
        label,
        `${PAIR.numerator} / ${PAIR.denominator}`,
        ...group.ratios.map((r) => ratioText(r[phase])),
      ]);
    }
    if (group.energy.some((e) => Object.values(e).some((figure) => figure !== null))) {
      for (const runtime of runtimes) {
        rows.push([
          group.title,
          group.mode,
          'Energy µWh/invocation',
          runtime,
          ...group.energy.map((e) => energyText(e[runtime] ?? null)),
        ]);
      }
      rows.push([
        group.title,
        group.mode,
        'Energy µWh/invocation',
        `${PAIR.numerator} / ${PAIR.denominator}`,
        ...group.energyRatio.map((r) => ratio(r)),
      ]);
    }
  }
  return {
    title: 'Sessions side by side',
    head,
    rows,
    note:
      'One column per session (machine and profile); nothing is pooled across sessions. ' +
      'Medians in ms with the 95% interval of the median; ratios median over median with a 95% bootstrap interval. ' +
      'Startup is main_start − accept for every runtime; the thesis\'s startup (container: to main_start; Wasm: to the end of module loading) and its runtime (total minus that) follow where the log has them. "All functions" pools the functions of one session only.',
  };
}
