#!/usr/bin/env node
// Draws docs/console.svg, the picture at the top of the README, from what a terminal shows:
// the built console in a pseudo-terminal, its bytes fed to a terminal emulator (the same
// harness as test/terminal), a short session played (deploy, invoke both sides cold and
// warm, an experiment with power to its end), then the emulator's cells, with their colours,
// written as SVG. Run it again to refresh the picture after the console changes.
// Usage: npm run build && node scripts/console-picture.mjs [--size 100x32] [--out docs/console.svg]
//   (DOCKER_HOST must point at a running engine, as for npm test)
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { openConsole } = await import(join(root, 'dist/test/terminal/emulated-console.js'));
const { cellsToSvg } = await import(join(root, 'dist/test/terminal/svg.js'));

const { values } = parseArgs({
  options: {
    size: { type: 'string', default: '100x32' },
    out: { type: 'string', default: join(root, 'docs', 'console.svg') },
  },
});
const [columns, rows] = values.size.split('x').map(Number);
if (!(columns >= 60 && rows >= 20)) {
  console.error(`console-picture: --size must be COLUMNSxROWS, at least 60x20, got ${values.size}`);
  process.exit(2);
}

const work = mkdtempSync(join(tmpdir(), 'nebula-picture-'));
const profiles = join(work, 'profiles');
mkdirSync(profiles);
// The estimate source, a short experiment: the picture shows energy without a long wait.
writeFileSync(
  join(profiles, 'local.json'),
  JSON.stringify({
    name: 'local',
    label: 'this machine',
    docker: {},
    power: { source: 'estimate', idleWatts: 2.7, fullWatts: 6.4 },
    experiment: { repetitions: 20, warmup: 2, pauseMs: 0, baselineSeconds: 2, blocks: 2, blockSeconds: 3 },
  }),
);
const { NO_COLOR: _noColor, ...env } = process.env;
const terminal = openConsole({
  size: { columns, rows },
  args: ['--profile', 'local', '--log', join(work, 'session.jsonl')],
  env: { ...env, NEBULA_PROFILES_DIR: profiles },
  frames: join(work, 'frames.jsonl'),
});
const has = (pattern) => (lines) => lines.some((line) => pattern.test(line));
const step = async (keys, what, predicate, ms = 180_000) => {
  if (keys) terminal.press(keys);
  await terminal.settled(what, predicate, ms);
};
try {
  await step(null, 'the function list', has(/docker up/));
  await step('d', 'deployed', has(/^deployed /));
  await step('b', 'both sides, cold', has(/^n 1 .*\bn 1 /));
  await step('m', 'warm', has(/^warm \| /));
  // One key at a time: a key pressed while an invocation runs is refused.
  for (const n of [1, 2, 3]) {
    await step('b', `both sides, warm, ${n}`, has(new RegExp(`^n ${n} .*\\bn ${n} `)));
  }
  await step('s', 'an experiment with power, to its end', has(/experiment \d+\/\d+ done/));
  mkdirSync(dirname(values.out), { recursive: true });
  writeFileSync(values.out, cellsToSvg(terminal.terminal));
  console.log(`console-picture: wrote ${values.out} (${columns}x${rows})`);
  terminal.press('q');
  await terminal.exited;
} finally {
  terminal.dispose();
  rmSync(work, { recursive: true, force: true });
}
