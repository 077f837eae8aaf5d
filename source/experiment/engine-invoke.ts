import type { InvocationEngine } from '../engine/invocation-engine.js';
import type { InvokeFn } from './runner.js';

/** The runner's invoke function for a real engine, local or remote. */
export function engineInvoke(engine: InvocationEngine): InvokeFn {
  return (cell, signal, settings) =>
    engine.invoke(cell.function, cell.runtime, {
      input: cell.input,
      mode: cell.mode,
      signal,
      ...(cell.variant ? { variant: cell.variant } : {}),
      ...(settings?.timeoutMs === undefined ? {} : { timeoutMs: settings.timeoutMs }),
    });
}
