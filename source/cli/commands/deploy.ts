import type { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import { RUNTIME_NAMES, type RuntimeName } from '../../core/invocation.js';
import type { DeployRow } from '../../engine/deploy.js';
import { checkVariantRuntimes } from '../../engine/engine.js';
import { ImportError } from '../../engine/import-wasm.js';
import type { InvocationEngine } from '../../engine/invocation-engine.js';
import { loadProfile } from '../../profiles/load.js';
import { createEngineForProfile } from '../../target/engine-for-profile.js';
import { gatewayNote } from '../gateway-note.js';
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
      checkVariantRuntimes(runtimes, options.variant);
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
      // A gateway profile deploys (and imports) on the gateway's machine.
      const engine = await createEngineForProfile(profile);
      try {
        for (const name of names) engine.fn(name);
        const note = gatewayNote(engine, 'deploying');
        if (note && !options.json) process.stderr.write(note);
        let fns = names;
        if (options.wasm !== undefined) {
          const imported = await importOrUsage(engine, options as DeployOptions & { wasm: string });
          if (!options.json) {
            process.stdout.write(
              `imported ${imported.name} (a ${imported.kind}) into ${imported.dir}\n`,
            );
          }
          fns = [imported.name];
        }
        // Ctrl+C: what was deployed stays; the rest is not started.
        const rows = await engine.deploy(fns, runtimes, {
          variant: options.variant,
          signal: stopSignal(),
          onRow: (row) => {
            if (!options.json) process.stdout.write(formatRow(row));
          },
        });
        if (options.json) process.stdout.write(`${JSON.stringify({ deployed: rows })}\n`);
        if (rows.some((row) => !row.ok)) process.exitCode = EXIT_FAILED;
      } finally {
        await engine.close();
      }
    });
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

const kebab = (key: string) => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

async function importOrUsage(engine: InvocationEngine, options: DeployOptions & { wasm: string }) {
  try {
    return await engine.importWasm({
      path: options.wasm,
      name: options.name,
      description: options.description,
      timeoutMs: options.timeoutMs,
      memoryMb: options.memoryMb,
    });
  } catch (error) {
    if (error instanceof ImportError) throw new UsageError(error.message);
    throw error;
  }
}

function formatRow(row: DeployRow): string {
  const time = `${(row.ms / 1000).toFixed(2)} s`;
  const detail = row.detail ? ` ${row.detail}` : '';
  return `${row.function.padEnd(22)} ${row.runtime.padEnd(10)} ${row.state.padEnd(9)} ${time.padStart(7)}${detail}\n`;
}
