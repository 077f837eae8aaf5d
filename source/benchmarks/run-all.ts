/**
 * `npm run benchmarks`: every benchmark, one after the other, each in its own process so none
 * inherits another's heap or JIT state. Each prints its own figures and ratios, and a table
 * of its figures beside their targets (benchmarks/targets.ts). With --check a missed target makes
 * the run exit 3; without it the run reports only.
 * Usage: node dist/source/benchmarks/run-all.js [--check] [wasm] [experiment] [container] [gateway] [console] [long-run]
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { wasiNodeFlags } from '../core/node-support.js';
import { EXIT_TARGET_MISSED } from './targets.js';

const BENCHES: Record<string, { file: string; needs?: string }> = {
  wasm: { file: 'wasm-bench.js' },
  experiment: { file: 'experiment-overhead.js' },
  container: { file: 'container-bench.js', needs: 'DOCKER_HOST' },
  gateway: { file: 'gateway-bench.js' },
  console: { file: 'console-bench.js' },
  // Ten minutes of a warm energy run: memory and log bytes per invocation stay flat.
  'long-run': { file: 'long-run.js' },
};

const check = process.argv.includes('--check');
const chosen = process.argv.slice(2).filter((arg) => arg !== '--check');
for (const name of chosen) {
  if (!(name in BENCHES)) {
    console.error(`unknown benchmark "${name}"; choose from ${Object.keys(BENCHES).join(', ')}`);
    process.exit(2);
  }
}
let failed = 0;
let missed = 0;
for (const [name, { file, needs }] of Object.entries(BENCHES)) {
  if (chosen.length > 0 && !chosen.includes(name)) continue;
  if (needs && !process.env[needs]) {
    console.log(`\n## ${name}: skipped, ${needs} is not set (bash scripts/dockerd.sh start)`);
    continue;
  }
  console.log(`\n## ${name}`);
  const path = fileURLToPath(new URL(`./${file}`, import.meta.url));
  const run = spawnSync(process.execPath, [...wasiNodeFlags(), path], {
    stdio: 'inherit',
    env: { ...process.env, NEBULA_BENCH_CHECK: check ? '1' : '0' },
  });
  if (run.status === EXIT_TARGET_MISSED) {
    missed++;
    console.log(`${name}: target(s) missed`);
  } else if (run.status !== 0) {
    failed++;
    console.log(`${name} failed (exit ${run.status ?? run.signal})`);
  }
}
process.exitCode = failed > 0 ? 1 : missed > 0 ? EXIT_TARGET_MISSED : 0;
