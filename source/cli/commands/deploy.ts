import type { Command } from 'commander';
import { unavailableReason } from '../../catalog/availability.js';
import { RUNTIME_NAMES, type RuntimeName } from '../../core/invocation.js';
import { Engine, UsageError } from '../../engine/engine.js';
import { ImportError, importWasm } from '../../engine/import-wasm.js';
import { loadProfile } from '../../profiles/load.js';
import type { Runtime } from '../../runtimes/runtime.js';
import { EXIT_FAILED, positiveInt } from '../run.js';
import { stopSignal } from '../signals.js';

interface DeployOptions {
  runtime: string;
  json?: boolean;
  profile?: string;
  wasm?: string;
  name?: string;
  description?: string;
  timeoutMs?: number;
  memoryMb?: number;
  variant?: string;
}

interface DeployRow {
  function: string;
  runtime: RuntimeName;
  ok: boolean;
  /** built, unchanged, deployed (a runtime that does not say), failed, or n/a (never runs there). */
  state: 'built' | 'unchanged' | 'deployed' | 'failed' | 'n/a';
  detail: string;
  ms: number;
}

/** A runtime that reports what deploy did (the container runtime builds or keeps an image). */
interface Builder {
  build(fn: Parameters<Runtime['deploy']>[0]): Promise<{ tag: string; built: boolean }>;
}

const hasBuild = (runtime: Runtime): runtime is Runtime & Builder =>
  typeof (runtime as Partial<Builder>).build === 'function';

export function registerDeploy(program: Command): void {
  program
    .command('deploy')
    .description(
      'build what each runtime needs: Wasm components, container images (unchanged ones are kept)',
    )
    .argument('[functions...]', 'function names (default: all)')
    .option('--runtime <name>', `${RUNTIME_NAMES.join(', ')} or all`, 'all')
    .option(
      '--variant <factors>',
      "a variant's artifacts, e.g. base=debian (the image on a Debian base); needs one --runtime",
    )
    .option('--json', 'print one JSON object')
    .option('--profile <name>', 'profile name in profiles/ or a path')
    .option(
      '--wasm <path>',
      'bring your own: a WASI preview1 command module or command component (.wasm), or a folder with a function.json and one .wasm',
    )
    .option('--name <name>', 'with --wasm: the name to invoke it by')
    .option('--description <text>', 'with --wasm: what it does')
    .option(
      '--timeout-ms <ms>',
      'with --wasm: time limit per invocation',
      positiveInt('--timeout-ms'),
    )
    .option('--memory-mb <mb>', 'with --wasm: memory limit', positiveInt('--memory-mb'))
    .action(async (names: string[], options: DeployOptions) => {
      const runtimes = parseRuntimes(options.runtime);
      if (options.variant && runtimes.length !== 1) {
        throw new UsageError('--variant belongs to one runtime: name it, e.g. --runtime container');
      }
      const profile = loadProfile(options.profile);
      if (options.wasm === undefined) {
        const stray = (['name', 'description', 'timeoutMs', 'memoryMb'] as const).filter(
          (key) => options[key] !== undefined,
        );
        if (stray.length > 0) {
          throw new UsageError(`--${stray.map(kebab).join(', --')} only go with --wasm PATH`);
        }
      } else if (names.length > 0) {
        throw new UsageError(
          `give function names or --wasm PATH, not both (got ${names.join(' ')})`,
        );
      }
      const engine = new Engine({
        dockerHost: profile.docker.host,
        dockerPlatform: profile.docker.platform,
      });
      try {
        let fns =
          names.length > 0 ? names.map((name) => engine.fn(name)) : engine.catalog.functions;
        if (options.wasm !== undefined) {
          const imported = await importOrUsage(engine, options as DeployOptions & { wasm: string });
          if (!options.json) {
            process.stdout.write(
              `imported ${imported.fn.name} (a ${imported.kind}) into ${imported.fn.dir}\n`,
            );
          }
          fns = [imported.fn];
        }
        const rows: DeployRow[] = [];
        for (const runtimeName of runtimes) {
          // A runtime none of the functions can run on is not even started (no engine needed).
          const runtime = fns.some((fn) => !unavailableReason(fn.manifest, runtimeName))
            ? await engine.runtime(runtimeName, options.variant)
            : null;
          for (const fn of fns) {
            if (stopSignal().aborted) break; // what was deployed stays; the rest is not started
            const row = await deployOne(runtime, runtimeName, fn);
            rows.push(row);
            if (!options.json) process.stdout.write(formatRow(row));
          }
        }
        if (options.json) process.stdout.write(`${JSON.stringify({ deployed: rows })}\n`);
        if (rows.some((row) => !row.ok)) process.exitCode = EXIT_FAILED;
      } finally {
        await engine.close();
      }
    });
}

const kebab = (key: string) => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

async function importOrUsage(engine: Engine, options: DeployOptions & { wasm: string }) {
  try {
    return await importWasm(
      {
        path: options.wasm,
        name: options.name,
        description: options.description,
        timeoutMs: options.timeoutMs,
        memoryMb: options.memoryMb,
      },
      engine.catalog,
      engine.options.functionsDir,
    );
  } catch (error) {
    if (error instanceof ImportError) throw new UsageError(error.message);
    throw error;
  }
}

function parseRuntimes(text: string): RuntimeName[] {
  if (text === 'all') return [...RUNTIME_NAMES];
  const names = text.split(',').map((name) => name.trim());
  for (const name of names) {
    if (!(RUNTIME_NAMES as readonly string[]).includes(name)) {
      throw new UsageError(`unknown runtime "${name}"; choose ${RUNTIME_NAMES.join(', ')} or all`);
    }
  }
  return names as RuntimeName[];
}

async function deployOne(
  runtime: Runtime | null,
  runtimeName: RuntimeName,
  fn: Parameters<Runtime['deploy']>[0],
): Promise<DeployRow> {
  const started = performance.now();
  const row = { function: fn.name, runtime: runtimeName };
  const unavailable = unavailableReason(fn.manifest, runtimeName);
  if (unavailable || !runtime) {
    return { ...row, ok: true, state: 'n/a', detail: unavailable ?? '', ms: 0 };
  }
  try {
    if (hasBuild(runtime)) {
      const outcome = await runtime.build(fn);
      const state = outcome.built ? 'built' : 'unchanged';
      return { ...row, ok: true, state, detail: outcome.tag, ms: performance.now() - started };
    }
    await runtime.deploy(fn);
    return { ...row, ok: true, state: 'deployed', detail: '', ms: performance.now() - started };
  } catch (error) {
    return {
      ...row,
      ok: false,
      state: 'failed',
      detail: (error as Error).message,
      ms: performance.now() - started,
    };
  }
}

function formatRow(row: DeployRow): string {
  const time = `${(row.ms / 1000).toFixed(2)} s`;
  const detail = row.detail ? ` ${row.detail}` : '';
  return `${row.function.padEnd(22)} ${row.runtime.padEnd(10)} ${row.state.padEnd(9)} ${time.padStart(7)}${detail}\n`;
}
