/** What gateway and client agree on: routes, limits and the shapes of JSON bodies. */
import type { Manifest } from '../catalog/manifest.js';
import type { FunctionState } from '../engine/deploy.js';
import type { MachineDescription } from '../engine/machine.js';
import type { PowerGap, PowerSample, PowerStatus } from '../power/sample.js';

/** A request body (the function's input) larger than this is refused with 413. */
export const MAX_BODY_BYTES = 1024 * 1024;

export const INVOKE_QUERY_KEYS = ['runtime', 'mode', 'variant', 'timeoutMs'] as const;
/** The longest timeout an invocation may ask for, as a plan may (measure/plan.ts). */
export const MAX_INVOKE_TIMEOUT_MS = 3_600_000;

/** GET /functions */
export interface FunctionsResponse {
  functions: Manifest[];
  problems: string[];
}

/** GET /health */
export interface HealthResponse {
  status: 'ok' | 'closing';
  inFlight: number;
  queued: number;
  maxConcurrency: number;
  maxQueue: number;
  uptimeS: number;
  /** The gateway's Nebula version (see VERSION_HEADER). */
  nebula: string;
}

/** Every non-2xx answer: what was wrong and, where it helps, the accepted values. */
export interface ErrorResponse {
  error: string;
  field?: string;
  value?: string;
  choices?: readonly string[];
}

/** `/functions/{name}/invoke` -> name, or null for any other path. */
export function invokePathName(pathname: string): string | null {
  const match = /^\/functions\/([^/]+)\/invoke$/.exec(pathname);
  return match?.[1] ?? null;
}

/**
 * POST /experiments: version 1 of the experiment protocol. The body is
 * `{"protocol": 1, "plan": {...}}` (source/measure/plan.ts), or `{"protocol": 1, "planFile":
 * {...}, "thin": K}`: a plan file as a user writes it (format 1, plans/plan.schema.json), read
 * as `nebula bench --plan` reads it with the gateway's profile for what it leaves out; its
 * "start" line then carries `planFile` {name, thin, skipped, invocations}. The answer is 200 with
 * `application/x-ndjson`: one JSON object per line, each `{"protocol": 1, "type": ...}`, in
 * this order: "start", then "baseline" / "blocks" / "invocation" / "block" as they happen,
 * then exactly one of "done" (the figures) or "error". Between them, "record" lines carry
 * the gateway's session log records as it writes them, but for invocations: an invocation's
 * record is invocationRecord() of its "invocation" line's step (source/session/session-log.ts),
 * so each invocation crosses the wire once. Refusals before the stream are plain
 * JSON errors: 400 (bad plan, energy without a power source), 409 (an experiment is running).
 * Closing the connection stops the experiment after the current invocation.
 */
export const EXPERIMENT_PROTOCOL = 1;
export const EXPERIMENTS_PATH = '/experiments';

export interface ExperimentRequest {
  protocol: typeof EXPERIMENT_PROTOCOL;
  plan?: unknown;
  /** A plan file's JSON instead of a plan, and the K of every K-th input kept. */
  planFile?: unknown;
  thin?: number;
}

/** One line of the answer stream; `type` tells the shape (see source/measure/session.ts). */
export type ExperimentStreamLine = { protocol: typeof EXPERIMENT_PROTOCOL; type: string } & Record<
  string,
  unknown
>;

/**
 * Every client request carries `x-nebula-version` (its Nebula version) and every answer the
 * gateway's. A request from another version is refused with 409 naming both: the two sides
 * must measure with the same code for their figures to agree. A request without the header
 * (curl, a browser-less script) is served.
 */
export const VERSION_HEADER = 'x-nebula-version';
export const VERSION_MISMATCH_STATUS = 409;

export function versionMismatch(gateway: string, client: string): string {
  return `version mismatch: the gateway runs Nebula ${gateway}, this client runs Nebula ${client}; install the same version on both machines`;
}

export const MACHINE_PATH = '/machine';
export const CATALOG_PATH = '/catalog';
export const DEPLOY_PATH = '/deploy';
export const POWER_PATH = '/power';
/** GET [?functions=a,b&images=0]: the deployed sizes there (a `sizes` record). */
export const SIZES_PATH = '/sizes';
/** POST an ImportRequestBody: bring your own Wasm, installed there; answers an ImportedFunction. */
export const IMPORT_PATH = '/import';
/** An imported module travels as base64 inside JSON: a larger limit than an input's. */
export const MAX_IMPORT_BYTES = 48 * 1024 * 1024;
/** POST {"experiment": id}: stops that experiment after its current invocation. */
export const EXPERIMENTS_STOP_PATH = '/experiments/stop';
/** GET: the gateway's clocks now (a ClockResponse), for a client placing its readings. */
export const CLOCK_PATH = '/clock';

/**
 * GET /clock: read as late as the gateway can before answering, so that a client that notes
 * its own clock before sending and after the answer knows when, on its clock, this was.
 */
export interface ClockResponse {
  /** process.hrtime.bigint() there, decimal: the clock of its power readings' receivedAt. */
  monoNs: string;
  /** Date.now() there. */
  wallMs: number;
}

/** The gateway's power source as it describes itself. */
export interface PowerDescription {
  /** The source's own label: "mqtt tasmota nebula-sim", "estimate", "rapl". */
  label: string;
  kind: string;
  simulated: boolean;
  expectedPeriodMs: number;
}

/** GET /machine: where the functions run, and with what. */
export interface MachineResponse {
  machine: MachineDescription;
  profile: { name: string; label: string };
  power: PowerDescription | null;
}

/** GET /catalog[?runtimes=a,b] */
export interface CatalogResponse {
  functions: FunctionState[];
  problems: string[];
}

/** POST /deploy: NDJSON lines {type: "row", row} as each finishes, then {type: "done"}. */
export interface DeployRequest {
  functions: string[];
  runtimes: string[];
  /** A variant's artifacts (`base=debian`); one runtime only. */
  variant?: string;
}

/** POST /import: what `nebula deploy --wasm PATH` read on the client. */
export interface ImportRequestBody {
  /** The path as the client named it, for messages. */
  path: string;
  /** The .wasm file's own name. */
  file: string;
  /** Its bytes, base64. */
  wasm: string;
  /** A folder's function.json, when the client gave a folder. */
  manifest?: Manifest | null;
  name?: string;
  description?: string;
  timeoutMs?: number;
  memoryMb?: number;
}

/**
 * GET /power: NDJSON, first {type: "source", power, status}, then {type: "sample", sample},
 * {type: "status", status} and {type: "gap", gap} as they come. Readings carry the gateway's
 * own label and the time it received them on its clock.
 */
export type PowerStreamLine =
  | { type: 'source'; power: PowerDescription; status: PowerStatus }
  | { type: 'sample'; sample: PowerSample }
  | { type: 'status'; status: PowerStatus }
  | { type: 'gap'; gap: PowerGap };
