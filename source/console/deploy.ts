/**
 * The console's `d`: the selected function deployed on every runtime it supports, where the
 * functions run (this machine or a gateway's), the table's cells showing "..." while their
 * runtime is built and the footer saying each runtime's outcome as it ends.
 */
import type { DeployRow } from '../engine/deploy.js';
import type { InvocationEngine } from '../engine/invocation-engine.js';
import { DEPLOY_RUNTIMES, type DeployRuntime, type FunctionRow } from './state.js';
import type { ConsoleStore } from './store.js';

export async function deployFunction(
  engine: InvocationEngine,
  fn: FunctionRow,
  store: ConsoleStore,
  dockerUp: boolean,
): Promise<DeployRow[]> {
  const runtimes = DEPLOY_RUNTIMES.filter(
    (runtime) => !fn.unavailable[runtime] && (runtime !== 'container' || dockerUp),
  );
  const skipped = DEPLOY_RUNTIMES.filter((runtime) => !runtimes.includes(runtime));
  const done: string[] = [];
  const say = (text: string, error = false) => store.dispatch({ type: 'message', text, error });
  for (const runtime of runtimes) {
    store.dispatch({ type: 'deployed', name: fn.name, runtime, state: 'checking' });
  }
  say(`deploying ${fn.name} on ${runtimes.join(', ')} (0/${runtimes.length})...`);
  const rows = await engine.deploy([fn.name], runtimes, {
    onRow: (row) => {
      const runtime = row.runtime as DeployRuntime;
      store.dispatch({
        type: 'deployed',
        name: fn.name,
        runtime,
        state: row.ok ? 'yes' : row.state === 'n/a' ? 'n/a' : 'no',
      });
      done.push(row.ok ? `${runtime} ${row.state} ${Math.round(row.ms)} ms` : `${runtime} FAILED`);
      const progress = `${done.length}/${runtimes.length}`;
      if (!row.ok) say(`deploy ${fn.name} on ${runtime} failed (${progress}): ${row.detail}`, true);
      else say(`deploying ${fn.name} (${progress}): ${done.join(', ')}`);
    },
  });
  const failed = rows.filter((row) => !row.ok);
  const why = skipped.map((runtime) =>
    fn.unavailable[runtime] ? `${runtime} n/a` : `${runtime} skipped (Docker engine down)`,
  );
  say(
    `deployed ${fn.name}: ${done.join(', ')}${why.length > 0 ? `; ${why.join(', ')}` : ''}`,
    failed.length > 0,
  );
  return rows;
}
