/**
 * `npm run bench`: every benchmark, one after the other, each in its own process so none
 * inherits another's heap or JIT state. Each prints its own figures and ratios.
 * Usage: node dist/source/bench/run-all.js [wasm] [experiment] [container] [gateway] [console]
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { wasiNodeFlags } from '../core/node-support.js';

const BENCHES: Record<string, { file: string; needs?: string }> = {
  wasm: { file: 'wasm-bench.js' },
  experiment: { file: 'experiment-overhead.js' },
  container: { file: 'container-bench.js', needs: 'DOCKER_HOST' },
  gateway: { file: 'gateway-bench.js' },
  console: { file: 'console-bench.js' },
};

const chosen = process.argv.slice(2);
for (const name of chosen) {
  if (!(name in BENCHES)) {
    console.error(`unknown benchmark "${name}"; choose from ${Object.keys(BENCHES).join(', ')}`);
    process.exit(2);
  }
}
let failed = 0;
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
  });
  if (run.status !== 0) {
    failed++;
    console.log(`${name} failed (exit ${run.status ?? run.signal})`);
  }
}
process.exitCode = failed > 0 ? 1 : 0;
