import { Box, Text } from '#ui-vendor';
import type { PlanPicker as Picker, PlanEntry } from '../../console/state.js';
import { useTheme } from '../theme-context.js';
import { wrapLines } from './ScrollText.js';

/** Rows under the list for the highlighted plan: its file, then its error or what it skips. */
const DETAIL_ROWS = 4;

function countText(entry: PlanEntry): string {
  if (entry.error) return 'cannot run: see below';
  const fns = `${entry.functions} function${entry.functions === 1 ? '' : 's'}`;
  const runs =
    entry.invocations === null
      ? 'energy: blocks of time'
      : `${entry.invocations.toLocaleString('en-US')} invocations`;
  // The estimated duration once earlier sessions are read (measure/estimate.ts).
  return entry.estimate ? `${fns}, ${runs}, ${entry.estimate}` : `${fns}, ${runs}`;
}

function detailLines(entry: PlanEntry | undefined, width: number): string[] {
  if (!entry) return [];
  const about = entry.error
    ? entry.error
    : entry.skipped > 0
      ? `${entry.skipped} cells skipped: a runtime there cannot run the function`
      : '';
  const wrapped = wrapLines([{ text: about }], width).map((line) => line.text);
  return [entry.shown, ...wrapped].filter((line) => line !== '').slice(0, DETAIL_ROWS);
}

/**
 * The plan files (plans/ and the user's own folder), two rows each: name and counts at the
 * picker's thinning, then the description's first line; the highlighted plan's file and, for
 * a bad one, its error below. Keys: console/ui keymap scope "plans".
 */
export function PlanPicker(props: { picker: Picker; height: number; width: number }) {
  const theme = useTheme();
  const { entries, index, thin, dirs } = props.picker;
  // Inside the border and padding.
  const inner = Math.max(1, props.width - 4);
  const listRows = Math.max(2, props.height - 2 - 1 - DETAIL_ROWS);
  const shown = Math.max(1, Math.floor(listRows / 2));
  const first = Math.max(0, Math.min(index - Math.floor(shown / 2), entries.length - shown));
  const visible = entries.slice(first, first + shown);
  const kept = thin === 1 ? 'all inputs' : `one input in ${thin}`;
  const selected = entries[index];
  return (
    <Box flexDirection="column" borderStyle="round" paddingX={1} height={props.height}>
      <Text bold color={theme.accent} wrap="truncate">
        Run a plan: Enter runs, Esc closes, +/- thins ({kept})
      </Text>
      {entries.length === 0 ? (
        <Text color={theme.muted} wrap="truncate">
          no plan files in {dirs.join(', ') || 'plans/'}
        </Text>
      ) : null}
      {visible.map((entry, i) => {
        const at = first + i === index;
        return (
          <Box key={entry.path} flexDirection="column">
            <Text bold={at} wrap="truncate" color={entry.error ? theme.error : undefined}>
              {at ? '> ' : '  '}
              {entry.name}
              {'  '}
              {countText(entry)}
            </Text>
            <Text color={theme.muted} wrap="truncate">
              {'    '}
              {entry.error ?? (entry.summary || '(no description)')}
            </Text>
          </Box>
        );
      })}
      <Box flexGrow={1} />
      {detailLines(selected, inner).map((line, i) => (
        <Text
          // biome-ignore lint/suspicious/noArrayIndexKey: the rows of one text, in order
          key={i}
          wrap="truncate"
          color={i > 0 && selected?.error ? theme.error : theme.muted}
        >
          {line}
        </Text>
      ))}
    </Box>
  );
}
