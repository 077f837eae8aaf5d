/** What gateway and client agree on: routes, limits and the shapes of JSON bodies. */
import type { Manifest } from '../catalog/manifest.js';

/** A request body (the function's input) larger than this is refused with 413. */
export const MAX_BODY_BYTES = 1024 * 1024;

export const INVOKE_QUERY_KEYS = ['runtime', 'mode'] as const;

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
 * `{"protocol": 1, "plan": {...}}` (source/measure/plan.ts). The answer is 200 with
 * `application/x-ndjson`: one JSON object per line, each `{"protocol": 1, "type": ...}`, in
 * this order: "start", then "baseline" / "blocks" / "invocation" / "block" as they happen,
 * then exactly one of "done" (the figures) or "error". Refusals before the stream are plain
 * JSON errors: 400 (bad plan, energy without a power source), 409 (an experiment is running).
 * Closing the connection stops the experiment after the current invocation.
 */
export const EXPERIMENT_PROTOCOL = 1;
export const EXPERIMENTS_PATH = '/experiments';

export interface ExperimentRequest {
  protocol: typeof EXPERIMENT_PROTOCOL;
  plan: unknown;
}

/** One line of the answer stream; `type` tells the shape (see source/measure/session.ts). */
export type ExperimentStreamLine = { protocol: typeof EXPERIMENT_PROTOCOL; type: string } & Record<
  string,
  unknown
>;
