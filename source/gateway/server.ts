// `nebula serve`. One file: every request passes the same checks in one order (doors, token,
// version, admission) before its route; the routes that stand alone live beside it.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { bodyOverInputBound, maxInputBytes } from '../core/input-bound.js';
import { nebulaVersion } from '../core/version.js';
import type { InvocationEngine } from '../engine/invocation-engine.js';
import type { MeasureClock } from '../measure/clock.js';
import type { ExperimentSettings } from '../measure/plan-from-profile.js';
import type { PowerSource } from '../power/source.js';
import {
  EXPERIMENTS_PATH,
  EXPERIMENTS_STOP_PATH,
  type FunctionsResponse,
  type HealthResponse,
  invokePathName,
  MAX_BODY_BYTES,
  VERSION_HEADER,
  VERSION_MISMATCH_STATUS,
  versionMismatch,
} from '../protocol/gateway.js';
import { Admission } from './admission.js';
import { bearerChecker } from './auth.js';
import { ConnectionLimit } from './connections.js';
import { doorChecker, passDoors } from './doors.js';
import { EventStream, resultJson } from './event-stream.js';
import { type ExperimentLog, ExperimentsRoute } from './experiments.js';
import { allow, readBodyOrRefuse, sendError, sendJson, sendJsonText } from './http-io.js';
import { parseInvokeQuery } from './invoke-query.js';
import { SharedPower } from './shared-power.js';
import { TargetRoutes } from './target-routes.js';

export interface GatewayOptions {
  engine: InvocationEngine;
  /** When set, every route but /health needs `Authorization: Bearer <token>`. */
  token?: string;
  /** Invocations running at once. */
  maxConcurrency?: number;
  /** Invocations waiting for a slot; one more is answered 429. */
  maxQueue?: number;
  maxBodyBytes?: number;
  /** The most one input may carry (core/input-bound.ts); else NEBULA_MAX_INPUT_BYTES or 1 MiB. */
  maxInputBytes?: number;
  /** Host names answered beyond loopback names and the bound address (see doors.ts). */
  allowHosts?: readonly string[];
  /** Browser origins allowed to call; requests with any other Origin are refused. */
  allowOrigins?: readonly string[];
  /** Overrides of the timeouts below (tests use short ones). */
  timeouts?: { headersMs?: number; requestMs?: number; keepAliveMs?: number };
  /** This machine's power source, for POST /experiments with energy. */
  power?: PowerSource | null;
  /** A session log for each experiment run here. */
  openLog?: () => ExperimentLog;
  clock?: MeasureClock;
  /** The gateway's profile, as GET /machine names it; its settings complete a plan file. */
  profile?: { name: string; label: string; experiment?: ExperimentSettings };
  /** The Nebula version this gateway answers with (tests pretend to be another one). */
  version?: string;
}

/** Slow or idle clients are cut: headers within 10 s, a whole request within 30 s. */
export const HEADERS_TIMEOUT_MS = 10_000;
export const REQUEST_TIMEOUT_MS = 30_000;
/** Idle keep-alive connections are closed after this (long enough for a benchmark client). */
export const KEEP_ALIVE_TIMEOUT_MS = 30_000;
/** Open connections (event streams included); one more replaces an idle one (connections.ts). */
export const MAX_CONNECTIONS = 1024;

export const DEFAULT_MAX_CONCURRENCY = 4;
export const DEFAULT_MAX_QUEUE = 64;
/** Seconds a refused client is told to wait (Retry-After). */
const RETRY_AFTER_S = '1';

/** The HTTP face of an engine (docs/ARCHITECTURE.md). It never closes the engine. */
export class Gateway {
  readonly server: Server;
  readonly admission: Admission;
  private readonly events = new EventStream();
  private readonly authorize: ReturnType<typeof bearerChecker>;
  private doors: ReturnType<typeof doorChecker>;
  private readonly maxBodyBytes: number;
  private readonly maxInputBytes: number;
  private readonly connections: ConnectionLimit;
  private readonly startedAt = Date.now();
  private closing: Promise<void> | null = null;
  private readonly onInvocation = this.events.publish.bind(this.events);
  private readonly experiments: ExperimentsRoute;
  private readonly target: TargetRoutes;
  private readonly power: SharedPower | null;
  readonly version: string;

  constructor(private readonly options: GatewayOptions) {
    this.admission = new Admission(
      options.maxConcurrency ?? DEFAULT_MAX_CONCURRENCY,
      options.maxQueue ?? DEFAULT_MAX_QUEUE,
    );
    this.authorize = bearerChecker(options.token);
    this.doors = this.doorsFor('127.0.0.1');
    this.maxBodyBytes = options.maxBodyBytes ?? MAX_BODY_BYTES;
    this.maxInputBytes = options.maxInputBytes ?? maxInputBytes();
    this.version = options.version ?? nebulaVersion();
    this.power = options.power ? new SharedPower(options.power) : null;
    this.experiments = new ExperimentsRoute({
      engine: options.engine,
      power: this.power,
      openLog: options.openLog,
      clock: options.clock,
      // A plan carries its inputs: room for one of the largest, beside the rest of the plan.
      maxBodyBytes: Math.max(this.maxBodyBytes, this.maxInputBytes + 64 * 1024),
      maxInputBytes: this.maxInputBytes,
      settings: options.profile?.experiment,
    });
    this.target = new TargetRoutes({
      engine: options.engine,
      power: this.power,
      profile: options.profile ?? { name: 'unknown', label: 'unknown' },
      busy: () => this.experiments.busy,
      maxBodyBytes: this.maxBodyBytes,
    });
    const timeouts = {
      headersTimeout: options.timeouts?.headersMs ?? HEADERS_TIMEOUT_MS,
      requestTimeout: options.timeouts?.requestMs ?? REQUEST_TIMEOUT_MS,
      keepAliveTimeout: options.timeouts?.keepAliveMs ?? KEEP_ALIVE_TIMEOUT_MS,
      // Node checks the two timeouts above this often (30 s by default).
      connectionsCheckingInterval: 1000,
    };
    this.server = createServer(timeouts, (req, res) => {
      this.connections.track(req, res);
      this.route(req, res).catch((error: Error) => {
        if (!res.headersSent) sendError(res, 500, { error: `gateway: ${error.message}` });
        else res.destroy(error);
      });
    });
    this.connections = new ConnectionLimit(this.server, MAX_CONNECTIONS);
    options.engine.on('invocation', this.onInvocation);
  }

  private doorsFor(boundHost: string): ReturnType<typeof doorChecker> {
    const { allowHosts, allowOrigins } = this.options;
    return doorChecker({ boundHost, allowHosts, allowOrigins });
  }

  listen(port: number, host: string): Promise<{ host: string; port: number; url: string }> {
    this.doors = this.doorsFor(host);
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        const address = this.server.address() as AddressInfo;
        const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
        resolve({
          host: address.address,
          port: address.port,
          url: `http://${shown}:${address.port}`,
        });
      });
    });
  }

  /** Stops accepting, answers every request already accepted, then releases the port. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.events.close();
      this.target.close();
      const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
      this.server.closeIdleConnections();
      await Promise.all([
        this.admission.idle(),
        this.experiments.close(
          'the gateway is shutting down: the experiment stopped after its current invocation; what finished is in both logs',
        ),
      ]);
      // Answers sent while closing carry `connection: close`; anything left now is idle.
      this.server.closeAllConnections();
      await closed;
      await this.power?.close();
      this.options.engine.off('invocation', this.onInvocation);
    })();
    return this.closing;
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = requestUrl(req.url);
    if (!url) {
      sendError(res, 400, { error: `request target ${JSON.stringify(req.url)} is not a path` });
      return;
    }
    const path = url.pathname;
    if (this.closing) res.setHeader('connection', 'close');
    res.setHeader(VERSION_HEADER, this.version);
    if (!passDoors(this.doors, req, res)) return;
    if (path === '/health') {
      if (!allow(req, res, 'GET')) return;
      return this.health(res);
    }
    const auth = this.authorize(req);
    if (auth !== 'ok') {
      const wrong = auth === 'wrong';
      sendError(
        res,
        wrong ? 403 : 401,
        {
          error: wrong
            ? 'wrong token: the bearer token does not match the gateway'
            : 'missing token: send `Authorization: Bearer <token>` (the token given to `nebula serve`)',
        },
        wrong ? {} : { 'www-authenticate': 'Bearer' },
      );
      return;
    }
    const clientVersion = req.headers[VERSION_HEADER];
    if (typeof clientVersion === 'string' && clientVersion !== this.version) {
      sendError(res, VERSION_MISMATCH_STATUS, {
        error: versionMismatch(this.version, clientVersion),
        field: VERSION_HEADER,
        value: clientVersion,
        choices: [this.version],
      });
      return;
    }
    if (this.closing) {
      sendError(
        res,
        503,
        { error: 'the gateway is shutting down' },
        { 'retry-after': RETRY_AFTER_S },
      );
      return;
    }
    if (path === '/functions') {
      if (!allow(req, res, 'GET')) return;
      return this.functions(res);
    }
    if (path === '/events') {
      if (!allow(req, res, 'GET')) return;
      this.events.subscribe(res);
      return;
    }
    const targetRoute = this.target.route(path, req, res, url.searchParams);
    if (targetRoute) return targetRoute;
    if (path === EXPERIMENTS_STOP_PATH) {
      if (!allow(req, res, 'POST')) return;
      return this.experiments.stop(req, res);
    }
    if (path === EXPERIMENTS_PATH) {
      if (!allow(req, res, 'POST')) return;
      return this.experiments.handle(req, res);
    }
    const rawName = invokePathName(path);
    if (rawName !== null) {
      if (!allow(req, res, 'POST')) return;
      return this.invoke(req, res, rawName, url.searchParams);
    }
    sendError(res, 404, {
      error: `no route ${req.method} ${path}; routes: GET /health, GET /functions, GET /catalog, GET /machine, GET /power, GET /sizes, GET /clock, GET /events, POST /functions/{name}/invoke, POST /deploy, POST /import, POST /experiments, POST /experiments/stop`,
    });
  }

  private health(res: ServerResponse): void {
    const body: HealthResponse = {
      status: this.closing ? 'closing' : 'ok',
      inFlight: this.admission.inFlight,
      queued: this.admission.queued,
      maxConcurrency: this.admission.maxConcurrent,
      maxQueue: this.admission.maxQueued,
      uptimeS: Math.round((Date.now() - this.startedAt) / 1000),
      nebula: this.version,
    };
    sendJson(res, this.closing ? 503 : 200, body);
  }

  private functions(res: ServerResponse): void {
    const { catalog } = this.options.engine;
    const body: FunctionsResponse = {
      functions: catalog.functions.map((fn) => fn.manifest),
      problems: [...catalog.problems],
    };
    sendJson(res, 200, body);
  }

  private async invoke(
    req: IncomingMessage,
    res: ServerResponse,
    rawName: string,
    query: URLSearchParams,
  ): Promise<void> {
    const { engine } = this.options;
    let name: string;
    try {
      name = decodeURIComponent(rawName);
    } catch {
      sendError(res, 400, { error: `function name "${rawName}" is not valid URL encoding` });
      return;
    }
    if (!engine.catalog.functions.some((fn) => fn.name === name)) {
      const choices = engine.catalog.functions.map((fn) => fn.name);
      sendError(res, 404, {
        error: `unknown function "${name}"; known functions: ${choices.join(', ')}`,
        field: 'name',
        value: name,
        choices,
      });
      return;
    }
    const params = parseInvokeQuery(query);
    if ('error' in params) {
      sendError(res, 400, params);
      return;
    }
    const input = await readBodyOrRefuse(
      req,
      res,
      this.maxInputBytes,
      bodyOverInputBound(this.maxInputBytes),
    );
    if (input === null) return;
    const entry = this.admission.enter();
    if (!entry) {
      sendError(
        res,
        429,
        {
          error: `too many invocations: ${this.admission.maxConcurrent} running and ${this.admission.maxQueued} waiting; retry later`,
        },
        { 'retry-after': RETRY_AFTER_S },
      );
      return;
    }
    const release = await entry;
    const controller = new AbortController();
    const onClose = (): void => {
      if (!res.writableFinished) controller.abort();
    };
    res.on('close', onClose);
    try {
      if (res.destroyed) return; // the client left while queued
      if (this.closing) res.setHeader('connection', 'close');
      const result = await engine.invoke(name, params.runtime, {
        input,
        mode: params.mode,
        signal: controller.signal,
        ...(params.variant === undefined ? {} : { variant: params.variant }),
        ...(params.timeoutMs === undefined ? {} : { timeoutMs: params.timeoutMs }),
      });
      sendJsonText(res, 200, resultJson(result));
    } catch (error) {
      const usage = (error as Error).name === 'UsageError';
      sendError(res, usage ? 400 : 500, { error: (error as Error).message });
    } finally {
      res.off('close', onClose);
      release();
    }
  }
}

/** The request target as a URL; null for one that is not a path ("//", "*", a bare host). */
function requestUrl(target: string | undefined): URL | null {
  if (!target?.startsWith('/') || target.startsWith('//')) return null;
  try {
    return new URL(target, 'http://gateway');
  } catch {
    return null;
  }
}
