#!/usr/bin/env node
// Whether this Node's node:wasi survives many runs in one process with V8's fast API calls
// on: N runs of fibonacci-recursive's preview1 module with real stdio (to /dev/null), one
// WASI object per run, as Nebula's wasm-p1 does. Node 20.20.2 and 22.23.5 die with SIGSEGV
// (exit 139) before 20,000; 24.22.3 runs through. source/core/node-support.ts turns the
// calls off for the versions that need it; run this to decide for a new one:
//   node scripts/wasi-fast-api-check.mjs 20000                              (calls on)
//   node --no-turbo-fast-api-calls scripts/wasi-fast-api-check.mjs 20000    (calls off)
import { openSync, readFileSync } from 'node:fs';
import { WASI } from 'node:wasi';

const runs = Number(process.argv[2] ?? 20000);
const file = new URL(
  '../functions/fibonacci-recursive/build/fibonacci-recursive.wasm',
  import.meta.url,
);
const module = new WebAssembly.Module(readFileSync(file));
const nul = openSync('/dev/null', 'r+');
for (let run = 0; run < runs; run++) {
  const wasi = new WASI({
    version: 'preview1',
    args: ['fibonacci-recursive'],
    env: {},
    returnOnExit: true,
    stdin: nul,
    stdout: nul,
    stderr: nul,
  });
  wasi.start(new WebAssembly.Instance(module, wasi.getImportObject()));
}
console.log(`${process.version}: ${runs} node:wasi runs, no crash (${process.execArgv.join(' ') || 'fast API calls on'})`);
