import { z } from 'zod';
import { RUNTIME_NAMES } from '../core/invocation.js';

/**
 * What the function is written in: how it is built (scripts/build-*.sh) and which runtimes
 * can run it. `wasm` is a module brought as it is (`nebula deploy --wasm`), with no source.
 */
export const LANGUAGES = ['rust', 'c', 'assemblyscript', 'wasm'] as const;
export type Language = (typeof LANGUAGES)[number];

/** What one invocation may print unless its manifest says otherwise: 1 MiB. */
export const DEFAULT_OUTPUT_LIMIT_BYTES = 1024 * 1024;
export const MAX_OUTPUT_LIMIT_BYTES = 64 * 1024 * 1024;

/** functions/<name>/function.json */
export const manifestSchema = z
  .object({
    name: z.string().regex(/^[a-z][a-z0-9-]*$/, 'lowercase letters, digits and dashes'),
    language: z.enum(LANGUAGES).default('rust'),
    description: z.string().min(1),
    input: z
      .object({
        format: z.string().min(1),
        example: z.string(),
        expectedOutput: z.string(),
      })
      .strict(),
    defaultInput: z.string(),
    timeoutMs: z.number().int().positive().max(600_000),
    memoryMb: z.number().int().min(1).max(4096),
    cpus: z.number().positive().max(64),
    pids: z.number().int().min(1).max(4096),
    /** stdout plus stderr one invocation may write; past it the run fails as output-limit. */
    outputLimitBytes: z
      .number()
      .int()
      .min(1024, 'at least 1024 bytes (the timing marks alone take about 100)')
      .max(MAX_OUTPUT_LIMIT_BYTES, `at most ${MAX_OUTPUT_LIMIT_BYTES} bytes (64 MiB)`)
      .default(DEFAULT_OUTPUT_LIMIT_BYTES),
    /** Runtimes that can never run this function, with why (written by `nebula deploy --wasm`). */
    unavailable: z.partialRecord(z.enum(RUNTIME_NAMES), z.string().min(1)).optional(),
  })
  .strict();

export type Manifest = z.infer<typeof manifestSchema>;

/** Turns zod issues into "field: what was expected" lines a person can act on. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => `  ${issue.path.join('.') || '(top level)'}: ${issue.message}`)
    .join('\n');
}
