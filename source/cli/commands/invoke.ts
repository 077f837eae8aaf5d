import type { Command } from 'commander';
import type { InvocationResult, Mode } from '../../core/invocation.js';
import { loadProfile } from '../../profiles/load.js';
import { createEngineForProfile } from '../../target/engine-for-profile.js';
import { EXIT_FAILED } from '../run.js';
import { stopSignal } from '../signals.js';

interface InvokeOptions {
  runtime: string;
  input?: string;
  mode: string;
  json?: boolean;
  profile?: string;
  variant?: string;
}

export function registerInvoke(program: Command): void {
  program
    .command('invoke')
    .description('run a function once and time it')
    .argument('<function>', 'function name (see `nebula functions`)')
    .option('--runtime <name>', 'wasm, wasm-p1 or container', 'wasm')
    .option('--input <text>', "the function's stdin (default: its manifest's defaultInput)")
    .option('--mode <mode>', 'cold or warm', 'cold')
    .option(
      '--variant <factors>',
      'cold start under other conditions, e.g. net=bridge,client=cli or load=precompiled',
    )
    .option('--json', 'print the result as JSON')
    .option('--profile <name>', 'profile name in profiles/ or a path')
    .action(async (name: string, options: InvokeOptions) => {
      const profile = loadProfile(options.profile);
      // A gateway profile runs the function on the remote machine.
      const engine = await createEngineForProfile(profile);
      try {
        const fn = engine.fn(name);
        const input = options.input ?? fn.manifest.defaultInput;
        const result = await engine.invoke(name, options.runtime, {
          input,
          mode: options.mode as Mode,
          signal: stopSignal(),
          ...(options.variant ? { variant: options.variant } : {}),
        });
        process.stdout.write(options.json ? `${JSON.stringify(result)}\n` : formatResult(result));
        if (!result.ok) process.exitCode = EXIT_FAILED;
      } finally {
        await engine.close();
      }
    });
}

/** A phase in ms, or "–" where the invocation has none (a mark the function did not print). */
const msText = (value: number | null | undefined): string =>
  typeof value === 'number' ? `${value.toFixed(3)} ms` : '–';

function formatResult(result: InvocationResult): string {
  const t = result.timings;
  const runtime = result.variant ? `${result.runtime}[${result.variant}]` : result.runtime;
  const head = `${result.function} on ${runtime} (${result.mode}), input ${JSON.stringify(result.input)}`;
  const timing =
    `startup ${msText(t.startupMs)}, input ${msText(t.inputMs)}, compute ${msText(t.execMs)}, ` +
    `output ${msText(t.outputMs)}, teardown ${msText(t.teardownMs)}, total ${msText(t.totalMs)}\n` +
    `thesis startup ${msText(t.thesisStartupMs)}, thesis runtime ${msText(t.thesisRuntimeMs)}`;
  const body = result.ok
    ? `output: ${result.output.trimEnd()}`
    : `FAILED (${result.failure}): ${result.error}`;
  const remote =
    'clientRoundTripMs' in result
      ? `, client round trip ${Number(result.clientRoundTripMs).toFixed(3)} ms`
      : '';
  const emulated = result.emulated
    ? `EMULATED (${result.emulated}): these timings are not performance figures\n`
    : '';
  const peak = result.memory?.peakBytes;
  const memory =
    typeof peak === 'number'
      ? `peak memory ${(peak / 1024 / 1024).toFixed(2)} MiB (${result.memory?.source})\n`
      : '';
  return `${head}\n${body}\n${timing}${remote}\n${memory}${emulated}`;
}
