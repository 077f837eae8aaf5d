import type { Command } from 'commander';
import { RUNTIME_NAMES } from '../../core/invocation.js';
import { RemoteEngine } from '../../gateway/remote-engine.js';
import { createEngineForProfile } from '../../profiles/engine-for-profile.js';
import { loadProfile } from '../../profiles/load.js';

export function registerFunctions(program: Command): void {
  program
    .command('functions')
    .description('list the functions and whether each runtime has them deployed')
    .option('--json', 'print JSON')
    .option('--profile <name>', 'profile name in profiles/ or a path')
    .action(async (options: { json?: boolean; profile?: string }) => {
      const profile = loadProfile(options.profile);
      // A gateway profile lists the gateway's catalog and what is deployed there.
      const engine = await createEngineForProfile(profile);
      try {
        const rows = await engine.functionStates(RUNTIME_NAMES);
        const target =
          engine instanceof RemoteEngine
            ? { kind: 'gateway', url: engine.url, machine: engine.description?.machine.hostname }
            : { kind: 'local' };
        if (options.json) {
          process.stdout.write(
            `${JSON.stringify({ target, functions: rows, problems: engine.catalog.problems }, null, 2)}\n`,
          );
          return;
        }
        if (engine instanceof RemoteEngine) {
          process.stderr.write(
            `functions on ${target.machine} through the gateway ${engine.url}\n`,
          );
        }
        for (const row of rows) {
          const state = Object.entries(row.deployed)
            .map(([runtime, ok]) => `${runtime}:${ok === true ? 'yes' : ok === false ? 'no' : '?'}`)
            .join(' ');
          process.stdout.write(`${row.name.padEnd(22)} ${state.padEnd(34)} ${row.description}\n`);
        }
        for (const problem of engine.catalog.problems)
          process.stderr.write(`warning: ${problem}\n`);
      } finally {
        await engine.close();
      }
    });
}
