import { Text } from '#ui-vendor';

const LEVELS = [' ', '▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/** Vertical bars, one column per bin, `height` rows, on a scale shared with the other pane. */
export function histogramRows(
  counts: readonly number[],
  maxCount: number,
  height: number,
): string[] {
  const rows: string[] = [];
  for (let row = height - 1; row >= 0; row--) {
    let line = '';
    for (const count of counts) {
      const eighths = maxCount > 0 ? Math.round((count / maxCount) * height * 8) : 0;
      const inRow = Math.min(8, Math.max(0, eighths - row * 8));
      // A bin with anything in it shows at least a sliver on the bottom row.
      line += LEVELS[row === 0 && count > 0 && inRow === 0 ? 1 : inRow];
    }
    rows.push(line);
  }
  return rows;
}

export function Histogram(props: {
  counts: readonly number[];
  maxCount: number;
  height: number;
  color: string | undefined;
}) {
  return (
    <>
      {histogramRows(props.counts, props.maxCount, props.height).map((line, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: rows are positional
        <Text key={i} color={props.color}>
          {line}
        </Text>
      ))}
    </>
  );
}
