import type { Engine } from '../engine/engine.js';
import type { InvokeFn } from './runner.js';

/** The runner's invoke function for a real engine. */
export function engineInvoke(engine: Engine): InvokeFn {
  return (cell, signal) =>
    engine.invoke(cell.function, cell.runtime, { input: cell.input, mode: cell.mode, signal });
}
