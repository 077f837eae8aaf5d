/**
 * POST /experiments (protocol in source/protocol/gateway.ts): runs a plan through the measurement session,
 * the same call `nebula bench` and the console make, and streams its events as NDJSON.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { inputProblem } from '../core/input-bound.js';
import type { InvocationEngine } from '../engine/invocation-engine.js';
import { engineInvoke } from '../experiment/engine-invoke.js';
import type { MeasureClock } from '../measure/clock.js';
import { systemClock } from '../measure/clock.js';
import { type ExperimentPlan, ExperimentPlanError, parseExperimentPlan } from '../measure/plan.js';
import {
  DEFAULT_EXPERIMENT_SETTINGS,
  type ExperimentSettings,
} from '../measure/plan-from-profile.js';
import { type PlanFileChoice, PlanFileRefusal, planOfFile } from '../measure/plan-of-file.js';
import {
  figuresOf,
  newExperimentId,
  runExperiment,
  type SessionEvent,
} from '../measure/session.js';
import { EXPERIMENT_PROTOCOL } from '../protocol/gateway.js';
import type { AnyRecord } from '../session/records.js';
import { readBodyOrRefuse, sendError, sendJson } from './http-io.js';
import type { SharedPower } from './shared-power.js';

/** Where an experiment's records go: a session log opened for it. */
export interface ExperimentLog {
  path: string;
  append(record: AnyRecord): void;
  close(): void;
}

export interface ExperimentsOptions {
  engine: InvocationEngine;
  /** The gateway machine's power source; null: plans with energy are refused. */
  power: SharedPower | null;
  openLog?: () => ExperimentLog;
  clock?: MeasureClock;
  maxBodyBytes: number;
  /** The most one input of a plan may carry (core/input-bound.ts). */
  maxInputBytes: number;
  /** The gateway's profile's experiment settings, for what a plan file leaves out. */
  settings?: ExperimentSettings;
}

/** A stop request is one short id: anything longer is not one. */
const STOP_BODY_BYTES = 4096;

export class ExperimentsRoute {
  private running: { experiment: string; abort: AbortController } | null = null;
  /** Settles when the running experiment's stream has ended (at once when none runs). */
  private finished: Promise<void> = Promise.resolve();
  /** Why the gateway stopped the running experiment, when it is shutting down. */
  private shutdown: string | null = null;

  constructor(private readonly options: ExperimentsOptions) {}

  get busy(): boolean {
    return this.running !== null;
  }

  /**
   * The gateway is closing: the running experiment stops after its current invocation, its
   * log gets its experiment-end and is closed, and its stream ends with an `error` line that
   * says why, before any connection is cut.
   */
  close(reason: string): Promise<void> {
    this.shutdown = reason;
    this.running?.abort.abort();
    return this.finished;
  }

  /** POST /experiments/stop {"experiment": id}: the run ends after its current invocation. */
  async stop(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const text = await readBodyOrRefuse(
      req,
      res,
      STOP_BODY_BYTES,
      `a stop request over ${STOP_BODY_BYTES} bytes is refused; send {"experiment": "<id>"}`,
    );
    if (text === null) return;
    let id: unknown;
    try {
      id = (JSON.parse(text) as { experiment?: unknown }).experiment;
    } catch {
      id = undefined;
    }
    if (typeof id !== 'string') {
      sendError(res, 400, { error: 'send {"experiment": "<id>"}', field: 'experiment' });
      return;
    }
    if (this.running?.experiment !== id) {
      sendError(res, 404, {
        error: `experiment ${id} is not running here${this.running ? ` (${this.running.experiment} is)` : ''}`,
      });
      return;
    }
    this.running.abort.abort();
    sendJson(res, 202, { stopping: id });
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const text = await readBodyOrRefuse(
      req,
      res,
      this.options.maxBodyBytes,
      `a plan over ${this.options.maxBodyBytes} bytes is refused; send fewer or smaller inputs`,
    );
    if (text === null) return;
    const request = parseRequest(text, this.options);
    if ('error' in request) {
      sendError(res, 400, { error: request.error, field: request.field });
      return;
    }
    if (request.plan.energy && !this.options.power) {
      sendError(res, 400, {
        error:
          'this gateway has no power source: send "energy": null, or start `nebula serve` with a profile whose power source works',
        field: 'plan.energy',
      });
      return;
    }
    if (this.running) {
      sendError(
        res,
        409,
        { error: 'an experiment is already running on this gateway; retry when it is done' },
        { 'retry-after': '5' },
      );
      return;
    }
    const abort = new AbortController();
    const clock = this.options.clock ?? systemClock;
    const experiment = newExperimentId(clock);
    this.running = { experiment, abort };
    let finish = () => {};
    this.finished = new Promise((resolve) => {
      finish = resolve;
    });
    const release = request.plan.energy ? (this.options.power?.acquire() ?? null) : null;
    const onClose = () => {
      if (!res.writableFinished) abort.abort();
    };
    res.on('close', onClose);
    const log = this.options.openLog?.() ?? null;
    res.writeHead(200, {
      'content-type': 'application/x-ndjson; charset=utf-8',
      'cache-control': 'no-store',
    });
    const line = (type: string, fields: object) => {
      if (!res.destroyed) {
        res.write(`${JSON.stringify({ protocol: EXPERIMENT_PROTOCOL, type, ...fields })}\n`);
      }
    };
    // A plan file's name, thinning and skipped cells, on the start line for the client to say.
    const fileOf = request.file ? { planFile: planFileLine(request.file) } : {};
    try {
      // The deployed sizes here, in this log and the client's, as `nebula bench` writes them.
      const sizes = log ? await this.sizesOf(request.plan) : null;
      if (sizes) {
        log?.append(sizes);
        line('record', { record: sizes });
      }
      const outcome = await runExperiment(request.plan, {
        invoke: engineInvoke(this.options.engine),
        power: request.plan.energy ? (this.options.power?.source ?? null) : null,
        clock: this.options.clock,
        experimentId: experiment,
        // Every record goes to this machine's log and, the same, to the client for its own.
        // An invocation travels once, as its `invocation` line: the client writes the very
        // record from it (session-log.ts invocationRecord), as this log did.
        log: (record) => {
          log?.append(record);
          if (record.type !== 'invocation') line('record', { record });
        },
        signal: abort.signal,
        onEvent: (event: SessionEvent) => {
          const { type, ...fields } = event;
          line(type, type === 'start' ? { ...fields, log: log?.path ?? null, ...fileOf } : fields);
        },
      });
      if (this.shutdown) line('error', { error: this.shutdown });
      else line('done', { figures: figuresOf(outcome) });
    } catch (error) {
      line('error', { error: (error as Error).message });
    } finally {
      res.off('close', onClose);
      log?.close();
      release?.();
      this.running = null;
      res.end();
      finish();
    }
  }

  private async sizesOf(plan: ExperimentPlan): Promise<AnyRecord | null> {
    const { engine } = this.options;
    if (!engine.sizes) return null;
    const functions = plan.functions.map((fn) => fn.name);
    const runtimes = plan.lanes?.map((lane) => lane.runtime) ?? plan.runtimes;
    return engine.sizes({ functions, images: runtimes.includes('container') });
  }
}

type ParsedRequest =
  | { plan: ExperimentPlan; file?: PlanFileChoice }
  | { error: string; field: string };

const BODY_SHAPE =
  '{"protocol": 1, "plan": {...}} or {"protocol": 1, "planFile": {...}, "thin": K} (a plan file as written, format 1)';

function parseRequest(text: string, options: ExperimentsOptions): ParsedRequest {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { error: `the body is not JSON: send ${BODY_SHAPE}`, field: 'body' };
  }
  const request = value as { protocol?: unknown; plan?: unknown; planFile?: unknown } | null;
  if (!request || typeof request !== 'object' || Array.isArray(request)) {
    return { error: `the body must be a JSON object ${BODY_SHAPE}`, field: 'body' };
  }
  if (request.protocol !== EXPERIMENT_PROTOCOL) {
    return {
      error: `unsupported protocol ${JSON.stringify(request.protocol)}: this gateway speaks experiment protocol ${EXPERIMENT_PROTOCOL}`,
      field: 'protocol',
    };
  }
  const parsed =
    request.planFile === undefined ? parsePlan(request) : parsePlanFile(request, options);
  if ('error' in parsed) return parsed;
  for (const [i, fn] of parsed.plan.functions.entries()) {
    for (const [j, input] of fn.inputs.entries()) {
      const problem = inputProblem(input, options.maxInputBytes, `input ${j + 1} of ${fn.name}`);
      if (problem) return { error: problem, field: `plan.functions.${i}.inputs.${j}` };
    }
  }
  return parsed;
}

function parsePlan(request: { plan?: unknown }): ParsedRequest {
  try {
    return { plan: parseExperimentPlan(request.plan) };
  } catch (error) {
    if (error instanceof ExperimentPlanError) return { error: error.message, field: 'plan' };
    throw error;
  }
}

/** A plan file as `nebula bench --plan` reads it, with the gateway's profile for the rest. */
function parsePlanFile(
  request: { plan?: unknown; planFile?: unknown; thin?: unknown },
  options: ExperimentsOptions,
): ParsedRequest {
  if (request.plan !== undefined) {
    return { error: `send "plan" or "planFile", not both: ${BODY_SHAPE}`, field: 'plan' };
  }
  const { thin } = request;
  if (thin !== undefined && (typeof thin !== 'number' || !Number.isInteger(thin) || thin < 1)) {
    return {
      error: `"thin" keeps every K-th input: give a whole number K >= 1, not ${JSON.stringify(thin)}`,
      field: 'thin',
    };
  }
  try {
    const file = planOfFile(request.planFile, {
      source: 'planFile',
      thin,
      settings: options.settings ?? DEFAULT_EXPERIMENT_SETTINGS,
      fn: (name) => options.engine.fn(name),
    });
    return { plan: file.plan, file };
  } catch (error) {
    if (!(error instanceof PlanFileRefusal)) throw error;
    const field =
      error.field === 'thin'
        ? 'thin'
        : error.field === 'plan'
          ? 'planFile'
          : `planFile.${error.field}`;
    return { error: error.message, field };
  }
}

function planFileLine(file: PlanFileChoice) {
  const { name, thin, skipped, invocations } = file;
  return { name, thin, skipped, invocations };
}
