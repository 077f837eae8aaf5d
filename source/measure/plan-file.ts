/**
 * Experiment plans as files, format 1 (plans/plan.schema.json is this schema as JSON Schema):
 * each function with its own inputs (a list, or a range with a step), runtimes and variants,
 * and timeout; the mode, repetitions, warm-ups, order, pause and power for the whole plan.
 * A file becomes the one ExperimentPlan the measurement session runs; a bad one is refused
 * with every problem named by its field and how to fix it.
 */
import { z } from 'zod';
import { MODES, type RuntimeName } from '../core/invocation.js';
import { type Lane, laneLabel, PLAN_ORDERS } from '../core/plan.js';
import { parseLane, VariantError } from '../runtimes/variants.js';
import { type EnergyPlan, type ExperimentPlan, IDLE_LAYOUTS, parseExperimentPlan } from './plan.js';

export const PLAN_FORMAT = 1;
/** The most inputs one range may give (as `--inputs FROM:TO:STEP`). */
export const MAX_RANGE_INPUTS = 10_000;

const LANE_HINT =
  'RUNTIME or RUNTIME:factor=value,... with RUNTIME one of wasm, wasm-p1, container, e.g. "container:net=bridge,client=cli"';
const INPUTS_HINT =
  'write a list of inputs, ["1", "2"], or a range, {"from": 0, "to": 40, "step": 2}';

const laneList = z
  .array(z.string().min(1, `write ${LANE_HINT}`).meta({ description: LANE_HINT }))
  .min(1, 'name at least one runtime, e.g. ["wasm", "container"]');

const rangeSchema = z
  .object({
    from: z.number().int('from must be a whole number'),
    to: z.number().int('to must be a whole number'),
    step: z
      .number()
      .int('step must be a whole number')
      .positive('step must be at least 1')
      .optional()
      .meta({ description: 'Default 1.' }),
  })
  .strict()
  .meta({ description: 'Whole numbers from FROM to TO, both included, STEP apart.' });

const inputsSchema = z.union(
  [
    z
      .array(z.union([z.string(), z.number()]))
      .min(1, `give at least one input; ${INPUTS_HINT}`)
      .meta({ description: 'Inputs as written (numbers become their decimal text).' }),
    rangeSchema,
  ],
  { error: INPUTS_HINT },
);

const powerSchema = z
  .object({
    blocks: z.number().int().min(1).max(1000).optional(),
    blockSeconds: z.number().positive().max(3600).optional(),
    baselineSeconds: z.number().min(0).max(3600).optional(),
    idle: z.enum(IDLE_LAYOUTS).optional(),
    precision: z.number().positive().max(1).optional(),
    maxMinutes: z.number().positive().max(1440).optional(),
  })
  .strict()
  .meta({
    description:
      "Energy by duration (docs/ENERGY.md): blocks of time per runtime, idle before and after; fields left out take the profile's. null: a counted run, no energy.",
  });

const functionSchema = z
  .object({
    name: z.string().min(1, 'name the function (nebula functions lists them)'),
    inputs: inputsSchema,
    runtimes: laneList
      .optional()
      .meta({ description: "This function's runtimes and variants instead of the plan's." }),
    timeoutMs: z
      .number()
      .int()
      .positive('timeoutMs must be at least 1')
      .max(3_600_000, 'timeoutMs is at most 3600000 (an hour)')
      .optional()
      .meta({ description: "Each invocation's timeout instead of the manifest's, in ms." }),
  })
  .strict();

export const planFileSchema = z
  .object({
    $schema: z.string().optional(),
    nebulaPlan: z
      .literal(PLAN_FORMAT, {
        error: `write "nebulaPlan": ${PLAN_FORMAT} (the plan format this Nebula reads) at the top of the file`,
      })
      .meta({ description: 'The plan format version.' }),
    name: z.string().optional(),
    description: z
      .string()
      .optional()
      .meta({ description: 'What the plan measures and how it differs from what it copies.' }),
    runtimes: laneList
      .optional()
      .meta({ description: 'Runtimes and variants, in turn order, for every function.' }),
    mode: z
      .union([z.enum(MODES), z.array(z.enum(MODES)).min(1)], {
        error: 'write "cold", "warm" or ["cold", "warm"]',
      })
      .optional()
      .meta({ description: 'Default "cold".' }),
    repetitions: z
      .number()
      .int('repetitions must be a whole number')
      .min(1, 'repetitions must be at least 1')
      .max(1_000_000)
      .optional()
      .meta({ description: "Measured invocations per cell; default the profile's." }),
    warmup: z
      .number()
      .int('warmup must be a whole number')
      .min(0, 'warmup must be 0 or more')
      .max(10_000)
      .optional()
      .meta({ description: "Uncounted invocations per cell first; default the profile's." }),
    pauseMs: z
      .number()
      .min(0, 'pauseMs must be 0 or more')
      .max(600_000)
      .optional()
      .meta({ description: "Pause between invocations, in ms; default the profile's." }),
    order: z
      .enum(PLAN_ORDERS, { error: `write one of ${PLAN_ORDERS.join(', ')}` })
      .optional()
      .meta({
        description:
          'interleaved (runtimes take turns, A B A B; the default) or blocked (A A B B).',
      }),
    power: powerSchema.nullable().optional(),
    functions: z.array(functionSchema).min(1, 'name at least one function'),
  })
  .strict();

export type PlanFile = z.infer<typeof planFileSchema>;

/** What a file leaves out: the profile's experiment settings. */
export interface PlanDefaults {
  repetitions: number;
  warmup: number;
  pauseMs: number;
  blocks: number;
  blockSeconds: number | null;
  baselineSeconds: number;
}

export class PlanFileError extends Error {
  override name = 'PlanFileError';
  /** Where the first problem sits, as a reader finds it in the file (`functions[1].inputs`). */
  readonly field: string;
  constructor(message: string, field = 'plan') {
    super(message);
    this.field = field;
  }
}

/** A plan file's JSON into the session's plan, or a PlanFileError naming each problem. */
export function planFromFile(value: unknown, defaults: PlanDefaults): ExperimentPlan {
  const parsed = planFileSchema.safeParse(value);
  if (!parsed.success) {
    throw new PlanFileError(
      problemsText(parsed.error.issues),
      fieldOf(parsed.error.issues[0]) || 'plan',
    );
  }
  const file = parsed.data;
  const problems: string[] = [];
  const lanesAt = (texts: readonly string[], at: string): Lane[] =>
    texts.flatMap((text, index) => {
      try {
        return [parseLane(text)];
      } catch (error) {
        if (!(error instanceof VariantError)) throw error;
        problems.push(`${at}[${index}]: ${error.message}`);
        return [];
      }
    });
  const planLanes = file.runtimes ? lanesAt(file.runtimes, 'runtimes') : null;
  const functions = file.functions.map((fn, index) => {
    const at = `functions[${index}]`;
    const inputs = inputsOf(fn.inputs, `${at}.inputs`, problems);
    const lanes = fn.runtimes ? lanesAt(fn.runtimes, `${at}.runtimes`) : planLanes;
    if (!lanes) {
      problems.push(
        `${at}.runtimes: ${fn.name} has no runtimes; give it "runtimes", or give the plan "runtimes" for every function, e.g. ["wasm", "container"]`,
      );
    }
    return { name: fn.name, inputs, lanes: lanes ?? [], timeoutMs: fn.timeoutMs };
  });
  if (problems.length > 0) {
    throw new PlanFileError(problemsText([], problems), problems[0]?.split(':')[0]);
  }

  // The plan's lanes: the file's own first, then any a function adds, each once.
  const all = new Map<string, Lane>();
  for (const lane of [...(planLanes ?? []), ...functions.flatMap((fn) => fn.lanes)]) {
    all.set(laneLabel(lane), lane);
  }
  const lanes = [...all.values()];
  const runtimes = [...new Set(lanes.map((lane) => lane.runtime))];
  const withVariants = lanes.some((lane) => lane.variant);
  const labels = lanes.map(laneLabel).join(' ');
  const same = (own: readonly Lane[]) => own.map(laneLabel).join(' ') === labels;
  const plan = {
    functions: functions.map((fn) => {
      const entry: ExperimentPlan['functions'][number] = { name: fn.name, inputs: fn.inputs };
      if (fn.timeoutMs !== undefined) entry.timeoutMs = fn.timeoutMs;
      if (same(fn.lanes)) return entry;
      if (withVariants) entry.lanes = fn.lanes;
      else {
        const own = new Set(fn.lanes.map((lane) => lane.runtime));
        entry.skip = runtimes.filter((runtime): runtime is RuntimeName => !own.has(runtime));
      }
      return entry;
    }),
    runtimes,
    ...(withVariants ? { lanes } : {}),
    modes: typeof file.mode === 'string' ? [file.mode] : [...new Set(file.mode ?? ['cold'])],
    repetitions: file.repetitions ?? defaults.repetitions,
    warmup: file.warmup ?? defaults.warmup,
    pauseMs: file.pauseMs ?? defaults.pauseMs,
    order: file.order ?? 'interleaved',
    energy: file.power ? energyOf(file.power, defaults) : null,
  };
  try {
    return parseExperimentPlan(plan);
  } catch (error) {
    throw new PlanFileError((error as Error).message);
  }
}

function energyOf(power: NonNullable<PlanFile['power']>, defaults: PlanDefaults): EnergyPlan {
  return {
    blocks: power.blocks ?? defaults.blocks,
    blockSeconds: power.blockSeconds ?? defaults.blockSeconds,
    baselineSeconds: power.baselineSeconds ?? defaults.baselineSeconds,
    idle: power.idle ?? 'interleaved',
    precision: power.precision ?? null,
    maxSeconds: (power.maxMinutes ?? 10) * 60,
  };
}

function inputsOf(
  inputs: PlanFile['functions'][number]['inputs'],
  at: string,
  problems: string[],
): string[] {
  if (Array.isArray(inputs)) return inputs.map(String);
  const step = inputs.step ?? 1;
  if (inputs.to < inputs.from) {
    problems.push(`${at}: from (${inputs.from}) is past to (${inputs.to}); write from <= to`);
    return [];
  }
  const count = Math.floor((inputs.to - inputs.from) / step) + 1;
  if (count > MAX_RANGE_INPUTS) {
    problems.push(
      `${at}: the range gives ${count} inputs, more than ${MAX_RANGE_INPUTS}; raise the step or split the range`,
    );
    return [];
  }
  return Array.from({ length: count }, (_, i) => String(inputs.from + i * step));
}

/**
 * Every 1st, (K+1)-th, (2K+1)-th ... input of each function, for a quick look at a long plan
 * (`--thin K`); K = 1 keeps them all.
 */
export function thinPlan(plan: ExperimentPlan, every: number): ExperimentPlan {
  if (!Number.isInteger(every) || every < 1) {
    throw new PlanFileError(
      `--thin takes a whole number K >= 1 (every K-th input), not ${every}`,
      'thin',
    );
  }
  return {
    ...plan,
    functions: plan.functions.map((fn) => ({
      ...fn,
      inputs: fn.inputs.filter((_, index) => index % every === 0),
    })),
  };
}

type Issue = z.core.$ZodIssue;

/** "invalid plan file: functions[1].inputs.step: step must be at least 1; ..." */
function problemsText(issues: readonly Issue[], more: string[] = []): string {
  const lines = [...issues.map(issueText), ...more];
  return `invalid plan file: ${lines.join('; ')}`;
}

/** A union's issue as the branch that went furthest: the object's field, not "invalid input". */
function deepestIssue(issue: Issue): Issue {
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return issue;
  const deepest = issue.errors
    .flat()
    .reduce<Issue | null>((a, b) => (a && a.path.length >= b.path.length ? a : b), null);
  if (!deepest || deepest.path.length === 0) return issue;
  return deepestIssue({ ...deepest, path: [...issue.path, ...deepest.path] });
}

/** The field an issue is about, as issueText names it. */
function fieldOf(issue: Issue | undefined): string {
  return issue ? pathText(deepestIssue(issue).path) : '';
}

function issueText(union: Issue): string {
  const issue = deepestIssue(union);
  const at = pathText(issue.path) || 'plan';
  if (issue.code === 'unrecognized_keys') {
    const known = knownFields(issue.path);
    return `${at}: unknown field ${issue.keys.map((k) => `"${k}"`).join(', ')}; the fields are ${known}`;
  }
  return `${at}: ${issue.message}`;
}

function knownFields(path: readonly PropertyKey[]): string {
  const inFunction = path[0] === 'functions';
  const inPower = path[0] === 'power';
  const inRange = path[path.length - 1] === 'inputs';
  const shape = inRange
    ? rangeSchema.shape
    : inPower
      ? powerSchema.shape
      : inFunction
        ? functionSchema.shape
        : planFileSchema.shape;
  return Object.keys(shape).join(', ');
}

/** functions[1].inputs, as a reader finds it in the file. */
function pathText(path: readonly PropertyKey[]): string {
  return path
    .map((key, i) =>
      typeof key === 'number' ? `[${key}]` : i === 0 ? String(key) : `.${String(key)}`,
    )
    .join('');
}

/** The file format as JSON Schema (plans/plan.schema.json, written by scripts/plan-schema.mjs). */
export function planJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(planFileSchema),
    title: `Nebula experiment plan, format ${PLAN_FORMAT}`,
  };
}
