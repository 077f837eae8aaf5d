/**
 * ui/screen.ts's updates, fed to a terminal emulator: a frame as tall as the terminal, lines
 * as wide as it, frames that grow and shrink, show exactly the frame, and an update writes
 * only the rows that changed.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import xterm from '@xterm/headless';
import { screenUpdate } from '../../source/ui/screen.js';

const size = { columns: 20, rows: 6 };

function emulator() {
  const terminal = new xterm.Terminal({
    cols: size.columns,
    rows: size.rows,
    scrollback: 0,
    allowProposedApi: true,
  });
  let shown: string[] | null = null;
  return {
    async show(frame: string): Promise<{ rows: string[]; bytes: string }> {
      const update = screenUpdate(shown, frame, size);
      shown = update.rows;
      await new Promise<void>((resolve) => terminal.write(update.bytes, resolve));
      const buffer = terminal.buffer.active;
      const rows = Array.from({ length: size.rows }, (_, y) =>
        (buffer.getLine(y)?.translateToString(true) ?? '').trimEnd(),
      );
      return { rows, bytes: update.bytes };
    },
  };
}

const rowsOf = (lines: string[]) =>
  Array.from({ length: size.rows }, (_, i) => (lines[i] ?? '').trimEnd());

describe('the screen writer', () => {
  it('shows frames that fill the terminal, grow, shrink and change, row for row', async () => {
    const screen = emulator();
    const frames = [
      ['status', 'a', 'b', 'c', 'd', 'footer'],
      ['status', 'a', 'B changed', 'c', 'd', 'footer 2'],
      ['status', 'short'],
      ['x'.repeat(20), 'y'.repeat(20), 'z', '', '', 'last row, full width'.padEnd(20, '!')],
      ['status', 'a', 'b', 'c', 'd', 'e', 'f beyond the last row'],
    ];
    for (const lines of frames) {
      const { rows } = await screen.show(lines.join('\n'));
      assert.deepEqual(rows, rowsOf(lines.slice(0, size.rows)));
    }
  });

  it('cuts a line wider than the terminal instead of wrapping it', async () => {
    const screen = emulator();
    const { rows } = await screen.show(['0123456789abcdefghijKLMNOP', 'next'].join('\n'));
    assert.deepEqual(rows, rowsOf(['0123456789abcdefghij', 'next']));
  });

  it('writes only the rows that changed, and nothing when nothing did', async () => {
    const screen = emulator();
    await screen.show(['status', 'a', 'b', 'footer'].join('\n'));
    const { bytes } = await screen.show(['status', 'a', 'B', 'footer'].join('\n'));
    // Each write to a row: "[ROW;1H" and the text up to the next escape.
    const writes = bytes
      .split(String.fromCharCode(27))
      .filter((part) => /^\[\d+;1H/.test(part))
      .map((part) => part.replace(/^\[(\d+);1H/, 'row $1: '));
    assert.deepEqual(writes, ['row 3: B']);
    assert.equal((await screen.show(['status', 'a', 'B', 'footer'].join('\n'))).bytes, '');
  });

  it('keeps colours inside their row', async () => {
    const screen = emulator();
    const { rows } = await screen.show('\x1b[31mred\x1b[39m and plain\n\x1b[1mbold');
    assert.deepEqual(rows, rowsOf(['red and plain', 'bold']));
  });
});
