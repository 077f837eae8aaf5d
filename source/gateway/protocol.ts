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
