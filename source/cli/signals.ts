/**
 * SIGINT, SIGTERM and SIGHUP for every command and the console, in one place. The first
 * asks the command to stop (its AbortSignal): it keeps or prints what finished, closes its
 * log and its engine (warm containers stopped), and the process then exits with the
 * shell's code for that signal (130, 143, 129). A second signal quits at once, after
 * closing the live container runtimes for at most a few seconds.
 */
import { constants } from 'node:os';
import { closeLiveRuntimes, leaveSignalsToCaller } from '../runtimes/container/exit-hooks.js';

export const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
export type StopSignal = (typeof STOP_SIGNALS)[number];

/** 128 + the signal's number, as a shell reports a process ended by it. */
export function signalExitCode(signal: StopSignal): number {
  return 128 + constants.signals[signal];
}

const FORCE_CLOSE_MS = 3_000;

export interface StopHandling {
  /** Aborted by the first stop signal. */
  readonly signal: AbortSignal;
  /** The first stop signal received, or null. */
  received(): StopSignal | null;
  uninstall(): void;
}

let current: StopHandling | null = null;

/** The running command's stop signal (never aborted outside a command, e.g. in tests). */
export function stopSignal(): AbortSignal {
  return current?.signal ?? new AbortController().signal;
}

export function handleStopSignals(
  options: {
    /** Called once, on the first signal, before the abort (say what happens now). */
    onFirst?(signal: StopSignal): void;
    say?(line: string): void;
  } = {},
): StopHandling {
  leaveSignalsToCaller();
  const controller = new AbortController();
  const say = options.say ?? ((line: string) => process.stderr.write(line));
  let received: StopSignal | null = null;
  const onSignal = (signal: StopSignal): void => {
    if (received === null) {
      received = signal;
      options.onFirst?.(signal);
      controller.abort(signal);
      return;
    }
    say(`\n${signal} again: quitting at once\n`);
    const code = signalExitCode(received);
    void closeLiveRuntimes(FORCE_CLOSE_MS).finally(() => process.exit(code));
  };
  for (const signal of STOP_SIGNALS) process.on(signal, onSignal);
  const handling: StopHandling = {
    signal: controller.signal,
    received: () => received,
    uninstall: () => {
      for (const signal of STOP_SIGNALS) process.off(signal, onSignal);
      if (current === handling) current = null;
    },
  };
  current = handling;
  return handling;
}
