import { UsageError } from '../core/errors.js';
import { handleStopSignals, signalExitCode } from './signals.js';

/** Exit codes: 0 ok, 1 a function or experiment failed, 2 the request itself was wrong. */
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** Runs a command: its errors become messages and exit codes, stop signals its AbortSignal. */
export async function runMain(main: () => Promise<unknown>): Promise<void> {
  const stop = handleStopSignals({
    onFirst: (signal) =>
      process.stderr.write(
        `\nnebula: ${signal}: stopping, keeping what finished (send it again to quit at once)\n`,
      ),
  });
  try {
    await main();
  } catch (error) {
    const signal = stop.received();
    if (signal) {
      // An abort is the stop itself, not a fault: say which signal, not "operation aborted".
      const aborted = (error as Error).name === 'AbortError';
      process.stderr.write(
        `nebula: stopped by ${signal}${aborted ? '' : `: ${(error as Error).message}`}\n`,
      );
      return;
    }
    const usage =
      error instanceof UsageError ||
      ['CatalogError', 'ProfileError', 'AddressError'].includes((error as Error).name);
    process.stderr.write(`nebula: ${(error as Error).message}\n`);
    if (!usage && process.env.NEBULA_DEBUG) process.stderr.write(`${(error as Error).stack}\n`);
    process.exitCode = usage ? EXIT_USAGE : EXIT_FAILED;
  } finally {
    const signal = stop.received();
    // Once stopping, the handlers stay: a second signal while the process winds down still
    // quits with the first signal's code instead of the default, codeless death.
    if (!signal) stop.uninstall();
    if (signal) {
      process.exitCode = signalExitCode(signal);
      // Something still reconnecting (a broker) must not keep a stopped command alive.
      setTimeout(() => process.exit(), 2000).unref();
    }
  }
}

/** Parses a positive integer option, or says which option was wrong. */
export function positiveInt(
  name: string,
  max = Number.MAX_SAFE_INTEGER,
): (value: string) => number {
  return (value) => {
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < 0) {
      throw new UsageError(`${name} must be a whole number >= 0, got "${value}"`);
    }
    if (parsed > max) throw new UsageError(`${name} must be at most ${max}, got "${value}"`);
    return parsed;
  };
}
