/** Short numbers for narrow panes: three significant digits, ms or s. */
export function ms(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '-';
  if (value >= 1000) return `${(value / 1000).toPrecision(3)} s`;
  return `${value < 10 ? value.toFixed(2) : value < 100 ? value.toFixed(1) : value.toFixed(0)} ms`;
}

export function num(value: number | null | undefined, digits = 2): string {
  return value === null || value === undefined || !Number.isFinite(value)
    ? '-'
    : value.toFixed(digits);
}

/** The first line of a text, for one-line displays. */
export function firstLine(text: string): string {
  return text.split('\n').find((line) => line.trim() !== '') ?? '';
}

/** Memory in the binary units a pane has room for: 840K, 3.9M. */
export function bytes(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '-';
  if (value < 1024 * 1024) return `${Math.round(value / 1024)}K`;
  return `${(value / 1024 / 1024).toFixed(1)}M`;
}
