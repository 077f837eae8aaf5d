/**
 * The built `nebula-tui` in a pseudo-terminal (node-pty), every byte it writes fed to a real
 * terminal emulator (@xterm/headless): the screen read here is what a person's terminal shows.
 * The console appends every frame it meant to a file (NEBULA_TUI_FRAMES); `settled` waits
 * until the emulator's screen is that frame, row for row.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import xterm from '@xterm/headless';
import pty from 'node-pty';
import { CONSOLE_NODE_FLAGS, wasiNodeFlags } from '../../source/core/node-support.js';

const here = dirname(fileURLToPath(import.meta.url));
/** The console under test: this build's, or another build's (NEBULA_TUI, to try old code). */
export const TUI =
  process.env.NEBULA_TUI ?? join(here, '..', '..', 'source', 'cli', 'nebula-tui.js');

const ESC = String.fromCharCode(27);
const ANSI = new RegExp(
  `${ESC}\\[[0-9;?]*[ -/]*[@-~]|${ESC}\\][^\\x07]*\\x07|${ESC}[()][A-Z0-9]`,
  'g',
);

export interface Size {
  columns: number;
  rows: number;
}

export interface Frame extends Size {
  frame: string;
}

export const KEYS = {
  escape: '\x1b',
  enter: '\r',
  up: '\x1b[A',
  down: '\x1b[B',
  backspace: '\x7f',
  ctrlL: '\x0c',
};

export function plain(text: string): string {
  return text.replace(ANSI, '');
}

/**
 * The rows the terminal should show for a frame: its lines without colours, padded with empty
 * rows to the terminal's height. A frame taller or wider than the terminal is a defect of the
 * console's layout, named here.
 */
export function meantRows(frame: Frame, size: Size): { rows: string[]; defects: string[] } {
  const lines = plain(frame.frame).split('\n');
  if (lines.at(-1) === '') lines.pop();
  const defects: string[] = [];
  if (frame.columns !== size.columns || frame.rows !== size.rows) {
    defects.push(`the last frame was drawn for ${frame.columns}x${frame.rows}`);
  }
  if (lines.length > size.rows) {
    defects.push(`the frame has ${lines.length} lines for ${size.rows} rows`);
  }
  lines.forEach((line, i) => {
    // The console's lines are one cell per character (no wide characters in its frames).
    const width = [...line].length;
    if (width > size.columns) {
      defects.push(`line ${i + 1} is ${width} cells wide for ${size.columns} columns`);
    }
  });
  const rows = Array.from({ length: size.rows }, (_, i) => (lines[i] ?? '').trimEnd());
  return { rows, defects };
}

/** What a screen must always look like, whatever happened before: one of each part, in place. */
export function shapeDefects(rows: readonly string[]): string[] {
  const defects: string[] = [];
  const count = (pattern: RegExp) => rows.filter((row) => pattern.test(row)).length;
  if (!/^nebula /.test(rows[0] ?? '')) defects.push('the status bar is not on the first row');
  const bars = count(/^nebula \S+/);
  if (bars > 1) defects.push(`the status bar stands ${bars} times`);
  const markers = count(/│ > │/);
  if (markers > 1) defects.push(`${markers} rows carry the selection marker`);
  const headings = count(/│ function /);
  if (headings > 1) defects.push(`the table heading stands ${headings} times`);
  const footers = count(/^(cold|warm) \| /);
  if (footers > 1) defects.push(`the footer's first line stands ${footers} times`);
  const titles = count(/^wasm[ -]/);
  if (titles > 1) defects.push(`the pane titles stand ${titles} times`);
  return defects;
}

export interface EmulatedConsole {
  /** The emulator's screen, row by row, trailing spaces trimmed. */
  screen(): string[];
  /** The screen with cell colours, for pictures. */
  terminal: InstanceType<typeof xterm.Terminal>;
  size(): Size;
  /** The last frame the console meant (null before the first). */
  lastFrame(): Frame | null;
  press(keys: string): void;
  resize(size: Size): void;
  /**
   * Waits until the screen shows what `predicate` wants and is, row for row, the last frame
   * the console meant; fails with both on screen when it does not come.
   */
  settled(what: string, predicate?: (rows: string[]) => boolean, ms?: number): Promise<string[]>;
  exited: Promise<number>;
  /** Kills the console if it is still running. */
  dispose(): void;
}

export function openConsole(options: {
  size: Size;
  args: string[];
  env: NodeJS.ProcessEnv;
  frames: string;
  cwd?: string;
}): EmulatedConsole {
  let size = { ...options.size };
  const terminal = new xterm.Terminal({
    cols: size.columns,
    rows: size.rows,
    allowProposedApi: true,
    scrollback: 0,
  });
  const child = pty.spawn(
    process.execPath,
    [...wasiNodeFlags(), ...CONSOLE_NODE_FLAGS, TUI, ...options.args],
    {
      name: 'xterm-256color',
      cols: size.columns,
      rows: size.rows,
      cwd: options.cwd ?? process.cwd(),
      env: { ...options.env, NEBULA_TUI_FRAMES: options.frames, TERM: 'xterm-256color' },
    },
  );
  const checks = new Set<() => void>();
  let parsed = 0;
  let received = 0;
  child.onData((data) => {
    received++;
    terminal.write(data, () => {
      parsed++;
      for (const check of checks) check();
    });
  });
  let exitCode = -1;
  const exited = new Promise<number>((resolve) =>
    child.onExit(({ exitCode: code }) => {
      exitCode = code;
      resolve(code);
      for (const check of checks) check();
    }),
  );

  const screen = (): string[] => {
    const buffer = terminal.buffer.active;
    return Array.from({ length: size.rows }, (_, y) =>
      (buffer.getLine(y)?.translateToString(true) ?? '').trimEnd(),
    );
  };
  const lastFrame = (): Frame | null => {
    if (!existsSync(options.frames)) return null;
    const lines = readFileSync(options.frames, 'utf8').trimEnd().split('\n');
    const last = lines.at(-1);
    return last ? (JSON.parse(last) as Frame) : null;
  };
  const report = (what: string, rows: string[]) => {
    const frame = lastFrame();
    const meant = frame ? meantRows(frame, size) : null;
    const differing = meant
      ? rows.flatMap((row, i) =>
          row === meant.rows[i]
            ? []
            : [`  row ${i + 1}: screen "${row}"\n          meant  "${meant.rows[i]}"`],
        )
      : [];
    return [
      `${what}: not on the terminal (${size.columns}x${size.rows})`,
      `defects of the screen: ${shapeDefects(rows).join('; ') || 'none'}`,
      meant
        ? `defects of the frame: ${meant.defects.join('; ') || 'none'}`
        : `no frame logged by the console in ${options.frames}`,
      `rows that differ from the frame: ${differing.length}`,
      ...differing.slice(0, 12),
      'the emulator showed:',
      ...rows.map((row, i) => `${String(i + 1).padStart(3)}|${row}`),
    ].join('\n');
  };

  return {
    terminal,
    screen,
    size: () => size,
    lastFrame,
    press: (keys) => child.write(keys),
    resize: (next) => {
      size = { ...next };
      terminal.resize(size.columns, size.rows);
      child.resize(size.columns, size.rows);
    },
    settled: (what, predicate = () => true, ms = 60_000) =>
      new Promise<string[]>((resolve, reject) => {
        const check = () => {
          // Only once the emulator has parsed everything the console wrote so far.
          if (parsed < received) return;
          const rows = screen();
          if (!predicate(rows)) return;
          const frame = lastFrame();
          if (!frame) return;
          const meant = meantRows(frame, size);
          if (meant.defects.length > 0 || rows.some((row, i) => row !== meant.rows[i])) return;
          done();
          resolve(rows);
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(report(what, screen())));
        }, ms);
        const done = () => {
          clearTimeout(timer);
          checks.delete(check);
          clearInterval(poll);
        };
        // The frame file is written before the screen is: check again on each parsed chunk,
        // and now and then in case the last chunk came before the frame's line was flushed.
        const poll = setInterval(check, 200);
        checks.add(check);
        if (exitCode !== -1) {
          done();
          reject(new Error(`${report(what, screen())}\n(the console exited with ${exitCode})`));
          return;
        }
        check();
      }),
    exited,
    dispose: () => {
      if (exitCode === -1) child.kill('SIGKILL');
      terminal.dispose();
    },
  };
}
