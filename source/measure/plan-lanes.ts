/** A plan's lanes (its runtimes, when it has no variants) with the functions each one runs. */
import { type Lane, laneLabel } from '../core/plan.js';
import type { ExperimentPlan } from './plan.js';

export interface PlanLane {
  lane: Lane;
  /** `runtime` or `runtime[variant]`. */
  label: string;
  /** The functions that run on this lane: its own lanes or the plan's, less what they skip. */
  functions: string[];
}

export function planLanes(plan: ExperimentPlan): PlanLane[] {
  const shared: Lane[] = plan.lanes ?? plan.runtimes.map((runtime) => ({ runtime }));
  // A function of a plan file may have lanes of its own: every lane once, the plan's first.
  const lanes = new Map<string, Lane>();
  for (const lane of [...shared, ...plan.functions.flatMap((fn) => fn.lanes ?? [])]) {
    if (!lanes.has(laneLabel(lane))) lanes.set(laneLabel(lane), lane);
  }
  return [...lanes].map(([label, lane]) => ({
    lane,
    label,
    functions: plan.functions
      .filter((fn) => !fn.skip?.includes(lane.runtime))
      .filter((fn) => (fn.lanes ?? shared).some((own) => laneLabel(own) === label))
      .map((fn) => fn.name),
  }));
}
