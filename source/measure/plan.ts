/**
 * What a measurement session runs: the one plan every face hands in (bench flags, the
 * console's settings, the gateway's POST /experiments body), checked in one place.
 */
import { z } from 'zod';
import { MODES, RUNTIME_NAMES } from '../core/invocation.js';
import { PLAN_ORDERS } from '../core/plan.js';

export const IDLE_LAYOUTS = ['interleaved', 'around'] as const;
export type IdleLayout = (typeof IDLE_LAYOUTS)[number];

export const energyPlanSchema = z
  .object({
    /** Blocks per runtime, alternating A B A B; 6 give a 95% interval of the median. */
    blocks: z.number().int().min(1).max(1000).default(6),
    /** Seconds per block; null sizes it from the source's reading interval (10 readings). */
    blockSeconds: z.number().positive().max(3600).nullable().default(null),
    /** Idle measured this long before and again after the blocks; 0 gives no net figure. */
    baselineSeconds: z.number().min(0).max(3600).default(10),
    /**
     * interleaved: an idle window after every block (A idle B idle ...), each block's net
     * taken against the idle on both sides of it; around: idle only before and after.
     */
    idle: z.enum(IDLE_LAYOUTS).default('interleaved'),
    /**
     * Add blocks (past `blocks`) until every runtime's net 95% interval is within this
     * fraction of its figure (0.05: ±5%), or maxSeconds of blocks have run; null: `blocks`.
     */
    precision: z.number().positive().max(1).nullable().default(null),
    /** With a precision: the most time a group of cells may spend in blocks, in s. */
    maxSeconds: z.number().positive().max(86_400).default(600),
  })
  .strict();

const laneSchema = z
  .object({ runtime: z.enum(RUNTIME_NAMES), variant: z.string().optional() })
  .strict();

export const experimentPlanSchema = z
  .object({
    functions: z
      .array(
        z
          .object({
            name: z.string().min(1),
            inputs: z.array(z.string()).min(1, 'give at least one input'),
            /** Runtimes this function can never run on: no cell is made for them. */
            skip: z.array(z.enum(RUNTIME_NAMES)).optional(),
            /** Without energy: this function's runtimes and variants instead of the plan's. */
            lanes: z.array(laneSchema).min(1).optional(),
            /** Each invocation's timeout instead of the manifest's timeoutMs, in ms. */
            timeoutMs: z.number().int().positive().max(3_600_000).optional(),
          })
          .strict(),
      )
      .min(1, 'name at least one function'),
    runtimes: z
      .array(z.enum(RUNTIME_NAMES))
      .min(1)
      .refine((list) => new Set(list).size === list.length, 'a runtime is listed twice'),
    /** Without energy, instead of runtimes' own turns: runtimes and variants of them. */
    lanes: z.array(laneSchema).min(1).optional(),
    modes: z.array(z.enum(MODES)).min(1),
    /** Uncounted invocations of each cell first (with energy: before its first block). */
    warmup: z.number().int().min(0).max(10_000).default(2),
    /** Without energy: measured invocations per cell. */
    repetitions: z.number().int().min(1).max(1_000_000).default(20),
    /** Without energy: pause between invocations (blocks run back to back). */
    pauseMs: z.number().min(0).max(600_000).default(0),
    /** Without energy: interleaved (A B A B) or blocked (A A B B). */
    order: z.enum(PLAN_ORDERS).default('interleaved'),
    /** With it, energy by duration: blocks of time per runtime, idle before and after. */
    energy: energyPlanSchema.nullable().default(null),
  })
  .strict()
  .refine((plan) => !((plan.lanes || plan.functions.some((fn) => fn.lanes)) && plan.energy), {
    message: 'variants are compared on counted cold starts; energy runs take runtimes, not lanes',
    path: ['lanes'],
  });

export type ExperimentPlan = z.infer<typeof experimentPlanSchema>;
export type EnergyPlan = z.infer<typeof energyPlanSchema>;
export type ExperimentPlanInput = z.input<typeof experimentPlanSchema>;

export class ExperimentPlanError extends Error {
  override name = 'ExperimentPlanError';
}

/** A plan from anything (JSON from the network included), or an error naming each field. */
export function parseExperimentPlan(value: unknown): ExperimentPlan {
  const parsed = experimentPlanSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map(
    (issue) => `${issue.path.join('.') || 'plan'}: ${issue.message}`,
  );
  throw new ExperimentPlanError(`invalid experiment plan: ${lines.join('; ')}`);
}
