/**
 * The query of POST /functions/{name}/invoke: runtime (default wasm) and mode (default cold),
 * as `nebula invoke`, and timeoutMs, the invocation's timeout instead of the manifest's (a
 * plan's, sent by a client that drives an experiment); anything else is refused naming it.
 */
import { isMode, isRuntimeName, MODES, type Mode, RUNTIME_NAMES } from '../core/invocation.js';
import { INVOKE_QUERY_KEYS, MAX_INVOKE_TIMEOUT_MS } from '../protocol/gateway.js';

export type InvokeQuery =
  | { runtime: string; mode: Mode; timeoutMs?: number }
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
  const timeout = query.get('timeoutMs');
  if (timeout === null) return { runtime, mode };
  const timeoutMs = Number(timeout);
  if (!/^\d+$/.test(timeout) || timeoutMs < 1 || timeoutMs > MAX_INVOKE_TIMEOUT_MS) {
    return {
      error: `timeoutMs must be a whole number of ms from 1 to ${MAX_INVOKE_TIMEOUT_MS} (an hour), got "${timeout}"`,
      field: 'timeoutMs',
      value: timeout,
      choices: [],
    };
  }
  return { runtime, mode, timeoutMs };
}
