#!/usr/bin/env node
// Drives `nebula-tui` in a pseudo-terminal (util-linux `script`) like a person would: waits
// for the first frame, invokes the selected function on a container cold, then warm (which
// keeps a container running), presses q, and checks the console exited cleanly and left no
// container behind.
//
// Usage: node scripts/console-pty.mjs NODE [NODE_FLAGS...] -- [nebula-tui arguments...]
//   (DOCKER_HOST must point at the engine the console uses; with NEBULA_PTY_EXPECT_EMULATED=1
//   the first frame must also say EMULATED)
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const split = process.argv.indexOf('--');
if (split < 3) {
  console.error('usage: node scripts/console-pty.mjs NODE [NODE_FLAGS...] -- [nebula-tui args...]');
  process.exit(2);
}
const nodeCommand = process.argv.slice(2, split);
const tuiArgs = process.argv.slice(split + 1);
const tui = fileURLToPath(new URL('../dist/source/cli/nebula-tui.js', import.meta.url));
const quote = (word) => `'${word.replaceAll("'", "'\\''")}'`;
const command = `stty cols 100 rows 30; exec ${[...nodeCommand, tui, ...tuiArgs].map(quote).join(' ')}`;
const TIMEOUT_MS = Number(process.env.NEBULA_PTY_TIMEOUT_MS ?? 180_000);

const fail = (message) => {
  console.error(`console-pty: FAILED: ${message}`);
  console.error(`console-pty: last screen text:\n${plain().slice(-2000)}`);
  child.kill('SIGKILL');
  process.exit(1);
};

const started = performance.now();
const child = spawn('script', ['-qfec', command, '/dev/null'], {
  stdio: ['pipe', 'pipe', 'inherit'],
  env: { ...process.env, TERM: 'xterm-256color', NO_COLOR: '1' },
});
let screen = '';
// The console writes each row at an absolute cursor position, never a line feed: the text
// between escape sequences is what a person reads, its rows run together.
const plain = () => screen.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/\x1b[()][A-Z0-9]/g, '');
const waiters = [];
child.stdout.on('data', (chunk) => {
  screen += chunk.toString('utf8');
  for (const waiter of [...waiters]) waiter();
});
const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));

function waitFor(what, test, from = 0) {
  return new Promise((resolve) => {
    const timer = setTimeout(() => fail(`no ${what} within ${TIMEOUT_MS / 1000} s`), TIMEOUT_MS);
    const check = () => {
      if (!test(plain().slice(from))) return;
      clearTimeout(timer);
      waiters.splice(waiters.indexOf(check), 1);
      resolve();
    };
    waiters.push(check);
    check();
  });
}

const containers = () => {
  const run = spawnSync('docker', ['ps', '-aq', '--filter', 'label=nebula'], { encoding: 'utf8' });
  if (run.status !== 0) fail(`docker ps failed: ${run.stderr}`);
  return run.stdout.trim().split('\n').filter(Boolean);
};
const before = containers().length;

await waitFor('first frame (the function list)', (text) => /fibonacci-recursive/.test(text) && /nebula/.test(text));
const firstFrameMs = performance.now() - started;
if (process.env.NEBULA_PTY_EXPECT_EMULATED === '1') {
  await waitFor('EMULATED label beside the profile', (text) => /nebula \S+ EMULATED/.test(text));
  console.log('console-pty: the console says EMULATED');
}
console.log(`console-pty: first frame after ${(firstFrameMs / 1000).toFixed(1)} s`);

// A cold container run, then warm (a container stays up until quit): each pane's count
// goes to n 1 with a median; a failure line ends the check with what the console said.
const result = (text) => {
  const failed = /! \S+ on container failed[^\n]*/.exec(text);
  if (failed) fail(failed[0]);
  return /n 1 med \d/.test(text);
};
let mark = plain().length;
child.stdin.write('c');
await waitFor('container result (cold)', result, mark);
child.stdin.write('m');
await waitFor('switch to warm', (text) => /warm \| input /.test(text), mark);
mark = plain().length;
child.stdin.write('c');
await waitFor('container result (warm)', result, mark);
const running = containers().length;
console.log(`console-pty: ${running - before} container(s) running before quitting`);

child.stdin.write('q');
const { code, signal } = await exited;
if (code !== 0) fail(`the console exited with ${signal ?? `code ${code}`}`);
const left = containers().length - before;
if (left > 0) fail(`${left} container(s) left behind after q`);
console.log(`console-pty: quit on q, no container left (${((performance.now() - started) / 1000).toFixed(1)} s in all)`);
