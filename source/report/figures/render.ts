/** Vega-Lite to SVG in Node: compiled by vega-lite, drawn by vega's headless renderer. */
import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { FigureSpec } from './specs.js';

export async function renderSvg(figure: FigureSpec): Promise<string> {
  const compiled = compile(figure.spec as unknown as TopLevelSpec).spec;
  const view = new View(parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
