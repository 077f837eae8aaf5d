import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { FunctionEntry } from '../../catalog/catalog.js';
import { BINDINGS_FINGERPRINT } from './command-bindings.js';
import { PLAN_FILE, PLAN_VERSION, type PlanOutcome, planCommand } from './command-plan.js';

/** Where `jco transpile` output for a function lives (git-ignored, made by deploy). */
export function transpiledDir(fn: FunctionEntry): string {
  return join(fn.dir, 'build', 'jco');
}

export function glueFile(fn: FunctionEntry): string {
  return join(transpiledDir(fn), `${fn.name}.js`);
}

const STAMP = 'component.sha256';

/**
 * The component's hash, which WASI functions the direct bindings provide and how plans are
 * learnt: a plan learnt by an older Nebula is learnt again, not trusted.
 */
function componentHash(fn: FunctionEntry): string {
  const component = createHash('sha256').update(readFileSync(fn.componentPath)).digest('hex');
  return `${component}\nbindings ${BINDINGS_FINGERPRINT} plan ${PLAN_VERSION}`;
}

export function isTranspiled(fn: FunctionEntry): boolean {
  const stamp = join(transpiledDir(fn), STAMP);
  if (!existsSync(stamp) || !existsSync(fn.componentPath)) return false;
  if (!existsSync(join(transpiledDir(fn), PLAN_FILE))) return false;
  return readFileSync(stamp, 'utf8') === componentHash(fn);
}

/**
 * What the transpiled folder was made from (its stamp: the component's hash and how it was
 * planned), as a short hash: the revision the worker keys its caches by.
 */
export function transpiledRevision(fn: FunctionEntry): string {
  const stamp = readFileSync(join(transpiledDir(fn), STAMP));
  return createHash('sha256').update(stamp).digest('hex').slice(0, 32);
}

/** The call in jco's generated glue that patchGlue guards (checked by dependency-internals.test). */
export const PATCHED_CALL = 'WebAssembly.promising(';

/**
 * jco's glue calls WebAssembly.promising inside a try/catch on every instantiation; on Node 20
 * (no JSPI) that throws a TypeError whose stack capture costs milliseconds per instance.
 * Checking for the function first keeps the same behaviour without the throw.
 */
export function patchGlue(source: string): string {
  return source.replaceAll(
    PATCHED_CALL,
    "(typeof WebAssembly.promising === 'function' ? WebAssembly.promising : (() => { throw 0; }))(",
  );
}

/**
 * Transpiles the component into per-instance glue (`instantiate`) and its core modules, and
 * learns how the direct bindings run it (or why they cannot: then jco's glue runs it).
 */
export async function transpileFunction(fn: FunctionEntry): Promise<PlanOutcome> {
  if (!existsSync(fn.componentPath)) {
    throw new Error(
      `${fn.name}: no component at ${fn.componentPath}; build it with \`npm run build:functions\``,
    );
  }
  const { transpile } = await import('@bytecodealliance/jco');
  const component = readFileSync(fn.componentPath);
  const { files } = await transpile(component, {
    name: fn.name,
    instantiation: 'sync',
    noTypescript: true,
    quiet: true,
  });
  const target = transpiledDir(fn);
  // A folder of this transpile's own, so two at once never remove each other's files.
  const staging = `${target}.tmp-${process.pid}-${randomUUID()}`;
  for (const [name, bytes] of Object.entries(files)) {
    const path = join(staging, name);
    mkdirSync(dirname(path), { recursive: true });
    const isGlue = name === `${fn.name}.js`;
    writeFileSync(path, isGlue ? patchGlue(Buffer.from(bytes).toString('utf8')) : bytes);
  }
  const outcome = await planCommand(staging, `${fn.name}.js`);
  writeFileSync(join(staging, PLAN_FILE), `${JSON.stringify(outcome)}\n`);
  writeFileSync(join(staging, STAMP), componentHash(fn));
  // Swap in whole, so a concurrent reader never sees half a transpile.
  const replaced = `${staging}.replaced`;
  if (existsSync(target)) renameSync(target, replaced);
  renameSync(staging, target);
  rmSync(replaced, { recursive: true, force: true });
  return outcome;
}

/** Why the deployed component runs on jco's glue, or null when the direct bindings run it. */
export function glueFallback(fn: FunctionEntry): string | null {
  try {
    const outcome = JSON.parse(
      readFileSync(join(transpiledDir(fn), PLAN_FILE), 'utf8'),
    ) as PlanOutcome;
    return 'fallback' in outcome ? outcome.fallback : null;
  } catch {
    return 'no plan for the direct bindings (deploy again)';
  }
}
