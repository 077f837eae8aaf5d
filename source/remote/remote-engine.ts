/**
 * One file because it is one class: the engine contract over HTTP, one request per method.
 * What takes more than a request lives beside it: experiments (remote-experiment.ts), the
 * power stream (remote-power.ts), readiness (ready-there.ts), the wire (gateway-http.ts).
 */
import { EventEmitter } from 'node:events';
import { basename } from 'node:path';
import type { Manifest } from '../catalog/manifest.js';
import { UsageError } from '../core/errors.js';
import type { InvocationResult, InvokeRequest, RuntimeName } from '../core/invocation.js';
import { nebulaVersion } from '../core/version.js';
import type { DeployOptions, DeployRow, FunctionState } from '../engine/deploy.js';
import { checkRequestNames, checkVariantRuntimes } from '../engine/engine.js';
import {
  type ImportedFunction,
  type ImportRequest,
  readImportSource,
} from '../engine/import-wasm.js';
import type { FunctionInfo, InvocationEngine } from '../engine/invocation-engine.js';
import type { MachineDescription } from '../engine/machine.js';
import type { SizesQuery, SizesRecord } from '../engine/sizes.js';
import type { ExperimentPlan } from '../measure/plan.js';
import type { PowerFlags } from '../power/create.js';
import {
  CATALOG_PATH,
  type CatalogResponse,
  DEPLOY_PATH,
  type FunctionsResponse,
  type HealthResponse,
  IMPORT_PATH,
  type ImportRequestBody,
  MACHINE_PATH,
  type MachineResponse,
  SIZES_PATH,
} from '../protocol/gateway.js';
import { sessionHeader } from '../session/header.js';
import type { HeaderRecord } from '../session/records.js';
import { type ClientDriveOptions, runClientDriven } from './client-driver.js';
import { GatewayHttp, GatewayUnreachableError } from './gateway-http.js';
import { checkReadyThere } from './ready-there.js';
import {
  type RemoteExperimentOptions,
  type RemoteOutcome,
  runRemoteExperiment,
} from './remote-experiment.js';
import { openGatewayPower, type RemotePowerSource } from './remote-power.js';

export { GatewayBusyError, GatewayUnreachableError } from './gateway-http.js';

/** A result answered by a gateway: the server's phases plus what the client saw. */
export interface RemoteInvocationResult extends InvocationResult {
  /** From just before the request was written to the parsed answer, on the client's clock. */
  clientRoundTripMs: number;
}

export interface RemoteEngineOptions {
  /** Base URL of `nebula serve`, e.g. http://192.0.2.10:8080 */
  url: string;
  token?: string;
  /** Give up on one request after this long. */
  timeoutMs?: number;
  /** Open connections kept to the gateway (keep-alive). */
  maxSockets?: number;
  /** This side's Nebula version (tests pretend to be another). */
  version?: string;
  /** The profile that points here, named in messages. */
  profile?: string;
}

/**
 * The engine contract of the faces (target/target-engine.ts, which this class satisfies as it
 * is: createEngineForProfile checks it) over HTTP, so commands and the console act on a
 * `nebula serve` on another machine: its catalog and deploy state, deploy, invoke (with the
 * client's round trip), its machine, its power readings, and whole experiments run there
 * (remote-experiment.ts). The server's `acceptedAtNs` is on the server's clock.
 */
export class RemoteEngine
  extends EventEmitter<{ invocation: [RemoteInvocationResult] }>
  implements InvocationEngine
{
  readonly url: string;
  private readonly http: GatewayHttp;
  private functions: FunctionInfo[] = [];
  private problems: string[] = [];
  private described: MachineResponse | null = null;
  private readonly profile: string | undefined;

  private constructor(options: RemoteEngineOptions) {
    super();
    this.profile = options.profile;
    this.http = new GatewayHttp({ ...options, version: options.version ?? nebulaVersion() });
    this.url = this.http.url;
  }

  /** Reaches the gateway, checks its version, reads its catalog and machine: a wrong URL, token or version fails here. */
  static async connect(options: RemoteEngineOptions): Promise<RemoteEngine> {
    const engine = new RemoteEngine(options);
    try {
      await engine.refresh();
      await engine.describe();
    } catch (error) {
      await engine.close();
      throw error;
    }
    return engine;
  }

  get catalog(): { functions: readonly FunctionInfo[]; problems: readonly string[] } {
    return { functions: this.functions, problems: this.problems };
  }

  /** What GET /machine said at connection: machine, profile and power source there. */
  get description(): MachineResponse | null {
    return this.described;
  }

  get where(): { gateway: string; host: string | null; machine: MachineDescription | null } {
    const machine = this.described?.machine ?? null;
    return { gateway: this.url, host: machine?.hostname ?? null, machine };
  }

  /** This process's machine; the functions' files are on the gateway, so no hashes. */
  header(profile: string): HeaderRecord {
    return sessionHeader(profile, []);
  }

  async refresh(): Promise<void> {
    const answer = await this.http.send('GET', '/functions');
    if (answer.status !== 200) throw this.http.failure(answer, 'list functions');
    const body = JSON.parse(answer.text) as FunctionsResponse;
    this.functions = body.functions.map((manifest: Manifest) => ({
      name: manifest.name,
      manifest,
    }));
    this.problems = body.problems;
  }

  async describe(): Promise<MachineResponse> {
    const answer = await this.http.send('GET', MACHINE_PATH);
    if (answer.status !== 200) throw this.http.failure(answer, 'describe its machine');
    this.described = JSON.parse(answer.text) as MachineResponse;
    return this.described;
  }

  async machine(): Promise<MachineDescription> {
    return (await this.describe()).machine;
  }

  /** null when the gateway answers /health, else why not (for a status bar). */
  async reachable(): Promise<string | null> {
    try {
      const answer = await this.http.send('GET', '/health');
      if (answer.status !== 200) return `answered ${answer.status}`;
      const health = JSON.parse(answer.text) as HealthResponse;
      return health.status === 'ok' ? null : health.status;
    } catch (error) {
      return (error as Error).message;
    }
  }

  async functionStates(runtimes?: readonly RuntimeName[]): Promise<FunctionState[]> {
    const query = runtimes ? `?runtimes=${runtimes.join(',')}` : '';
    const answer = await this.http.send('GET', `${CATALOG_PATH}${query}`);
    if (answer.status !== 200) throw this.http.failure(answer, 'list its catalog');
    return (JSON.parse(answer.text) as CatalogResponse).functions;
  }

  async deploy(
    names: readonly string[],
    runtimes: readonly RuntimeName[],
    options: DeployOptions = {},
  ): Promise<DeployRow[]> {
    const { onRow = () => {}, signal, variant } = options;
    for (const name of names) this.fn(name);
    checkVariantRuntimes(runtimes, variant);
    const rows: DeployRow[] = [];
    let failed: string | null = null;
    const body = JSON.stringify({ functions: names, runtimes, ...(variant ? { variant } : {}) });
    const stream = this.http.stream(
      'POST',
      DEPLOY_PATH,
      body,
      (line) => {
        if (line.type === 'row') {
          const row = line.row as DeployRow;
          rows.push(row);
          onRow(row);
        } else if (line.type === 'error') failed = String(line.error);
      },
      'deploy',
    );
    // Stopping here closes the stream: the gateway stops before its next function.
    let stopped = false;
    const stop = () => {
      stopped = true;
      stream.cut();
    };
    if (signal?.aborted) stop();
    signal?.addEventListener('abort', stop, { once: true });
    try {
      await stream.done;
    } catch (error) {
      if (!stopped) throw error;
    } finally {
      signal?.removeEventListener('abort', stop);
    }
    if (failed) throw new Error(`gateway ${this.url} could not deploy: ${failed}`);
    return rows;
  }

  /** The deployed sizes on the gateway's machine (its files, its Docker engine's images). */
  async sizes(options: SizesQuery = {}): Promise<SizesRecord> {
    for (const name of options.functions ?? []) this.fn(name);
    const query = new URLSearchParams();
    if (options.functions) query.set('functions', options.functions.join(','));
    if (options.images === false) query.set('images', '0');
    const path = query.size > 0 ? `${SIZES_PATH}?${query}` : SIZES_PATH;
    const answer = await this.http.send('GET', path);
    if (answer.status !== 200) throw this.http.failure(answer, 'measure its sizes');
    return JSON.parse(answer.text) as SizesRecord;
  }

  /**
   * Bring your own Wasm, installed on the gateway's machine: the file (or the folder's
   * function.json and module) is read here and sent; the gateway checks and installs it.
   */
  async importWasm(request: ImportRequest): Promise<ImportedFunction> {
    const source = readImportSource(request);
    const body: ImportRequestBody = {
      path: request.path,
      file: basename(source.wasm),
      wasm: source.bytes.toString('base64'),
      manifest: source.manifest,
      name: request.name,
      description: request.description,
      timeoutMs: request.timeoutMs,
      memoryMb: request.memoryMb,
    };
    const answer = await this.http.send('POST', IMPORT_PATH, JSON.stringify(body));
    if (answer.status !== 200) throw this.http.failure(answer, `import ${request.path}`);
    await this.refresh();
    return JSON.parse(answer.text) as ImportedFunction;
  }

  /** How GET /machine described the gateway's power source; null when it has none. */
  powerOrigin(): { kind: string; simulated: boolean; broker: null } | null {
    const power = this.described?.power;
    return power ? { kind: power.kind, simulated: power.simulated, broker: null } : null;
  }

  /** The gateway's power source, read from here; its own, so no flag replaces it. */
  openPower(flags: PowerFlags = {}): RemotePowerSource {
    const profile = this.profile ? `profile ${this.profile}` : 'this profile';
    return openGatewayPower(this.http, this.described?.power ?? null, flags, profile);
  }

  /**
   * Every cell of the plan deployed there before anything runs (ready-there.ts), a
   * variant's artifacts built there; either driver can run every cell.
   */
  async checkReady(plan: ExperimentPlan): Promise<void> {
    return checkReadyThere(this, plan);
  }

  /**
   * The target driver (the default) runs the plan there, with its power source; records
   * come back into `options.log` (the gateway's sizes among them), and the power, clock and
   * timing hooks of this side are not used. The client driver runs the session here, one
   * request per invocation, with the gateway's power read there (client-driver.ts).
   */
  async runExperiment(
    plan: ExperimentPlan,
    options: RemoteExperimentOptions & ClientDriveOptions = {},
  ): Promise<RemoteOutcome> {
    const where = this.described ?? (await this.describe());
    if (options.driver === 'client') {
      return runClientDriven({ engine: this, http: this.http, where }, plan, options);
    }
    const { log, signal, onEvent } = options;
    return runRemoteExperiment(this.http, where, plan, { log, signal, onEvent });
  }

  fn(name: string): FunctionInfo {
    const found = this.functions.find((fn) => fn.name === name);
    if (found) return found;
    const known = this.functions.map((fn) => fn.name).join(', ');
    throw new UsageError(`unknown function "${name}" on ${this.url}; known functions: ${known}`);
  }

  async invoke(
    functionName: string,
    runtimeName: string,
    request: InvokeRequest,
  ): Promise<RemoteInvocationResult> {
    // Same checks and messages as the local Engine, without a round trip.
    checkRequestNames(runtimeName, request.mode);
    this.fn(functionName);
    const query = new URLSearchParams({ runtime: runtimeName, mode: request.mode });
    if (request.variant) query.set('variant', request.variant);
    if (request.timeoutMs !== undefined) query.set('timeoutMs', String(request.timeoutMs));
    const path = `/functions/${encodeURIComponent(functionName)}/invoke?${query}`;
    const started = process.hrtime.bigint();
    const answer = await this.http.send('POST', path, request.input, request.signal);
    if (answer.status !== 200) throw this.http.failure(answer, `invoke ${functionName}`);
    let result: InvocationResult;
    try {
      result = JSON.parse(answer.text) as InvocationResult;
    } catch {
      throw new GatewayUnreachableError(
        `gateway ${this.url} answered ${functionName} with something that is not JSON: ${answer.text.slice(0, 120)}`,
      );
    }
    const clientRoundTripMs = Number(process.hrtime.bigint() - started) / 1e6;
    const remote: RemoteInvocationResult = { ...result, clientRoundTripMs };
    this.emit('invocation', remote);
    return remote;
  }

  async close(): Promise<void> {
    this.http.close();
  }
}
