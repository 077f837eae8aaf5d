#!/usr/bin/env node
/**
 * nebula-tui [--profile NAME]: the interactive console. The first frame is drawn before the
 * engine, the power source and the Docker engine are reached; they fill in as they answer.
 */
import { Command } from 'commander';

const program = new Command('nebula-tui')
  .description('the interactive console: invoke and compare functions on Wasm and containers')
  .option('--profile <name>', 'profile name in profiles/ or a path to a .json file', 'local')
  .option('--log <file>', 'session log to append to (default: logs/<time>-<profile>.jsonl)')
  .showHelpAfterError('(run with --help for usage)')
  .parse(process.argv);
const options = program.opts<{ profile: string; log?: string }>();

// A screen of its own, so quitting gives the shell back as it was. Loading Ink and React
// takes most of the start-up: say something at once, then clear it for the first frame.
const fullScreen = process.stdout.isTTY === true;
if (fullScreen) {
  process.stdout.write(`\x1b[?1049h\x1b[Hnebula-tui: starting (profile ${options.profile})...`);
  process.on('exit', () => process.stdout.write('\x1b[?1049l'));
}

// React's production build: less to load and less work per frame. Set before React loads.
process.env.NODE_ENV ??= 'production';
const [{ render }, { createElement }, { ConsoleController }, { App }, { EXIT_USAGE }] =
  await Promise.all([
    import('ink'),
    import('react'),
    import('../console/controller.js'),
    import('../ui/App.js'),
    import('./run.js'),
  ]);

let controller: InstanceType<typeof ConsoleController>;
try {
  controller = new ConsoleController({ profile: options.profile, logPath: options.log });
} catch (error) {
  // Back on the shell's screen first, or the message would vanish with the console's.
  if (fullScreen) process.stdout.write('\x1b[?1049l');
  process.stderr.write(`nebula-tui: ${(error as Error).message}\n`);
  process.exit(EXIT_USAGE);
}

if (fullScreen) process.stdout.write('\x1b[H\x1b[2J');
const app = render(createElement(App, { controller }), {
  exitOnCtrlC: false,
  maxFps: 15,
});

for (const signal of ['SIGTERM', 'SIGHUP', 'SIGINT'] as const) {
  process.once(signal, () => {
    void controller.close(`signal ${signal}`).then(() => app.unmount());
  });
}

if (!process.stdin.isTTY) {
  controller.store.dispatch({
    type: 'message',
    text: 'stdin is not a terminal: keys are off (Ctrl+C or SIGTERM quits)',
    error: true,
  });
}

void controller.start();
await app.waitUntilExit();
await controller.close();
// Anything still holding the event loop (a broker reconnecting) must not keep the shell waiting.
setTimeout(() => process.exit(), 1000).unref();
