/**
 * Following the links of jco's shim and fix-up modules (see command-plan.ts): which host
 * function or export each shim export leads to, and a plan without the two modules.
 */
import type {
  CommandPlan,
  ExportRef,
  ImportSource,
  PlanStep,
  Recorded,
} from './command-plan-types.js';
import { exportParamKinds } from './export-types.js';

/**
 * The components jco makes route imports that need the instance's own memory through a small
 * shim module whose export `k` calls slot `k'` of a table, filled later by a fix-up module
 * from its imports. Which host function a fix-up import is, is known only from who imports
 * the shim's export that reaches it: found here by calling each shim export once, on fresh
 * instances whose fix-up imports are sentinels.
 */
export function shimRoutes(steps: Recorded[], shim: number, fixup: number): Map<string, string> {
  const fresh = new WebAssembly.Instance(steps[shim]?.module as WebAssembly.Module, {});
  const reached = class extends Error {
    constructor(readonly importName: string) {
      super(importName);
    }
  };
  const fixupImports: Record<string, Record<string, unknown>> = {};
  for (const { module, name, from } of steps[fixup]?.imports ?? []) {
    fixupImports[module] ??= {};
    (fixupImports[module] as Record<string, unknown>)[name] =
      'instance' in from && from.instance === shim
        ? fresh.exports[from.export]
        : () => {
            throw new reached(`${module}\u0000${name}`);
          };
  }
  new WebAssembly.Instance(
    steps[fixup]?.module as WebAssembly.Module,
    fixupImports as WebAssembly.Imports,
  );
  const kinds = exportParamKinds((steps[shim] as Recorded).bytes);
  const routes = new Map<string, string>();
  for (const [name, value] of Object.entries(fresh.exports)) {
    if (typeof value !== 'function') continue;
    const args = (kinds.get(name) ?? []).map((kind) => (kind === 'bigint' ? 0n : 0));
    try {
      (value as (...a: unknown[]) => unknown)(...args);
    } catch (error) {
      if (error instanceof reached) routes.set(name, error.importName);
    }
  }
  return routes;
}

export interface Indirection {
  shim: number;
  fixup: number;
  /** Shim export to the fix-up import (module NUL name) its table slot calls. */
  routes: Map<string, string>;
}

/**
 * The shim and fix-up modules only break the cycle between the function and its adapter (each
 * imports from the other). Linking every import that goes through a shim straight to where its
 * table slot leads (a binding, an earlier instance's export, or a later one's through a
 * forwarder) saves instantiating both for every invocation. If any use of a shim cannot be
 * followed, the plan keeps them.
 */
export function leaveOutShims(indirections: Indirection[], plan: CommandPlan): CommandPlan {
  const left = new Set(indirections.flatMap(({ shim, fixup }) => [shim, fixup]));
  const through = new Map<string, ImportSource>();
  for (const { shim, fixup, routes } of indirections) {
    const fixupImports = plan.steps[fixup]?.imports ?? [];
    for (const [shimExport, target] of routes) {
      const reached = fixupImports.find(({ module, name }) => `${module}\u0000${name}` === target);
      if (reached) through.set(`${shim}\u0000${shimExport}`, reached.from);
    }
  }
  const kept = plan.steps.map((_, index) => index).filter((index) => !left.has(index));
  const renumber = new Map(kept.map((old, index) => [old, index]));
  const follow = (from: ImportSource): ImportSource | null => {
    if (!('instance' in from) || !left.has(from.instance)) return from;
    const next = through.get(`${from.instance}\u0000${from.export}`);
    return next && !('instance' in next && left.has(next.instance)) ? next : null;
  };
  const moved = (ref: ExportRef): ExportRef | null => {
    const instance = renumber.get(ref.instance);
    return instance === undefined ? null : { instance, export: ref.export };
  };
  const steps: PlanStep[] = [];
  for (const [index, old] of kept.entries()) {
    const step = plan.steps[old] as PlanStep;
    const imports: PlanStep['imports'] = [];
    for (const { module, name, from } of step.imports) {
      const source = follow(from);
      if (!source) return plan;
      if ('host' in source) {
        imports.push({ module, name, from: source });
        continue;
      }
      const ref = moved('late' in source ? source.late : source);
      if (!ref) return plan;
      imports.push({ module, name, from: ref.instance < index ? ref : { late: ref } });
    }
    steps.push({ file: step.file, imports });
  }
  const run = moved(plan.run);
  const memory = moved(plan.memory);
  const realloc = plan.realloc ? moved(plan.realloc) : null;
  if (!run || !memory || (plan.realloc && !realloc)) return plan;
  return { steps, run, memory, realloc };
}
