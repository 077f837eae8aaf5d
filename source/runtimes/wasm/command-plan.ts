/**
 * How a transpiled command component's core modules are wired, learnt once at deploy time by
 * watching jco's own glue do it: `instantiate(getCoreModule, imports, instantiateCore)` takes
 * the core instantiation as a parameter, so every core module it instantiates, and where each
 * import comes from, can be recorded without reading or patching the glue's text. An import
 * is either another core instance's export (found by identity) or one of the glue's host
 * functions, which the direct bindings (command-bindings.ts) replace by the WASI function it
 * lowers. The plan is plain JSON, stored beside the glue; anything the bindings cannot
 * reproduce gives a reason instead, and the function runs on jco's glue.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { bindingKey, hasBinding } from './command-bindings.js';
import type {
  CommandPlan,
  ExportRef,
  PlanOutcome,
  PlanStep,
  Recorded,
} from './command-plan-types.js';
import { type Indirection, leaveOutShims, shimRoutes } from './shim-links.js';

export type {
  CommandPlan,
  ExportRef,
  ImportSource,
  PlanOutcome,
  PlanStep,
  Recorded,
} from './command-plan-types.js';

/** Raised whenever plans are learnt differently, so older ones are learnt again. */
export const PLAN_VERSION = 2;

/** Beside the glue: the PlanOutcome as JSON. */
export const PLAN_FILE = 'direct-plan.json';

class Unsupported extends Error {}

/** How a fallback reason starts when the component is no command at all (deploy refuses it). */
export const NOT_A_COMMAND = 'not a WASI command';

/** Stand-ins for the host interfaces: the glue only takes them apart while wiring. */
function inertImports(asked: Set<string>): object {
  const stub = () => {
    throw new Unsupported('a host function was called while wiring');
  };
  const iface = new Proxy({}, { get: () => stub });
  return new Proxy(
    {},
    {
      get: (_, name) => {
        if (typeof name === 'string') asked.add(name);
        return iface;
      },
    },
  );
}

function record(
  dir: string,
  glue: Glue,
  asked: Set<string>,
): { steps: Recorded[]; result: unknown } {
  const files = new Map<WebAssembly.Module, { file: string; bytes: Uint8Array }>();
  const origins = new Map<unknown, ExportRef>();
  const steps: Recorded[] = [];
  const getCoreModule = (file: string) => {
    const bytes = readFileSync(join(dir, file));
    const module = new WebAssembly.Module(bytes);
    files.set(module, { file, bytes });
    return module;
  };
  const instantiateCore = (module: WebAssembly.Module, importObject: WebAssembly.Imports = {}) => {
    const loaded = files.get(module);
    if (!loaded) throw new Unsupported('the glue instantiated a core module it did not load');
    const imports: Recorded['imports'] = [];
    for (const entry of WebAssembly.Module.imports(module)) {
      const value = (importObject[entry.module] as Record<string, unknown> | undefined)?.[
        entry.name
      ];
      const from = origins.get(value) ?? { value };
      imports.push({ module: entry.module, name: entry.name, from });
    }
    const instance = new WebAssembly.Instance(module, importObject);
    const index = steps.length;
    steps.push({ ...loaded, module, exports: instance.exports, imports });
    for (const [name, value] of Object.entries(instance.exports)) {
      if (!origins.has(value)) origins.set(value, { instance: index, export: name });
    }
    return instance;
  };
  const result = glue.instantiate(getCoreModule, inertImports(asked), instantiateCore);
  return { steps, result };
}

interface Glue {
  instantiate(
    getCoreModule: (file: string) => WebAssembly.Module,
    imports: object,
    instantiateCore: (module: WebAssembly.Module, imports?: WebAssembly.Imports) => unknown,
  ): unknown;
}

/** Learns the plan from the glue in `dir` (written by `jco transpile --instantiation sync`). */
export async function planCommand(dir: string, glueFile: string): Promise<PlanOutcome> {
  const asked = new Set<string>();
  try {
    const glue = (await import(
      `${pathToFileURL(join(dir, glueFile)).href}?plan=${Date.now()}`
    )) as Glue;
    return { plan: buildPlan(dir, glue, asked), interfaces: [...asked].sort() };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { fallback: message, interfaces: [...asked].sort() };
  }
}

function buildPlan(dir: string, glue: Glue, asked: Set<string>): CommandPlan {
  const { steps, result } = record(dir, glue, asked);
  const runner = (result as { run?: { run?: unknown } } | undefined)?.run?.run;
  if (typeof runner !== 'function') {
    throw new Unsupported(`${NOT_A_COMMAND}: the component exports no wasi:cli/run`);
  }
  // Host functions that a fix-up module puts into a shim's table, by fix-up import.
  const hostOfFixup = new Map<string, string>();
  const indirections: Indirection[] = [];
  steps.forEach((step, fixup) => {
    const table = step.imports.find(
      ({ from }) =>
        'instance' in from &&
        steps[from.instance]?.exports[from.export] instanceof WebAssembly.Table,
    );
    if (!table || !('instance' in table.from)) return;
    const shim = table.from.instance;
    const routes = shimRoutes(steps, shim, fixup);
    indirections.push({ shim, fixup, routes });
    for (const [shimExport, target] of routes) {
      const importer = steps
        .flatMap((s) => s.imports)
        .find(
          ({ from }) => 'instance' in from && from.instance === shim && from.export === shimExport,
        );
      if (importer)
        hostOfFixup.set(`${fixup}\u0000${target}`, bindingKey(importer.module, importer.name));
    }
  });
  const planSteps: PlanStep[] = steps.map((step, index) => ({
    file: step.file,
    imports: step.imports.map(({ module, name, from }) => {
      if ('instance' in from) return { module, name, from };
      if (typeof from.value !== 'function') {
        throw new Unsupported(
          `${step.file} imports ${module} ${name}, which is not a function of the host`,
        );
      }
      const key =
        hostOfFixup.get(`${index}\u0000${module}\u0000${name}`) ?? bindingKey(module, name);
      if (!hasBinding(key)) {
        throw new Unsupported(
          `the component imports ${key}, which the direct bindings do not provide`,
        );
      }
      return { module, name, from: { host: key } };
    }),
  }));
  return leaveOutShims(indirections, {
    steps: planSteps,
    run: onlyExport(
      steps,
      (name) => /^wasi:cli\/run@[^#]+#run$/.test(name),
      'the wasi:cli/run export',
    ),
    memory: onlyExport(
      steps,
      (_name, value) => value instanceof WebAssembly.Memory,
      'a linear memory',
    ),
    realloc:
      findExports(steps, (name) => name === 'cabi_import_realloc')[0] ??
      findExports(steps, (name) => name === 'cabi_realloc')[0] ??
      null,
  });
}

function findExports(
  steps: Recorded[],
  match: (name: string, value: unknown) => boolean,
): ExportRef[] {
  const seen = new Set<unknown>();
  const found: ExportRef[] = [];
  steps.forEach((step, instance) => {
    for (const [name, value] of Object.entries(step.exports)) {
      if (match(name, value) && !seen.has(value)) {
        seen.add(value);
        found.push({ instance, export: name });
      }
    }
  });
  return found;
}

function onlyExport(
  steps: Recorded[],
  match: (name: string, value: unknown) => boolean,
  what: string,
): ExportRef {
  const found = findExports(steps, match);
  if (found.length !== 1) {
    throw new Unsupported(
      `the core modules have ${found.length === 0 ? 'no' : found.length} ${what}${found.length > 1 ? 's' : ''}, the direct bindings need exactly one`,
    );
  }
  return found[0] as ExportRef;
}
