/**
 * How the screen's rows and columns are shared, from 80x24 up: status 1, function table,
 * two panes (title, histogram, axis, stats, phases, last result), power 2-3 and energy 2,
 * footer 2.
 */
export interface Layout {
  tableRows: number;
  histogramHeight: number;
  powerHeight: number;
  paneWidth: number;
  gap: number;
  /** Histogram bins: one column each. */
  bins: number;
}

const STATUS = 1;
const FOOTER = 2;
const PANE_TEXT = 5;
/** Borders, heading, rule, and the line of rows above/below and the filter. */
const TABLE_FRAME = 5;
/** Energy per invocation and the ratio, under the sparkline. */
const ENERGY = 2;

export function layoutFor(size: { columns: number; rows: number }, functions: number): Layout {
  const powerHeight = size.rows >= 30 ? 3 : 2;
  const histogramHeight = size.rows >= 22 ? 2 : 1;
  // The frame may fill the terminal to its last row: ui/screen.ts never scrolls it.
  const fixed = STATUS + FOOTER + PANE_TEXT + histogramHeight + powerHeight + ENERGY + TABLE_FRAME;
  const tableRows = Math.max(1, Math.min(Math.max(functions, 1), size.rows - fixed));
  // Tall terminals give the spare rows to the histograms.
  const spare = size.rows - fixed - tableRows;
  const tallHistogram = histogramHeight + Math.max(0, Math.min(6, spare));
  const gap = size.columns >= 60 ? 2 : 1;
  const paneWidth = Math.max(12, Math.floor((size.columns - gap) / 2));
  return {
    tableRows,
    histogramHeight: tallHistogram,
    powerHeight,
    paneWidth,
    gap,
    bins: Math.max(4, paneWidth - 2),
  };
}
