import type { PropsWithChildren } from '#ui-vendor';
import { memo, Text } from '#ui-vendor';
import type { DeployState, FunctionRow, WasmRuntime } from '../../console/state.js';
import { useTheme } from '../theme-context.js';
import { CompactTable } from './CompactTable.js';

const DEPLOY: Record<DeployState, string> = {
  yes: 'yes',
  no: 'no',
  checking: '...',
  unknown: '?',
  'n/a': 'n/a',
};

/** A table row; the Wasm column is headed by the Wasm runtime chosen (wasm or wasm-p1). */
type Row = Record<string, string>;

/** The rows shown: a window around the selection when the terminal is short. */
export function visibleWindow(count: number, selected: number, visible: number): [number, number] {
  if (count <= visible) return [0, count];
  const start = Math.min(Math.max(0, selected - Math.floor(visible / 2)), count - visible);
  return [start, start + visible];
}

function Header({ children }: PropsWithChildren) {
  const theme = useTheme();
  return (
    <Text bold color={theme.accent}>
      {children}
    </Text>
  );
}

/**
 * The line under the table: how many functions are above and below the rows shown, and the
 * filter (while it is typed, with the cursor).
 */
export function scrollLine(p: {
  above: number;
  below: number;
  shown: number;
  total: number;
  filter: string;
  filtering: boolean;
}): string {
  const parts: string[] = [];
  if (p.filtering) parts.push(`/${p.filter}\u2588 Enter keeps, Esc clears`);
  else if (p.filter !== '') parts.push(`filter "${p.filter}"`);
  if (p.filter !== '' || p.filtering) parts.push(`${p.shown} of ${p.total} match`);
  if (p.above > 0) parts.push(`\u2191 ${p.above} above`);
  if (p.below > 0) parts.push(`\u2193 ${p.below} below`);
  if (!p.filtering && p.filter === '' && p.total > 0) parts.push('/ filters by name');
  return parts.join('  ');
}

function FunctionTableView(props: {
  functions: FunctionRow[];
  /** Indices of the functions the filter shows. */
  shown: number[];
  selected: number;
  /** The Wasm column shows this runtime's deploy state, and says which it is. */
  wasmRuntime: WasmRuntime;
  filter: string;
  filtering: boolean;
  columns: number;
  visibleRows: number;
}) {
  const theme = useTheme();
  const { functions, selected, shown } = props;
  if (functions.length === 0)
    return <Text color={theme.muted}>loading the function catalog...</Text>;
  // Marker, name, the two deploy states and borders take about 50 columns; the rest is text.
  const nameWidth = Math.max(8, ...functions.map((fn) => fn.name.length));
  // (The Wasm column is as wide as its heading: wasm-p1 takes three more.)
  const descWidth = Math.max(6, props.columns - nameWidth - 31 - (props.wasmRuntime.length - 4));
  const at = Math.max(0, shown.indexOf(selected));
  const [start, end] = visibleWindow(shown.length, at, props.visibleRows);
  const data: Row[] = shown.slice(start, end).map((index) => {
    const fn = functions[index] as FunctionRow;
    return {
      ' ': index === selected ? '>' : ' ',
      function: fn.name,
      [props.wasmRuntime]: DEPLOY[fn.deployed[props.wasmRuntime]],
      container: DEPLOY[fn.deployed.container],
      description:
        fn.description.length > descWidth
          ? `${fn.description.slice(0, descWidth - 1)}~`
          : fn.description,
    };
  });
  // Rows the table does not fill stay empty, so the panes below do not move as it scrolls.
  const blank = { ' ': ' ', function: '', [props.wasmRuntime]: '', container: '', description: '' };
  while (data.length < Math.min(props.visibleRows, Math.max(1, functions.length))) data.push(blank);
  const line = scrollLine({
    above: start,
    below: shown.length - end,
    shown: shown.length,
    total: functions.length,
    filter: props.filter,
    filtering: props.filtering,
  });
  return (
    <>
      <CompactTable
        data={data}
        columns={[' ', 'function', props.wasmRuntime, 'container', 'description']}
        header={Header}
      />
      <Text wrap="truncate" color={props.filtering ? undefined : theme.muted}>
        {line || ' '}
      </Text>
    </>
  );
}

/** Redrawn only when its own props change, not on every wattage update. */
export const FunctionTable = memo(FunctionTableView);
