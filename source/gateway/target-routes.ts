/**
 * What a console or a command needs of the machine behind a gateway: its description
 * (GET /machine), its catalog with deploy state (GET /catalog), deploying (POST /deploy) and
 * its power readings as a stream (GET /power). The routes sit behind the same doors and token
 * as invoke (server.ts routes them after the checks).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isRuntimeName, RUNTIME_NAMES, type RuntimeName } from '../core/invocation.js';
import type { InvocationEngine } from '../engine/invocation-engine.js';
import type { PowerGap, PowerSample, PowerStatus } from '../power/sample.js';
import { readBody, sendError, sendJson } from './http-io.js';
import type {
  CatalogResponse,
  DeployRequest,
  MachineResponse,
  PowerStreamLine,
} from './protocol.js';
import type { SharedPower } from './shared-power.js';

export interface TargetRoutesOptions {
  engine: InvocationEngine;
  power: SharedPower | null;
  profile: { name: string; label: string };
  /** True while an experiment runs: deploying then would disturb its figures. */
  busy: () => boolean;
  maxBodyBytes: number;
}

export class TargetRoutes {
  private readonly streams = new Set<ServerResponse>();

  constructor(private readonly options: TargetRoutesOptions) {}

  async machine(res: ServerResponse): Promise<void> {
    const body: MachineResponse = {
      machine: await this.options.engine.machine(),
      profile: this.options.profile,
      power: this.options.power?.describe() ?? null,
    };
    sendJson(res, 200, body);
  }

  async catalog(res: ServerResponse, query: URLSearchParams): Promise<void> {
    const runtimes = parseRuntimes(query.get('runtimes') ?? RUNTIME_NAMES.join(','));
    if ('error' in runtimes) {
      sendError(res, 400, { error: runtimes.error, field: 'runtimes', choices: RUNTIME_NAMES });
      return;
    }
    const { engine } = this.options;
    const body: CatalogResponse = {
      functions: await engine.functionStates(runtimes.list),
      problems: [...engine.catalog.problems],
    };
    sendJson(res, 200, body);
  }

  async deploy(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req, this.options.maxBodyBytes);
    if (!body.ok) {
      if (body.reason === 'too-large') sendError(res, 413, { error: 'request body too large' });
      return;
    }
    const request = parseDeploy(body.text);
    if ('error' in request) {
      sendError(res, 400, { error: request.error, field: request.field });
      return;
    }
    const { engine } = this.options;
    const known = new Set(engine.catalog.functions.map((fn) => fn.name));
    const unknown = request.functions.filter((name) => !known.has(name));
    if (unknown.length > 0) {
      sendError(res, 404, {
        error: `unknown function ${unknown.map((n) => `"${n}"`).join(', ')}; known functions: ${[...known].join(', ')}`,
        field: 'functions',
        choices: [...known],
      });
      return;
    }
    if (this.options.busy()) {
      sendError(
        res,
        409,
        { error: 'an experiment is running on this gateway; deploy when it is done' },
        { 'retry-after': '5' },
      );
      return;
    }
    res.writeHead(200, { 'content-type': 'application/x-ndjson; charset=utf-8' });
    try {
      await engine.deploy(request.functions, request.runtimes, (row) => {
        res.write(`${JSON.stringify({ type: 'row', row })}\n`);
      });
      res.end(`${JSON.stringify({ type: 'done' })}\n`);
    } catch (error) {
      res.end(`${JSON.stringify({ type: 'error', error: (error as Error).message })}\n`);
    }
  }

  /** Streams the power source's readings until the client leaves or the gateway closes. */
  power(res: ServerResponse): void {
    const shared = this.options.power;
    if (!shared) {
      sendError(res, 404, {
        error:
          'this gateway has no power source: start `nebula serve` with a profile whose power source works',
      });
      return;
    }
    const source = shared.source;
    res.writeHead(200, {
      'content-type': 'application/x-ndjson; charset=utf-8',
      'cache-control': 'no-store',
    });
    const send = (line: PowerStreamLine) => res.write(`${JSON.stringify(line)}\n`);
    const onSample = (sample: PowerSample) => send({ type: 'sample', sample });
    const onStatus = (status: PowerStatus) => send({ type: 'status', status });
    const onGap = (gap: PowerGap) => send({ type: 'gap', gap });
    source.on('sample', onSample);
    source.on('status', onStatus);
    source.on('gap', onGap);
    const release = shared.acquire();
    send({ type: 'source', power: shared.describe(), status: source.status() });
    this.streams.add(res);
    res.on('close', () => {
      source.off('sample', onSample);
      source.off('status', onStatus);
      source.off('gap', onGap);
      release();
      this.streams.delete(res);
    });
  }

  /** Ends every power stream (the gateway is closing). */
  close(): void {
    for (const res of this.streams) res.end();
    this.streams.clear();
  }
}

function parseRuntimes(text: string): { list: RuntimeName[] } | { error: string } {
  const list = text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const wrong = list.filter((name) => !isRuntimeName(name));
  if (list.length === 0 || wrong.length > 0) {
    return {
      error: `unknown runtime ${wrong.map((w) => `"${w}"`).join(', ') || '(none given)'}; choose from ${RUNTIME_NAMES.join(', ')}`,
    };
  }
  return { list: list as RuntimeName[] };
}

function parseDeploy(
  text: string,
): { functions: string[]; runtimes: RuntimeName[] } | { error: string; field: string } {
  let value: Partial<DeployRequest> | null;
  try {
    value = JSON.parse(text) as Partial<DeployRequest> | null;
  } catch {
    return {
      error: 'the body is not JSON: send {"functions": [...], "runtimes": [...]}',
      field: 'body',
    };
  }
  if (!value || typeof value !== 'object') {
    return { error: 'the body must be {"functions": [...], "runtimes": [...]}', field: 'body' };
  }
  const functions = value.functions ?? [];
  if (!Array.isArray(functions) || functions.some((f) => typeof f !== 'string')) {
    return { error: 'functions: a list of function names ([] for all)', field: 'functions' };
  }
  const runtimes = parseRuntimes(
    Array.isArray(value.runtimes) ? value.runtimes.join(',') : RUNTIME_NAMES.join(','),
  );
  if ('error' in runtimes) return { error: runtimes.error, field: 'runtimes' };
  return { functions, runtimes: runtimes.list };
}
