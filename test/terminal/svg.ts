/**
 * A terminal emulator's screen as SVG: each cell's character with its colours and weight, on
 * a monospace grid (scripts/console-picture.mjs draws the README's picture with it).
 */
import type xterm from '@xterm/headless';

type Terminal = InstanceType<typeof xterm.Terminal>;

const CELL_W = 8.4;
const CELL_H = 18;
const FONT = 14;
const BACKGROUND = '#1e1e1e';
const FOREGROUND = '#d4d4d4';
/** xterm's 16 colours. */
const ANSI = [
  '#000000',
  '#cd3131',
  '#0dbc79',
  '#e5e510',
  '#2472c8',
  '#bc3fbc',
  '#11a8cd',
  '#e5e5e5',
  '#666666',
  '#f14c4c',
  '#23d18b',
  '#f5f543',
  '#3b8eea',
  '#d670d6',
  '#29b8db',
  '#ffffff',
];

function palette(index: number): string {
  if (index < 16) return ANSI[index] ?? FOREGROUND;
  if (index >= 232) {
    const level = (8 + (index - 232) * 10).toString(16).padStart(2, '0');
    return `#${level}${level}${level}`;
  }
  const cube = index - 16;
  const step = (n: number) => (n === 0 ? 0 : 55 + n * 40).toString(16).padStart(2, '0');
  return `#${step(Math.floor(cube / 36))}${step(Math.floor(cube / 6) % 6)}${step(cube % 6)}`;
}

const rgb = (value: number) => `#${value.toString(16).padStart(6, '0')}`;

const escapeXml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

interface Run {
  x: number;
  text: string;
  fg: string;
  bg: string | null;
  bold: boolean;
}

export function cellsToSvg(terminal: Terminal): string {
  const buffer = terminal.buffer.active;
  const width = Math.ceil(terminal.cols * CELL_W);
  const height = terminal.rows * CELL_H;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width + 16}" height="${height + 16}" viewBox="-8 -8 ${width + 16} ${height + 16}">`,
    `<rect x="-8" y="-8" width="${width + 16}" height="${height + 16}" rx="6" fill="${BACKGROUND}"/>`,
    `<g font-family="DejaVu Sans Mono, Menlo, Consolas, monospace" font-size="${FONT}" xml:space="preserve">`,
  ];
  const cell = buffer.getNullCell();
  for (let y = 0; y < terminal.rows; y++) {
    const line = buffer.getLine(y);
    if (!line) continue;
    const runs: Run[] = [];
    for (let x = 0; x < terminal.cols; x++) {
      line.getCell(x, cell);
      if (cell.getWidth() === 0) continue;
      let fg = cell.isFgDefault()
        ? FOREGROUND
        : cell.isFgRGB()
          ? rgb(cell.getFgColor())
          : palette(cell.getFgColor());
      let bg: string | null = cell.isBgDefault()
        ? null
        : cell.isBgRGB()
          ? rgb(cell.getBgColor())
          : palette(cell.getBgColor());
      if (cell.isInverse()) [fg, bg] = [bg ?? BACKGROUND, fg];
      const bold = cell.isBold() !== 0;
      const text = cell.getChars() || ' ';
      const last = runs.at(-1);
      if (last && last.fg === fg && last.bg === bg && last.bold === bold) last.text += text;
      else runs.push({ x, text, fg, bg, bold });
    }
    for (const run of runs) {
      const x = (run.x * CELL_W).toFixed(1);
      const length = [...run.text].length;
      if (run.bg) {
        parts.push(
          `<rect x="${x}" y="${y * CELL_H}" width="${(length * CELL_W).toFixed(1)}" height="${CELL_H}" fill="${run.bg}"/>`,
        );
      }
      if (run.text.trim() === '') continue;
      parts.push(
        `<text x="${x}" y="${y * CELL_H + FONT}" fill="${run.fg}"${run.bold ? ' font-weight="bold"' : ''} textLength="${(length * CELL_W).toFixed(1)}" lengthAdjust="spacingAndGlyphs">${escapeXml(run.text)}</text>`,
      );
    }
  }
  parts.push('</g>', '</svg>', '');
  return parts.join('\n');
}
