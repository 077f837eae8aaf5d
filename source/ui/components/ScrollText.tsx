import { Box, Text } from '#ui-vendor';
import { useTheme } from '../theme-context.js';

/** One line of a scrolling text: its words, and how it is set. */
export interface Line {
  text: string;
  bold?: boolean;
  tone?: 'accent' | 'muted' | 'error' | 'warn';
}

/**
 * Lines longer than `width` broken at spaces, the rest of a line indented under its start,
 * so nothing is cut (a word longer than the width is cut at it).
 */
export function wrapLines(lines: readonly Line[], width: number): Line[] {
  const out: Line[] = [];
  for (const line of lines) {
    if (line.text.length <= width) {
      out.push(line);
      continue;
    }
    const lead = line.text.length - line.text.trimStart().length;
    const rest = ' '.repeat(lead + 4);
    let current = ' '.repeat(lead);
    let empty = true;
    for (const word of line.text.trimStart().split(' ')) {
      const next = empty ? current + word : `${current} ${word}`;
      if (next.length > width && !empty && current.trim() !== '') {
        out.push({ ...line, text: current });
        current = rest + word;
      } else current = next;
      empty = false;
    }
    out.push({ ...line, text: current });
  }
  return out.map((line) =>
    line.text.length > width ? { ...line, text: line.text.slice(0, width) } : line,
  );
}

/** The lines a view of `height` rows shows from `offset`, and the line that says what is off. */
export function scrollWindow(
  lines: readonly Line[],
  offset: number,
  height: number,
): { shown: Line[]; status: string; max: number } {
  const room = Math.max(1, height - 1);
  const max = Math.max(0, lines.length - room);
  const start = Math.min(offset, max);
  const shown = lines.slice(start, start + room);
  const below = lines.length - start - shown.length;
  const parts = [
    start > 0 ? `\u2191 ${start} above` : '',
    below > 0 ? `\u2193 ${below} below` : '',
    max > 0 ? '(j/k or arrows scroll)' : '',
  ].filter(Boolean);
  return { shown, status: parts.join('  '), max };
}

/** Lines in `height` rows from `offset`, the last row saying how many are above and below. */
export function ScrollText(props: { lines: readonly Line[]; offset: number; height: number }) {
  const theme = useTheme();
  const { shown, status } = scrollWindow(props.lines, props.offset, props.height);
  return (
    <Box flexDirection="column" height={props.height}>
      {shown.map((line, i) => (
        <Text
          // biome-ignore lint/suspicious/noArrayIndexKey: lines are positional
          key={i}
          wrap="truncate"
          bold={line.bold}
          color={line.tone ? theme[line.tone] : undefined}
        >
          {line.text || ' '}
        </Text>
      ))}
      <Text color={theme.muted} wrap="truncate">
        {status || ' '}
      </Text>
    </Box>
  );
}
