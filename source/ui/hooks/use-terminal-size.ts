import { useEffect, useState, useStdout } from '#ui-vendor';

export interface TerminalSize {
  columns: number;
  rows: number;
}

/** The terminal's size, following resizes; 80x24 when the output is not a terminal. */
export function useTerminalSize(): TerminalSize {
  const { stdout } = useStdout();
  const [size, setSize] = useState(() => sizeOf(stdout));
  // Subscribed once per stream, not again after every frame.
  useEffect(() => {
    const onResize = () => setSize(sizeOf(stdout));
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout, setSize]);
  return size;
}

function sizeOf(stdout: NodeJS.WriteStream): TerminalSize {
  return { columns: stdout.columns || 80, rows: stdout.rows || 24 };
}
