#!/usr/bin/env node
// `npm test`: node:test over every dist/test/**/*.test.js with this Node (process.execPath)
// and only the flags this Node version needs (dist/source/core/node-support.js). Files are
// listed here because Node 20 takes a folder and Node 22 and 24 take globs instead.
// Arguments replace the list: node scripts/run-tests.mjs dist/test/core/stats.test.js
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { wasiNodeFlags } from '../dist/source/core/node-support.js';

function testFiles(dir) {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return testFiles(path);
      return entry.name.endsWith('.test.js') ? [path] : [];
    });
}

const targets = process.argv.slice(2);
const files = targets.length > 0 ? targets : testFiles('dist/test');
const run = spawnSync(
  process.execPath,
  [...wasiNodeFlags(), '--test', '--test-concurrency=1', ...files],
  { stdio: 'inherit' },
);
process.exit(run.status ?? 1);
