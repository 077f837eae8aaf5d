import type { Command } from 'commander';
import { RUNTIME_NAMES } from '../../core/invocation.js';
import { loadProfile } from '../../profiles/load.js';
import { storageTable } from '../../report/storage.js';
import { markdownTable } from '../../report/table.js';
import { createEngineForProfile } from '../../target/engine-for-profile.js';
import { gatewayNote } from '../gateway-note.js';

export function registerFunctions(program: Command): void {
  program
    .command('functions')
    .description('list the functions and whether each runtime has them deployed')
    .option('--json', 'print JSON')
    .option('--sizes', 'the deployed sizes instead: images, static binary, .wasm, component')
    .option('--profile <name>', 'profile name in profiles/ or a path')
    .action(async (options: { json?: boolean; sizes?: boolean; profile?: string }) => {
      const profile = loadProfile(options.profile);
      // A gateway profile lists the gateway's catalog and what is deployed there.
      const engine = await createEngineForProfile(profile);
      try {
        const note = gatewayNote(engine, 'functions');
        if (note) process.stderr.write(note);
        if (options.sizes) {
          const sizes = await engine.sizes();
          process.stdout.write(
            options.json
              ? `${JSON.stringify(sizes.functions, null, 2)}\n`
              : `${markdownTable(storageTable(sizes))}\n`,
          );
          return;
        }
        const rows = await engine.functionStates(RUNTIME_NAMES);
        const { gateway, host } = engine.where;
        const target = gateway
          ? { kind: 'gateway', url: gateway, machine: host ?? undefined }
          : { kind: 'local' };
        if (options.json) {
          process.stdout.write(
            `${JSON.stringify({ target, functions: rows, problems: engine.catalog.problems }, null, 2)}\n`,
          );
          return;
        }
        for (const row of rows) {
          const state = Object.entries(row.deployed)
            .map(
              ([runtime, ok]) =>
                `${runtime}:${ok === true ? 'yes' : ok === false ? 'no' : ok === 'n/a' ? 'n/a' : '?'}`,
            )
            .join(' ');
          process.stdout.write(`${row.name.padEnd(24)} ${state.padEnd(35)} ${row.description}\n`);
        }
        const notes = rows.flatMap((row) => [
          ...(row.wasmGlue
            ? [`${`${row.name} on wasm`.padEnd(36)} runs on jco's glue: ${row.wasmGlue}`]
            : []),
          ...Object.entries(row.unavailable).map(
            ([runtime, why]) => `${`${row.name} on ${runtime}`.padEnd(36)} n/a: ${why}`,
          ),
        ]);
        if (notes.length > 0) process.stdout.write(`\n${notes.join('\n')}\n`);
        for (const problem of engine.catalog.problems)
          process.stderr.write(`warning: ${problem}\n`);
      } finally {
        await engine.close();
      }
    });
}
