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
    const request = parseRequest(text, this.options.maxInputBytes);
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
          line(type, type === 'start' ? { ...fields, log: log?.path ?? null } : fields);
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
  | { plan: ReturnType<typeof parseExperimentPlan> }
  | { error: string; field: string };

function parseRequest(text: string, maxInput: number): ParsedRequest {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { error: 'the body is not JSON: send {"protocol": 1, "plan": {...}}', field: 'body' };
  }
  const request = value as { protocol?: unknown; plan?: unknown } | null;
  if (!request || typeof request !== 'object' || Array.isArray(request)) {
    return {
      error: 'the body must be a JSON object {"protocol": 1, "plan": {...}}',
      field: 'body',
    };
  }
  if (request.protocol !== EXPERIMENT_PROTOCOL) {
    return {
      error: `unsupported protocol ${JSON.stringify(request.protocol)}: this gateway speaks experiment protocol ${EXPERIMENT_PROTOCOL}`,
      field: 'protocol',
    };
  }
  try {
    const plan = parseExperimentPlan(request.plan);
    for (const [i, fn] of plan.functions.entries()) {
      for (const [j, input] of fn.inputs.entries()) {
        const problem = inputProblem(input, maxInput, `input ${j + 1} of ${fn.name}`);
        if (problem) return { error: problem, field: `plan.functions.${i}.inputs.${j}` };
      }
    }
    return { plan };
  } catch (error) {
    if (error instanceof ExperimentPlanError) return { error: error.message, field: 'plan' };
    throw error;
  }
}
