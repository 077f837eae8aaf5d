#!/usr/bin/env -S node --max-semi-space-size=4
/**
 * nebula-tui [--profile NAME]: the interactive console. The first frame is drawn before the
 * engine, the power source and the Docker engine are reached; they fill in as they answer.
 */
import { appendFileSync } from 'node:fs';
import { format, parseArgs } from 'node:util';

// node:util's parser rather than commander: two options do not pay for its load time.
const USAGE = `Usage: nebula-tui [options]

the interactive console: invoke and compare functions on Wasm and containers

Options:
  --profile <name>  profile name in profiles/ or a path to a .json file (default: "local")
  --log <file>      session log to append to (default: logs/<time>-<profile>.jsonl)
  -h, --help        display help for command
`;
let options: { profile: string; log?: string };
try {
  const { values } = parseArgs({
    options: {
      profile: { type: 'string', default: 'local' },
      log: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  options = { profile: values.profile, log: values.log };
} catch (error) {
  process.stderr.write(`nebula-tui: ${(error as Error).message}\n(run with --help for usage)\n`);
  process.exit((await import('./run.js')).EXIT_USAGE);
}

// A screen of its own, so quitting gives the shell back as it was. Loading the UI and the
// engine takes most of the start-up: say something at once, then clear it for the first frame.
const fullScreen = process.stdout.isTTY === true;
if (fullScreen) {
  process.stdout.write(`\x1b[?1049h\x1b[Hnebula-tui: starting (profile ${options.profile})...`);
  process.on('exit', () => process.stdout.write('\x1b[?25h\x1b[?1049l'));
}

// "#ui-vendor" is one bundle of Ink, React and the other UI packages (scripts/bundle-ui.mjs),
// built with React's production build. After tsc alone it is plain re-exports from
// node_modules: slower to load, and React needs telling here to run its production build.
process.env.NODE_ENV ??= 'production';
// Ink draws nothing but the last frame when CI or CONTINUOUS_INTEGRATION is set (it reads them
// once, on load). A terminal on stdout means someone is watching: hide them while Ink loads,
// then put them back for anything the console starts.
const hiddenCiVariables = fullScreen ? hideCiVariables() : [];
const [
  { render, createElement },
  { ConsoleController },
  { App },
  { EXIT_USAGE },
  { handleStopSignals, signalExitCode },
  { TerminalScreen },
] = await Promise.all([
  import('#ui-vendor'),
  import('../console/controller.js'),
  import('../ui/App.js'),
  import('./run.js'),
  import('./signals.js'),
  import('../ui/screen.js'),
]);
for (const [name, value] of hiddenCiVariables) process.env[name] = value;

let controller: InstanceType<typeof ConsoleController>;
try {
  controller = new ConsoleController({ profile: options.profile, logPath: options.log });
} catch (error) {
  // Back on the shell's screen first, or the message would vanish with the console's.
  if (fullScreen) process.stdout.write('\x1b[?1049l');
  process.stderr.write(`nebula-tui: ${(error as Error).message}\n`);
  process.exit(EXIT_USAGE);
}

// On a terminal the console writes its frames itself (ui/screen.ts): each row at its place,
// only the rows that changed, never a line feed, so what the terminal shows is the frame
// Ink drew, at any size. Ink hands over whole frames in its `debug` mode, which writes each
// frame as text and nothing else. Piped elsewhere, Ink's own writer does.
const screen = fullScreen
  ? new TerminalScreen({ out: process.stdout, maxFps: 15, onFrame: frameLog() })
  : null;
if (screen) {
  // Anything printed through console.* would land in the middle of the screen: show it in
  // the footer instead.
  const toFooter = (...args: unknown[]) =>
    controller.store.dispatch({ type: 'message', text: format(...args), error: true });
  for (const name of ['log', 'info', 'warn', 'error', 'debug'] as const) console[name] = toFooter;
}
const app = render(createElement(App, { controller, repaint: () => screen?.repaint() }), {
  exitOnCtrlC: false,
  ...(screen
    ? { stdout: screen as unknown as NodeJS.WriteStream, debug: true, patchConsole: false }
    : { maxFps: 15 }),
});

// The first stop signal closes like `q` (warm containers stopped, log flushed); the process
// then exits with the signal's code. A second one quits at once (cli/signals.ts).
const stop = handleStopSignals({
  onFirst: (signal) => {
    void controller.close(`signal ${signal}`).then(() => app.unmount());
  },
});

if (!process.stdin.isTTY) {
  controller.store.dispatch({
    type: 'message',
    text: 'stdin is not a terminal: keys are off (Ctrl+C or SIGTERM quits)',
    error: true,
  });
}

void controller.start();
await app.waitUntilExit();
screen?.close();
await controller.close();
const received = stop.received();
stop.uninstall();
if (received) process.exitCode = signalExitCode(received);
// Anything still holding the event loop (a broker reconnecting) must not keep the shell waiting.
setTimeout(() => process.exit(), 1000).unref();

function hideCiVariables(): Array<[string, string]> {
  const hidden: Array<[string, string]> = [];
  for (const name of ['CI', 'CONTINUOUS_INTEGRATION']) {
    const value = process.env[name];
    if (value === undefined) continue;
    hidden.push([name, value]);
    delete process.env[name];
  }
  return hidden;
}

/**
 * NEBULA_TUI_FRAMES=FILE appends every frame Ink produced to FILE, one JSON line each with
 * the terminal's size: what the emulator tests compare the terminal's screen with.
 */
function frameLog():
  | ((frame: string, size: { columns: number; rows: number }) => void)
  | undefined {
  const file = process.env.NEBULA_TUI_FRAMES;
  if (!file) return undefined;
  return (frame, size) => appendFileSync(file, `${JSON.stringify({ ...size, frame })}\n`);
}
