/**
 * The console's way to the terminal. Ink lays out each frame as text; this writes it with
 * absolute cursor positions, frame line i on screen row i, and only the rows that changed.
 *
 * Ink's own writers move the cursor relative to where the last frame left it, and end a
 * frame with a line feed unless it fills the screen. When a frame is as tall as the viewport
 * (or a line is one cell wider than Ink thought) the terminal scrolls, the relative moves land
 * one row off, and rows of two frames stay on screen (Ink issues 973 and 1023). Here no line
 * feed is ever written, no line wider than the terminal and nothing below its last row, so
 * the terminal never scrolls or wraps, and a row shows what the frame has there whatever
 * came before. A resize, or Ctrl+L, clears the screen and writes every row again.
 */
import { EventEmitter } from 'node:events';
import { sliceAnsi, stringWidth } from '#ui-vendor';

const CSI = '\x1b[';
/** Synchronized output (DEC mode 2026): the terminal shows an update whole, not half-drawn. */
const BEGIN_UPDATE = `${CSI}?2026h`;
const END_UPDATE = `${CSI}?2026l`;

export interface ScreenSize {
  columns: number;
  rows: number;
}

/** A frame line cut to the terminal's width, and how many cells it takes. */
export function fitLine(line: string, columns: number): { text: string; width: number } {
  const width = stringWidth(line);
  if (width <= columns) return { text: line, width };
  const text = sliceAnsi(line, 0, columns);
  return { text, width: stringWidth(text) };
}

/**
 * The bytes that turn a screen showing `shown` (row by row; null when not known) into one
 * showing `frame`, and the rows it then shows.
 */
export function screenUpdate(
  shown: readonly string[] | null,
  frame: string,
  size: ScreenSize,
): { bytes: string; rows: string[] } {
  const lines = frame.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const rows: string[] = [];
  let bytes = shown === null ? `${CSI}H${CSI}2J` : '';
  for (let row = 0; row < size.rows; row++) {
    const { text, width } = fitLine(lines[row] ?? '', size.columns);
    rows.push(text);
    if (shown !== null && shown[row] === text) continue;
    if (shown === null && width === 0) continue;
    // Reset the colours before erasing, so the rest of the row is the terminal's background.
    // A line as wide as the terminal leaves the cursor past its last cell: nothing to erase
    // there, and some terminals would erase that last cell.
    bytes += `${CSI}${row + 1};1H${text}${CSI}0m${width < size.columns ? `${CSI}K` : ''}`;
  }
  return { bytes: bytes === '' ? '' : BEGIN_UPDATE + bytes + END_UPDATE, rows };
}

export interface TerminalScreenOptions {
  /** The terminal. */
  out: NodeJS.WriteStream;
  /** At most this many updates a second; a frame that comes sooner waits for the next slot. */
  maxFps: number;
  /** Every frame Ink produced, before it is written (the emulator tests compare with it). */
  onFrame?: (frame: string, size: ScreenSize) => void;
}

/**
 * What Ink writes to, in place of the terminal: Ink, rendering with `debug: true`, writes each
 * whole frame here; the size and its resize events are the terminal's.
 */
export class TerminalScreen extends EventEmitter {
  readonly isTTY = true;
  private shown: string[] | null = null;
  private pending: string | null = null;
  private timer: NodeJS.Timeout | undefined;
  private lastPaintAt = 0;
  private readonly intervalMs: number;
  private closed = false;

  constructor(private readonly options: TerminalScreenOptions) {
    super();
    this.intervalMs = Math.ceil(1000 / options.maxFps);
    options.out.on('resize', this.resized);
    options.out.write(`${CSI}?25l`);
  }

  get columns(): number {
    return this.options.out.columns || 80;
  }

  get rows(): number {
    return this.options.out.rows || 24;
  }

  get size(): ScreenSize {
    return { columns: this.columns, rows: this.rows };
  }

  /** A frame from Ink; written now, or at the next slot if the last update was too recent. */
  write = (frame: string | Uint8Array): boolean => {
    const text = typeof frame === 'string' ? frame : Buffer.from(frame).toString('utf8');
    // Ink's unused line writer may write an empty string on a resize: not a frame.
    if (text === '' || this.closed) return true;
    this.options.onFrame?.(text, this.size);
    this.pending = text;
    if (this.timer) return true;
    const wait = this.lastPaintAt + this.intervalMs - Date.now();
    if (wait <= 0) this.paint();
    else this.timer = setTimeout(this.paint, wait);
    return true;
  };

  /** Clears the screen and writes every row again (after a resize, or on Ctrl+L). */
  repaint(): void {
    this.shown = null;
    if (this.pending === null && this.last !== null) this.pending = this.last;
    this.paint();
  }

  /** Writes what waits, then leaves the terminal alone (the cursor shown again). */
  close(): void {
    if (this.closed) return;
    this.paint();
    this.closed = true;
    this.options.out.off('resize', this.resized);
    this.options.out.write(`${CSI}0m${CSI}?25h`);
  }

  private last: string | null = null;

  private readonly paint = (): void => {
    clearTimeout(this.timer);
    this.timer = undefined;
    const frame = this.pending;
    if (frame === null || this.closed) return;
    this.pending = null;
    this.last = frame;
    const { bytes, rows } = screenUpdate(this.shown, frame, this.size);
    this.shown = rows;
    this.lastPaintAt = Date.now();
    if (bytes !== '') this.options.out.write(bytes);
  };

  private readonly resized = (): void => {
    // The terminal reflowed or cut what it showed: nothing on it is known any more.
    this.shown = null;
    // Ink lays the frame out again for the new width and writes it here.
    this.emit('resize');
    if (this.pending === null && this.last !== null) this.pending = this.last;
    this.paint();
  };
}
