/**
 * The Node.js release lines Nebula supports and tests (each in CI), and the V8 flags each
 * needs. Node 20 and 22 segfault in node:wasi after some thousand calls with V8's fast API
 * calls on (Node issues 46777, 53087; measured here: a bare node:wasi loop of 20,000 runs
 * dies with SIGSEGV on 20.20.2 and 22.23.5, runs through on 24.22.3), so only they turn
 * them off; it costs nothing measurable.
 */
export const SUPPORTED_NODE_MAJORS = [20, 22, 24] as const;

export function nodeMajor(version: string = process.versions.node): number {
  return Number.parseInt(version.replace(/^v/, ''), 10);
}

/** The flags node:wasi needs on this Node (none on 24). */
export function wasiNodeFlags(version: string = process.versions.node): string[] {
  return nodeMajor(version) < 24 ? ['--no-turbo-fast-api-calls'] : [];
}

/**
 * V8 flags the console runs with (its shebang, scripts/console.sh and the console benchmark
 * pass them; a test keeps the three in step). V8 grows the young generation to two 16 MB
 * semi-spaces under the allocation of start-up and of drawing frames, and never gives the
 * pages back: 4 MB ones keep about 25 MB out of the console's resident memory. A scavenge of
 * the console's few live young objects stays well under a millisecond.
 */
export const CONSOLE_NODE_FLAGS = ['--max-semi-space-size=4'] as const;

/** null when supported, else a sentence saying what is. */
export function unsupportedNodeNote(version: string = process.versions.node): string | null {
  const major = nodeMajor(version);
  if ((SUPPORTED_NODE_MAJORS as readonly number[]).includes(major)) return null;
  return `Node ${version} is not one Nebula supports and tests (${SUPPORTED_NODE_MAJORS.join(', ')})`;
}
