/** Peak memory per cell from the invocations' memory fields (absent in older logs). */

import { inputLabel } from './render/format.js';
import type { ReportCell } from './report-cells.js';
import { lane } from './samples.js';
import { bytesText, type Table } from './table.js';

export function memoryTable(cells: readonly ReportCell[]): Table | null {
  const rows: string[][] = [];
  for (const cell of cells) {
    const m = cell.memory;
    if (m.count === 0) continue;
    const p = m.peaks.summary();
    const g = m.growth.summary();
    rows.push([
      cell.cell.function,
      inputLabel(cell.cell.input),
      cell.cell.mode,
      lane(cell.cell),
      String(m.peaks.n),
      bytesText(p.median),
      bytesText(p.max),
      m.growth.n ? bytesText(g.median) : '–',
      [...m.sources].join(', '),
      [...m.notes].join('; '),
    ]);
  }
  if (rows.length === 0) return null;
  return {
    title: 'Peak memory per invocation',
    head: [
      'Function',
      'Input',
      'Mode',
      'Runtime',
      'n',
      'Peak median',
      'Peak max',
      'Worker growth median',
      'Source',
      'Note',
    ],
    rows,
    note:
      'Container: the high-water mark of a cgroup made for the one invocation (v1 memory.max_usage_in_bytes, v2 memory.peak), page cache of the binary included. ' +
      "Wasm: the instance's linear memory at its end (it only grows); worker growth: the worker's V8 heap and external memory over the run.",
  };
}
