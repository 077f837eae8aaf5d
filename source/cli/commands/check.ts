import type { Command } from 'commander';
import { unavailableReason } from '../../catalog/availability.js';
import { UsageError } from '../../core/errors.js';
import {
  type InvocationResult,
  MODES,
  type Mode,
  RUNTIME_NAMES,
  type RuntimeName,
} from '../../core/invocation.js';
import type { FunctionInfo, InvocationEngine } from '../../engine/invocation-engine.js';
import { loadProfile } from '../../profiles/load.js';
import { createEngineForProfile } from '../../target/engine-for-profile.js';
import { gatewayNote } from '../gateway-note.js';
import { EXIT_FAILED } from '../run.js';

interface CheckOptions {
  runtimes: string;
  modes: string;
  json?: boolean;
  profile?: string;
}

interface CheckRow {
  function: string;
  runtime: string;
  mode: Mode;
  /** Warm runs twice: the first starts the container or worker, the second reuses it. */
  run: number;
  ok: boolean;
  expected: string;
  output: string;
  error: string | null;
  totalMs: number;
  emulated?: string;
}

export function registerCheck(program: Command): void {
  program
    .command('check')
    .description(
      "deploy, then run every function's example input (its manifest) on each runtime, cold and warm, and compare with the expected output",
    )
    .argument('[functions...]', 'function names (default: all)')
    .option(
      '--runtimes <list>',
      `comma-separated: ${RUNTIME_NAMES.join(', ')}`,
      RUNTIME_NAMES.join(','),
    )
    .option('--modes <list>', `comma-separated: ${MODES.join(', ')}`, MODES.join(','))
    .option('--json', 'print one JSON object')
    .option('--profile <name>', 'profile name in profiles/ or a path')
    .action(async (names: string[], options: CheckOptions) => {
      const runtimes = parseList(options.runtimes, RUNTIME_NAMES, '--runtimes');
      const modes = parseList(options.modes, MODES, '--modes') as Mode[];
      const profile = loadProfile(options.profile);
      // A gateway profile checks the gateway's machine: deployed and run there.
      const engine = await createEngineForProfile(profile);
      try {
        const note = gatewayNote(engine, 'checking');
        if (note && !options.json) process.stderr.write(note);
        const fns =
          names.length > 0 ? names.map((name) => engine.fn(name)) : engine.catalog.functions;
        const rows: CheckRow[] = [];
        const print = (row: CheckRow) => {
          rows.push(row);
          if (!options.json) process.stdout.write(formatRow(row));
        };
        for (const runtime of runtimes) {
          for (const fn of fns) {
            // A runtime that can never run the function is no failed check: say so, go on.
            const unavailable = unavailableReason(fn.manifest, runtime as RuntimeName);
            if (unavailable) {
              if (!options.json)
                process.stdout.write(`${fn.name} on ${runtime}: n/a (${unavailable})\n`);
              continue;
            }
            await checkOne(engine, fn, runtime, modes, print);
          }
        }
        const failed = rows.filter((row) => !row.ok).length;
        const emulated = [...new Set(rows.flatMap((row) => (row.emulated ? [row.emulated] : [])))];
        if (options.json) {
          process.stdout.write(`${JSON.stringify({ ok: failed === 0, rows, emulated })}\n`);
        } else {
          for (const note of emulated)
            process.stdout.write(
              `EMULATED (${note}): the times above are not performance figures\n`,
            );
          process.stdout.write(
            failed === 0
              ? `check: all ${rows.length} runs gave the expected output\n`
              : `check: ${failed} of ${rows.length} runs did not give the expected output\n`,
          );
        }
        if (failed > 0) process.exitCode = EXIT_FAILED;
      } finally {
        await engine.close();
      }
    });
}

function parseList(text: string, known: readonly string[], option: string): string[] {
  const names = text.split(',').map((name) => name.trim());
  for (const name of names) {
    if (!known.includes(name)) {
      throw new UsageError(`${option}: unknown "${name}"; choose from ${known.join(', ')}`);
    }
  }
  return names;
}

async function checkOne(
  engine: InvocationEngine,
  fn: FunctionInfo,
  runtimeName: string,
  modes: Mode[],
  print: (row: CheckRow) => void,
): Promise<void> {
  const { example, expectedOutput } = fn.manifest.input;
  const base = { function: fn.name, runtime: runtimeName, expected: expectedOutput };
  let failed: string | null;
  try {
    const [row] = await engine.deploy([fn.name], [runtimeName as RuntimeName]);
    failed = row && !row.ok ? row.detail : null;
  } catch (error) {
    failed = (error as Error).message;
  }
  if (failed !== null) {
    for (const mode of modes) {
      print({
        ...base,
        mode,
        run: 1,
        ok: false,
        output: '',
        totalMs: 0,
        error: `deploy failed: ${failed}`,
      });
    }
    return;
  }
  for (const mode of modes) {
    for (let run = 1; run <= (mode === 'warm' ? 2 : 1); run++) {
      const result: InvocationResult = await engine.invoke(fn.name, runtimeName, {
        input: example,
        mode,
      });
      const output = result.output.trimEnd();
      const ok = result.ok && output === expectedOutput;
      print({
        ...base,
        mode,
        run,
        ok,
        output,
        error: result.ok ? (ok ? null : 'unexpected output') : result.error,
        totalMs: result.timings.totalMs,
        ...(result.emulated ? { emulated: result.emulated } : {}),
      });
    }
  }
}

function formatRow(row: CheckRow): string {
  const what = `${row.function.padEnd(22)} ${row.runtime.padEnd(9)} ${`${row.mode}${row.mode === 'warm' ? ` #${row.run}` : ''}`.padEnd(8)}`;
  if (row.ok)
    return `${what} ok      ${row.output}  (${row.totalMs.toFixed(1)} ms${row.emulated ? ', emulated' : ''})\n`;
  const got =
    row.error === 'unexpected output'
      ? `expected ${JSON.stringify(row.expected)}, got ${JSON.stringify(row.output)}`
      : row.error;
  return `${what} FAILED  ${got}\n`;
}
