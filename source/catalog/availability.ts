/**
 * Which runtimes can ever run a function, from its manifest alone (so a remote gateway's
 * catalog answers the same): a function compiled to Wasm only has no native binary for a
 * container. "Not deployed" is something else: a deploy fixes that, nothing fixes this.
 */
import type { RuntimeName } from '../core/invocation.js';
import type { Language, Manifest } from './manifest.js';

const WASM_ONLY: Partial<Record<Language, string>> = {
  assemblyscript:
    'AssemblyScript compiles to Wasm only: there is no native binary to put in a container',
  wasm: 'a Wasm module brought as it is has no native binary to put in a container',
};

/** Why `runtime` cannot run this function, or null when it can. */
export function unavailableReason(
  manifest: Pick<Manifest, 'language' | 'unavailable'>,
  runtime: RuntimeName,
): string | null {
  const stated = manifest.unavailable?.[runtime];
  if (stated) return stated;
  if (runtime !== 'container') return null;
  return WASM_ONLY[manifest.language] ?? null;
}
