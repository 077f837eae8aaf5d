/**
 * The query of POST /functions/{name}/invoke: runtime (default wasm) and mode (default cold),
 * as `nebula invoke`; a variant of the runtime (runtimes/variants.ts, a cold start's
 * condition) and timeoutMs, the invocation's timeout instead of the manifest's, as a plan
 * sets them (a client driving an experiment sends them); anything else is refused naming it.
 */
import { UsageError } from '../core/errors.js';
import { isMode, isRuntimeName, MODES, type Mode, RUNTIME_NAMES } from '../core/invocation.js';
import { canonicalVariant } from '../engine/engine.js';
import { INVOKE_QUERY_KEYS, MAX_INVOKE_TIMEOUT_MS } from '../protocol/gateway.js';

export type InvokeQuery =
  | { runtime: string; mode: Mode; variant?: string; timeoutMs?: number }
  | { error: string; field: string; value: string; choices: readonly string[] };

export function parseInvokeQuery(query: URLSearchParams): InvokeQuery {
  for (const key of query.keys()) {
    if (!(INVOKE_QUERY_KEYS as readonly string[]).includes(key)) {
      return {
        error: `unknown query parameter "${key}"; accepted: ${INVOKE_QUERY_KEYS.join(', ')}`,
        field: 'query',
        value: key,
        choices: INVOKE_QUERY_KEYS,
      };
    }
  }
  const runtime = query.get('runtime') ?? 'wasm';
  if (!isRuntimeName(runtime)) {
    return {
      error: `unknown runtime "${runtime}"; choose one of ${RUNTIME_NAMES.join(', ')}`,
      field: 'runtime',
      value: runtime,
      choices: RUNTIME_NAMES,
    };
  }
  const mode = query.get('mode') ?? 'cold';
  if (!isMode(mode)) {
    return {
      error: `unknown mode "${mode}"; choose one of ${MODES.join(', ')}`,
      field: 'mode',
      value: mode,
      choices: MODES,
    };
  }
  const variant = query.get('variant') ?? undefined;
  if (variant !== undefined) {
    try {
      canonicalVariant(runtime, variant);
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      return { error: error.message, field: 'variant', value: variant, choices: [] };
    }
  }
  const chosen = { runtime, mode, ...(variant === undefined ? {} : { variant }) };
  const timeout = query.get('timeoutMs');
  if (timeout === null) return chosen;
  const timeoutMs = Number(timeout);
  if (!/^\d+$/.test(timeout) || timeoutMs < 1 || timeoutMs > MAX_INVOKE_TIMEOUT_MS) {
    return {
      error: `timeoutMs must be a whole number of ms from 1 to ${MAX_INVOKE_TIMEOUT_MS} (an hour), got "${timeout}"`,
      field: 'timeoutMs',
      value: timeout,
      choices: [],
    };
  }
  return { ...chosen, timeoutMs };
}
