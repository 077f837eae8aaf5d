/**
 * What a console or a command needs of the machine behind a gateway: its description
 * (GET /machine), its catalog with deploy state (GET /catalog), its deployed sizes
 * (GET /sizes), deploying (POST /deploy), bringing a Wasm function of one's own
 * (POST /import), its power readings as a stream (GET /power) and its clocks (GET /clock,
 * for a client that drives experiments from its own machine). The routes sit behind the
 * same doors, token and version check as invoke (server.ts routes them after the checks).
 * One file because the routes share the engine, the power source and the busy check of one
 * gateway.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { UsageError } from '../core/errors.js';
import { isRuntimeName, RUNTIME_NAMES, type RuntimeName } from '../core/invocation.js';
import { canonicalVariant } from '../engine/engine.js';
import { ImportError } from '../engine/import-wasm.js';
import type { InvocationEngine } from '../engine/invocation-engine.js';
import type { PowerGap, PowerSample, PowerStatus } from '../power/sample.js';
import {
  CATALOG_PATH,
  type CatalogResponse,
  CLOCK_PATH,
  type ClockResponse,
  DEPLOY_PATH,
  type DeployRequest,
  IMPORT_PATH,
  type ImportRequestBody,
  MACHINE_PATH,
  MAX_IMPORT_BYTES,
  type MachineResponse,
  POWER_PATH,
  type PowerStreamLine,
  SIZES_PATH,
} from '../protocol/gateway.js';
import { allow, readBodyOrRefuse, sendError, sendJson } from './http-io.js';
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

  /** Answers the request when the path is one of these routes; null otherwise. */
  route(
    path: string,
    req: IncomingMessage,
    res: ServerResponse,
    query: URLSearchParams,
  ): Promise<void> | null {
    const method = path === DEPLOY_PATH || path === IMPORT_PATH ? 'POST' : 'GET';
    const handlers: Record<string, () => Promise<void> | void> = {
      [MACHINE_PATH]: () => this.machine(res),
      [CATALOG_PATH]: () => this.catalog(res, query),
      [SIZES_PATH]: () => this.sizes(res, query),
      [DEPLOY_PATH]: () => this.deploy(req, res),
      [IMPORT_PATH]: () => this.import(req, res),
      [POWER_PATH]: () => this.power(res),
      [CLOCK_PATH]: () => this.clock(res),
    };
    const handler = Object.hasOwn(handlers, path) ? handlers[path] : undefined;
    if (!handler) return null;
    if (!allow(req, res, method)) return Promise.resolve();
    return Promise.resolve(handler());
  }

  async machine(res: ServerResponse): Promise<void> {
    const { name, label } = this.options.profile; // its name and label, not its settings
    const body: MachineResponse = {
      machine: await this.options.engine.machine(),
      profile: { name, label },
      power: this.options.power?.describe() ?? null,
    };
    sendJson(res, 200, body);
  }

  /** Its clocks, read last: the answer leaves right after (a client driver's clock sync). */
  clock(res: ServerResponse): void {
    const body: ClockResponse = {
      monoNs: process.hrtime.bigint().toString(),
      wallMs: Date.now(),
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

  async sizes(res: ServerResponse, query: URLSearchParams): Promise<void> {
    const { engine } = this.options;
    if (!engine.sizes) {
      sendError(res, 404, { error: 'this gateway runs no local engine to measure sizes of' });
      return;
    }
    const asked = query
      .get('functions')
      ?.split(',')
      .filter((name) => name !== '');
    const unknown = (asked ?? []).filter(
      (name) => !engine.catalog.functions.some((fn) => fn.name === name),
    );
    if (unknown.length > 0) {
      sendError(res, 404, {
        error: `unknown function ${unknown.map((n) => `"${n}"`).join(', ')}`,
        field: 'functions',
        choices: engine.catalog.functions.map((fn) => fn.name),
      });
      return;
    }
    const images = query.get('images') !== '0';
    sendJson(res, 200, await engine.sizes({ functions: asked, images }));
  }

  /** Bring your own Wasm: the client's bytes written to a folder of our own, then imported. */
  async import(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const text = await readBodyOrRefuse(
      req,
      res,
      MAX_IMPORT_BYTES,
      `a module over ${MAX_IMPORT_BYTES / 1024 / 1024} MiB (base64) is refused`,
    );
    if (text === null) return;
    const request = parseImport(text);
    if ('error' in request) {
      sendError(res, 400, { error: request.error, field: request.field });
      return;
    }
    if (this.options.busy()) {
      sendError(
        res,
        409,
        { error: 'an experiment is running on this gateway; import when it is done' },
        { 'retry-after': '5' },
      );
      return;
    }
    const scratch = mkdtempSync(join(tmpdir(), 'nebula-import-'));
    // A folder keeps its manifest beside the module; a file is imported as it came.
    const folder = request.manifest ? join(scratch, 'function') : scratch;
    const file = join(folder, basename(request.file));
    try {
      if (request.manifest) {
        mkdirSync(folder);
        writeFileSync(join(folder, 'function.json'), JSON.stringify(request.manifest));
      }
      writeFileSync(file, Buffer.from(request.wasm, 'base64'));
      const imported = await this.options.engine.importWasm({
        path: request.manifest ? folder : file,
        name: request.name,
        description: request.description,
        timeoutMs: request.timeoutMs,
        memoryMb: request.memoryMb,
      });
      sendJson(res, 200, imported);
    } catch (error) {
      if (!(error instanceof ImportError)) throw error;
      // The message names the client's path, not our scratch folder.
      const message = error.message.replaceAll(request.manifest ? folder : file, request.path);
      sendError(res, 400, { error: message.replaceAll(scratch, request.path), field: 'wasm' });
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }

  async deploy(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const text = await readBodyOrRefuse(
      req,
      res,
      this.options.maxBodyBytes,
      `a deploy request over ${this.options.maxBodyBytes} bytes is refused`,
    );
    if (text === null) return;
    const request = parseDeploy(text);
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
    if (request.variant && request.runtimes.length !== 1) {
      sendError(res, 400, {
        error: 'a variant belongs to one runtime: name one in runtimes',
        field: 'variant',
      });
      return;
    }
    if (request.variant) {
      try {
        canonicalVariant(request.runtimes[0] as RuntimeName, request.variant);
      } catch (error) {
        if (!(error instanceof UsageError)) throw error;
        sendError(res, 400, { error: error.message, field: 'variant' });
        return;
      }
    }
    res.writeHead(200, { 'content-type': 'application/x-ndjson; charset=utf-8' });
    // The client gone (Ctrl+C there): what was deployed stays; the rest is not started.
    const left = new AbortController();
    res.on('close', () => left.abort());
    try {
      await engine.deploy(request.functions, request.runtimes, {
        variant: request.variant,
        signal: left.signal,
        onRow: (row) => res.write(`${JSON.stringify({ type: 'row', row })}\n`),
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
):
  | { functions: string[]; runtimes: RuntimeName[]; variant?: string }
  | { error: string; field: string } {
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
  if (value.variant !== undefined && typeof value.variant !== 'string') {
    return { error: 'variant: factors as text, e.g. "base=debian"', field: 'variant' };
  }
  return {
    functions,
    runtimes: runtimes.list,
    ...(value.variant ? { variant: value.variant } : {}),
  };
}

const optional = (value: unknown, type: 'string' | 'number') =>
  value === undefined || typeof value === type;

function parseImport(text: string): ImportRequestBody | { error: string; field: string } {
  let value: Partial<ImportRequestBody> | null;
  try {
    value = JSON.parse(text) as Partial<ImportRequestBody> | null;
  } catch {
    return {
      error: 'the body is not JSON: send {"path", "file", "wasm": base64, ...}',
      field: 'body',
    };
  }
  if (!value || typeof value !== 'object') {
    return { error: 'the body must be {"path", "file", "wasm": base64, ...}', field: 'body' };
  }
  for (const key of ['path', 'file', 'wasm'] as const) {
    if (typeof value[key] !== 'string' || value[key] === '') {
      return { error: `${key}: required text`, field: key };
    }
  }
  if (!(value.file as string).endsWith('.wasm') || basename(value.file as string) !== value.file) {
    return { error: "file: the .wasm file's own name, without folders", field: 'file' };
  }
  for (const key of ['name', 'description'] as const) {
    if (!optional(value[key], 'string')) return { error: `${key}: text`, field: key };
  }
  for (const key of ['timeoutMs', 'memoryMb'] as const) {
    if (!optional(value[key], 'number')) return { error: `${key}: a number`, field: key };
  }
  if (
    value.manifest !== undefined &&
    value.manifest !== null &&
    typeof value.manifest !== 'object'
  ) {
    return { error: "manifest: the folder's function.json as an object", field: 'manifest' };
  }
  return value as ImportRequestBody;
}
