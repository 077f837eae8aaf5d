/** A plan's lanes (its runtimes, when it has no variants) with the functions each one runs. */
import { type Lane, laneLabel } from '../core/plan.js';
import type { ExperimentPlan } from './plan.js';

export interface PlanLane {
  lane: Lane;
  /** `runtime` or `runtime[variant]`. */
  label: string;
  /** The plan's functions but those that skip this lane's runtime. */
  functions: string[];
}

export function planLanes(plan: ExperimentPlan): PlanLane[] {
  const lanes: Lane[] = plan.lanes ?? plan.runtimes.map((runtime) => ({ runtime }));
  return lanes.map((lane) => ({
    lane,
    label: laneLabel(lane),
    functions: plan.functions.filter((fn) => !fn.skip?.includes(lane.runtime)).map((fn) => fn.name),
  }));
}
