import type { Command } from 'commander';
import { RUNTIME_NAMES, type RuntimeName } from '../../core/invocation.js';
import type { DeployRow } from '../../engine/deploy.js';
import { UsageError } from '../../engine/engine.js';
import { RemoteEngine } from '../../gateway/remote-engine.js';
import { createEngineForProfile } from '../../profiles/engine-for-profile.js';
import { loadProfile } from '../../profiles/load.js';
import { EXIT_FAILED } from '../run.js';
import { stopSignal } from '../signals.js';

interface DeployOptions {
  runtime: string;
  json?: boolean;
  profile?: string;
}

export function registerDeploy(program: Command): void {
  program
    .command('deploy')
    .description(
      'build what each runtime needs: Wasm components, container images (unchanged ones are kept)',
    )
    .argument('[functions...]', 'function names (default: all)')
    .option('--runtime <name>', `${RUNTIME_NAMES.join(', ')} or all`, 'all')
    .option('--json', 'print one JSON object')
    .option('--profile <name>', 'profile name in profiles/ or a path')
    .action(async (names: string[], options: DeployOptions) => {
      const runtimes = parseRuntimes(options.runtime);
      const profile = loadProfile(options.profile);
      // A gateway profile deploys on the gateway's machine.
      const engine = await createEngineForProfile(profile);
      try {
        for (const name of names) engine.fn(name);
        if (engine instanceof RemoteEngine && !options.json) {
          const host = engine.description?.machine.hostname ?? engine.url;
          process.stderr.write(`deploying on ${host} through the gateway ${engine.url}\n`);
        }
        // Ctrl+C: what was deployed stays; the rest is not started.
        const rows = await engine.deploy(
          names,
          runtimes,
          (row) => {
            if (!options.json) process.stdout.write(formatRow(row));
          },
          stopSignal(),
        );
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

function formatRow(row: DeployRow): string {
  const time = `${(row.ms / 1000).toFixed(2)} s`;
  const detail = row.detail ? ` ${row.detail}` : '';
  return `${row.function.padEnd(22)} ${row.runtime.padEnd(10)} ${row.state.padEnd(9)} ${time.padStart(7)}${detail}\n`;
}
