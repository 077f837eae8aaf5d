/**
 * `nebula bench --power` end to end: the real Wasm runtimes and hello, a real mosquitto, the
 * plug simulator speaking Tasmota (readings labelled simulated), then `nebula report` of the
 * log it wrote gives the same energy figures.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { PlugSimulator } from '../../source/power/plug-sim.js';
import { TestBroker } from '../power/broker.js';

const CLI = fileURLToPath(new URL('../../source/cli/nebula.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'nebula-bench-energy-'));

function nebula(
  ...args: string[]
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--no-turbo-fast-api-calls', CLI, ...args], {
      env: { ...process.env, NEBULA_LOGS_DIR: dir },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

describe('nebula bench --power through a real broker', { timeout: 120_000 }, () => {
  let broker: TestBroker;
  let sim: PlugSimulator;
  const topic = 'bench-energy-test';
  before(async () => {
    broker = await TestBroker.start();
    // Ten readings a second: a block of 1.5 s holds about 15.
    sim = new PlugSimulator({ broker: broker.url, format: 'tasmota', topic, periodMs: 100 });
    await sim.start();
    const deployed = await nebula('deploy', 'hello', '--runtime', 'wasm,wasm-p1');
    assert.equal(deployed.status, 0, deployed.stderr);
  });
  after(async () => {
    await sim?.stop();
    await broker?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives gross, net, interval and blocks per runtime, and the report gives the same', async () => {
    const log = join(dir, 'energy.jsonl');
    const run = await nebula(
      'bench',
      ...['--functions', 'hello', '--runtimes', 'wasm,wasm-p1', '--mode', 'warm'],
      ...['--power-broker', broker.url, '--power-topic', topic, '--power-format', 'tasmota'],
      ...['--power-simulated', '--block-seconds', '1.5', '--blocks', '2', '--baseline', '1'],
      ...['--json', '--log', log],
    );
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stderr, /SIMULATED/);
    const out = JSON.parse(run.stdout);
    assert.deepEqual(
      out.results.map((r: { runtime: string }) => r.runtime),
      ['wasm', 'wasm-p1'],
    );
    for (const row of out.results) {
      const e = row.energy;
      assert.equal(typeof e.grossMicroWhPerInvocation, 'number', JSON.stringify(e));
      assert.equal(typeof e.netMicroWhPerInvocation, 'number', JSON.stringify(e));
      assert.ok(e.grossMicroWhPerInvocation > 0);
      assert.deepEqual(Object.keys(e.ci95).sort(), ['gross', 'level', 'net', 'reason']);
      assert.match(e.ci95.reason, /needs 6 blocks/);
      assert.equal(e.blocks.length, 2);
      for (const block of e.blocks) {
        assert.ok(block.readings >= 5, `${block.readings} readings in a block`);
        assert.ok(block.invocations > 0);
      }
      assert.equal(e.invocations, row.n);
    }
    assert.equal(typeof out.idle.drift, 'number');

    const report = await nebula('report', log, '--format', 'json');
    assert.equal(report.status, 0, report.stderr);
    const [section] = JSON.parse(report.stdout).sections;
    const [experiment] = section.experiments;
    assert.equal(experiment.experiment, out.experiment);
    assert.equal(JSON.stringify(experiment.idle), JSON.stringify(out.idle));
    assert.deepEqual(
      experiment.results.map((r: { energy: unknown }) => JSON.stringify(r.energy)),
      out.results.map((r: { energy: unknown }) => JSON.stringify(r.energy)),
    );
  });

  it('refuses -n and --order with --power, and says why', async () => {
    const n = await nebula('bench', '--functions', 'hello', '--power', '-n', '5', '--no-log');
    assert.equal(n.status, 2);
    assert.match(n.stderr, /--blocks and --block-seconds/);
    const order = await nebula('bench', '--power', '--order', 'blocked', '--no-log');
    assert.equal(order.status, 2);
    assert.match(order.stderr, /--order applies to runs without energy/);
    const blocks = await nebula('bench', '--power', '--blocks', '0', '--no-log');
    assert.equal(blocks.status, 2);
    assert.match(blocks.stderr, /--blocks must be at least 1/);
  });
});
