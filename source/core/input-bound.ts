/**
 * How much one input may carry, wherever it enters: `nebula invoke --input`, `nebula bench
 * --inputs`, a plan from the console or POST /experiments, and the body of POST
 * /functions/{name}/invoke. 1 MiB unless NEBULA_MAX_INPUT_BYTES says otherwise (at most 64 MiB,
 * a function's largest output limit); past it the input is refused, naming the bound and how
 * to raise it. Every invocation is kept whole in memory and in the session log, so the bound
 * is what one record may carry.
 */
export const DEFAULT_MAX_INPUT_BYTES = 1024 * 1024;
export const MAX_INPUT_BYTES_CAP = 64 * 1024 * 1024;
export const INPUT_BOUND_VARIABLE = 'NEBULA_MAX_INPUT_BYTES';

export class InputBoundError extends Error {
  override name = 'InputBoundError';
}

/** The bound from the environment (NEBULA_MAX_INPUT_BYTES), or a clear error when it is not one. */
export function maxInputBytes(env: Record<string, string | undefined> = process.env): number {
  const text = env[INPUT_BOUND_VARIABLE];
  if (text === undefined || text.trim() === '') return DEFAULT_MAX_INPUT_BYTES;
  const value = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || value < 1 || value > MAX_INPUT_BYTES_CAP) {
    throw new InputBoundError(
      `${INPUT_BOUND_VARIABLE}=${JSON.stringify(text)}: give a whole number of bytes from 1 to ${MAX_INPUT_BYTES_CAP} (64 MiB)`,
    );
  }
  return value;
}

/** Bytes as a person reads them: "1 MiB", "64 KiB", "100 bytes". */
function readable(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / 1024 / 1024} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}

/** What to say about an input of `bytes` over the bound `max`. */
export function inputTooLarge(bytes: number, max: number, where: string): string {
  return `${where} is ${bytes} bytes, over the bound of ${max} bytes (${readable(max)}) for one input; give a smaller input, or raise the bound with ${INPUT_BOUND_VARIABLE}=<bytes> (at most ${readable(MAX_INPUT_BYTES_CAP)})${where.includes('gateway') ? ' where the gateway runs' : ''}`;
}

/** A body refused before it was read whole: its size is not known, only that it is over. */
export function bodyOverInputBound(max: number): string {
  return `the request body (the input) is over ${max} bytes (${readable(max)}), the bound for one input; send a smaller input, or start the gateway with ${INPUT_BOUND_VARIABLE}=<bytes> (at most ${readable(MAX_INPUT_BYTES_CAP)})`;
}

/** Why this input cannot be taken, or null. */
export function inputProblem(input: string, max: number, where = 'the input'): string | null {
  // A string's UTF-8 length is at most 3 bytes per UTF-16 unit: no encoding for short ones.
  if (input.length * 3 <= max) return null;
  const bytes = Buffer.byteLength(input, 'utf8');
  return bytes > max ? inputTooLarge(bytes, max, where) : null;
}
