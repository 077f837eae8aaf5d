/**
 * Before an experiment on a gateway: every cell of the plan deployed there. A variant's
 * artifacts are built there when missing, as they are on this machine (target/local-engine.ts).
 */

import type { InvocationEngine } from '../engine/invocation-engine.js';
import type { ExperimentPlan } from '../measure/plan.js';
import { planLanes } from '../measure/plan-lanes.js';

export async function checkReadyThere(
  gateway: Pick<InvocationEngine, 'deploy' | 'functionStates'> & { url: string },
  plan: ExperimentPlan,
): Promise<void> {
  const lanes = planLanes(plan);
  for (const { lane, label, functions } of lanes.filter(({ lane }) => lane.variant)) {
    if (functions.length === 0) continue;
    const rows = await gateway.deploy(functions, [lane.runtime], { variant: lane.variant });
    const failed = rows.filter((row) => !row.ok);
    if (failed.length > 0) {
      throw new Error(
        `could not deploy for ${label} on the gateway ${gateway.url}: ${failed.map((row) => `${row.function}: ${row.detail}`).join('; ')}`,
      );
    }
  }
  const plain = lanes.filter(({ lane }) => !lane.variant);
  const runtimes = [...new Set(plain.map(({ lane }) => lane.runtime))];
  const states = runtimes.length > 0 ? await gateway.functionStates(runtimes) : [];
  const missing = runtimes.flatMap((runtime) =>
    (plain.find(({ lane }) => lane.runtime === runtime)?.functions ?? [])
      .filter((name) => states.find((fn) => fn.name === name)?.deployed[runtime] !== true)
      .map((name) => `${name} on ${runtime}`),
  );
  if (missing.length > 0) {
    throw new Error(
      `not deployed on the gateway ${gateway.url}: ${missing.join(', ')}; run \`nebula deploy ${[...new Set(missing.map((m) => m.split(' ')[0]))].join(' ')} --profile ...\` with this profile first`,
    );
  }
}
