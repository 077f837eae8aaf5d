import { Box, Text } from '#ui-vendor';
import type { ResultLine } from '../../console/state.js';
import { useTheme } from '../theme-context.js';
import { type Line, ScrollText, wrapLines } from './ScrollText.js';

const TONE: Record<ResultLine['kind'], Pick<Line, 'bold' | 'tone'>> = {
  heading: { bold: true, tone: 'accent' },
  flag: { tone: 'warn' },
  muted: { tone: 'muted' },
  plain: {},
};

/** The results view's lines (console/results-view.ts), set for the screen. */
export function resultsLines(results: readonly ResultLine[]): Line[] {
  if (results.length === 0) {
    return [{ text: 'No experiment yet in this session: s starts one.', tone: 'muted' }];
  }
  return results.map((line) => ({ text: line.text, ...TONE[line.kind] }));
}

/** The session's experiments, the newest first, scrolling under a title that stays. */
export function ResultsOverlay(props: {
  results: readonly ResultLine[];
  height: number;
  width: number;
  offset: number;
}) {
  const theme = useTheme();
  return (
    <Box flexDirection="column">
      <Text bold color={theme.accent} wrap="truncate">
        Results of this session, as nebula report shows them (Esc closes)
      </Text>
      <ScrollText
        lines={wrapLines(resultsLines(props.results), props.width)}
        offset={props.offset}
        height={props.height - 1}
      />
    </Box>
  );
}
