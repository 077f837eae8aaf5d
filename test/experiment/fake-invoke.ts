/**
 * A fake invoke for the runner's own tests (order, pauses, abort): it stands in for a runtime
 * only where the order of calls is what is checked. Each call returns fixed timings.
 */
import type { InvocationResult } from '../../source/core/invocation.js';
import type { Cell } from '../../source/core/plan.js';

export function fakeResult(cell: Cell, totalMs = 1, ok = true): InvocationResult {
  return {
    ...cell,
    ok,
    output: ok ? 'out' : '',
    error: ok ? null : 'failed',
    failure: ok ? null : 'exit',
    exitCode: ok ? 0 : 1,
    stderr: '',
    timings: { startupMs: totalMs / 2, execMs: totalMs / 4, teardownMs: totalMs / 4, totalMs },
    acceptedAtNs: '1',
  };
}

export function recordingInvoke() {
  const calls: Cell[] = [];
  const invoke = async (cell: Cell) => {
    calls.push(cell);
    return fakeResult(cell, calls.length);
  };
  return { calls, invoke };
}
