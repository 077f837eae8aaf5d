/** Number and text formatting shared by the renderers; fixed decimals so output is stable. */

export const ms = (value: number | null): string => (value === null ? '–' : value.toFixed(3));

export const ratio = (value: number | null): string =>
  value === null ? '–' : `${value.toFixed(2)}×`;

/** An input as a reader sees it: the empty input is shown as "" rather than nothing. */
export const inputLabel = (input: string): string =>
  input === '' || /^\s|\s$/.test(input) ? JSON.stringify(input) : input;

/** A markdown table cell: pipes and line breaks would break the table. */
export const mdCell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

/** A markdown table with padded columns, so it reads as well in a terminal as rendered. */
export function mdTable(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const cells = [head, ...rows].map((row) => row.map(mdCell));
  const widths = head.map((_, i) => Math.max(3, ...cells.map((row) => (row[i] ?? '').length)));
  const line = (row: readonly string[]) =>
    `| ${widths.map((width, i) => (row[i] ?? '').padEnd(width)).join(' | ')} |`;
  const [first, ...rest] = cells;
  return [
    line(first ?? []),
    line(widths.map((width) => '-'.repeat(width))),
    ...rest.map(line),
  ].join('\n');
}

/** RFC 4180: quote a field that holds a comma, a quote or a line break. */
export function csvField(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export const csvLine = (
  fields: ReadonlyArray<string | number | boolean | null | undefined>,
): string => `${fields.map(csvField).join(',')}\n`;
