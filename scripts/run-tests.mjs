#!/usr/bin/env node
// `npm test`: node:test over dist/test with this Node (process.execPath) and only the flags
// this Node version needs (dist/source/core/node-support.js). Any arguments replace dist/test/.
import { spawnSync } from 'node:child_process';
import { wasiNodeFlags } from '../dist/source/core/node-support.js';

const targets = process.argv.slice(2);
const run = spawnSync(
  process.execPath,
  [...wasiNodeFlags(), '--test', '--test-concurrency=1', ...(targets.length ? targets : ['dist/test/'])],
  { stdio: 'inherit' },
);
process.exit(run.status ?? 1);
