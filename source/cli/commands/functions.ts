import type { Command } from 'commander';
import { unavailableReason } from '../../catalog/availability.js';
import { RUNTIME_NAMES } from '../../core/invocation.js';
import { Engine } from '../../engine/engine.js';
import { loadProfile } from '../../profiles/load.js';
import { collectSizes } from '../../report/collect-sizes.js';
import { storageTable } from '../../report/storage.js';
import { markdownTable } from '../../report/table.js';
import { glueFallback } from '../../runtimes/wasm/transpile.js';

export function registerFunctions(program: Command): void {
  program
    .command('functions')
    .description('list the functions and whether each runtime has them deployed')
    .option('--json', 'print JSON')
    .option('--sizes', 'the deployed sizes instead: images, static binary, .wasm, component')
    .option('--profile <name>', 'profile name in profiles/ or a path')
    .action(async (options: { json?: boolean; sizes?: boolean; profile?: string }) => {
      const profile = loadProfile(options.profile);
      const engine = new Engine({
        dockerHost: profile.docker.host,
        dockerPlatform: profile.docker.platform,
      });
      try {
        if (options.sizes) {
          const sizes = await collectSizes(engine.catalog.functions, {
            dockerHost: profile.docker.host,
            platform: profile.docker.platform,
          });
          process.stdout.write(
            options.json
              ? `${JSON.stringify(sizes.functions, null, 2)}\n`
              : `${markdownTable(storageTable(sizes))}\n`,
          );
          return;
        }
        const rows = [];
        for (const fn of engine.catalog.functions) {
          const deployed: Record<string, boolean | string> = {};
          const unavailable: Record<string, string> = {};
          for (const name of RUNTIME_NAMES) {
            const reason = unavailableReason(fn.manifest, name);
            if (reason) {
              deployed[name] = 'n/a';
              unavailable[name] = reason;
              continue;
            }
            try {
              deployed[name] = await (await engine.runtime(name)).isDeployed(fn);
            } catch (error) {
              deployed[name] = `unknown (${(error as Error).message.split('\n')[0]})`;
            }
          }
          // Which path runs the deployed component on `wasm`, and why not the direct bindings.
          const glue = deployed.wasm === true ? glueFallback(fn) : null;
          const { name, language, description, input, defaultInput, timeoutMs, memoryMb } =
            fn.manifest;
          rows.push({
            name,
            language,
            description,
            input,
            defaultInput,
            timeoutMs,
            memoryMb,
            deployed,
            unavailable,
            ...(glue ? { wasmGlue: glue } : {}),
          });
        }
        if (options.json) {
          process.stdout.write(
            `${JSON.stringify({ functions: rows, problems: engine.catalog.problems }, null, 2)}\n`,
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
