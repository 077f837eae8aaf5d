import type { PropsWithChildren } from '#ui-vendor';
import { memo, Text } from '#ui-vendor';
import type { DeployState, FunctionRow } from '../../console/state.js';
import { useTheme } from '../theme-context.js';
import { CompactTable } from './CompactTable.js';

const DEPLOY: Record<DeployState, string> = {
  yes: 'yes',
  no: 'no',
  checking: '...',
  unknown: '?',
  'n/a': 'n/a',
};

type Row = { ' ': string; function: string; wasm: string; container: string; description: string };

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

function FunctionTableView(props: {
  functions: FunctionRow[];
  selected: number;
  columns: number;
  visibleRows: number;
}) {
  const theme = useTheme();
  const { functions, selected } = props;
  if (functions.length === 0)
    return <Text color={theme.muted}>loading the function catalog...</Text>;
  // Marker, name, the two deploy states and borders take about 50 columns; the rest is text.
  const nameWidth = Math.max(8, ...functions.map((fn) => fn.name.length));
  const descWidth = Math.max(6, props.columns - nameWidth - 31);
  const [start, end] = visibleWindow(functions.length, selected, props.visibleRows);
  const data: Row[] = functions.slice(start, end).map((fn, i) => ({
    ' ': start + i === selected ? '>' : ' ',
    function: fn.name,
    wasm: DEPLOY[fn.deployed.wasm],
    container: DEPLOY[fn.deployed.container],
    description:
      fn.description.length > descWidth
        ? `${fn.description.slice(0, descWidth - 1)}~`
        : fn.description,
  }));
  return (
    <CompactTable
      data={data}
      columns={[' ', 'function', 'wasm', 'container', 'description']}
      header={Header}
    />
  );
}

/** Redrawn only when its own props change, not on every wattage update. */
export const FunctionTable = memo(FunctionTableView);
