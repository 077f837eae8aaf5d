/**
 * The other parts a run leans on, killed under it: the MQTT broker during a power run (a
 * real mosquitto) and the gateway (`nebula serve`) under a bench run through a gateway
 * profile. No crash, every finished invocation in the log, what failed names what went
 * away, and the next command works once it is back.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PlugSimulator } from '../../source/power/plug-sim.js';
import { freePort, TestBroker } from '../power/broker.js';
import { CRASH, invocations, logLines, nebula, until } from './cli.js';

const dir = mkdtempSync(join(tmpdir(), 'nebula-faults-'));
const env = { ...process.env, NEBULA_LOGS_DIR: dir };

before(async () => {
  const deployed = await nebula(['deploy', 'hello', '--runtime', 'wasm'], env).done;
  assert.equal(deployed.code, 0, deployed.stderr);
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('the broker killed during a power run', { timeout: 120_000 }, () => {
  let broker: TestBroker;
  let sim: PlugSimulator;
  const topic = 'faults-plug';

  before(async () => {
    broker = await TestBroker.start();
    sim = new PlugSimulator({ broker: broker.url, format: 'shelly', topic, periodMs: 100 });
    await sim.start();
  });
  after(async () => {
    await sim?.stop();
    await broker?.stop();
  });

  it('keeps every invocation, records the gap naming the broker, and reads again after', async () => {
    const log = join(dir, 'broker.jsonl');
    // With power, a runtime runs for blocks of time: one block of 6 s, the broker killed in it.
    const bench = nebula(
      [
        'bench',
        '--functions',
        'hello',
        '--runtimes',
        'wasm',
        '--blocks',
        '1',
        '--block-seconds',
        '6',
        '--warmup',
        '0',
        '--power-broker',
        broker.url,
        '--power-format',
        'shelly',
        '--power-topic',
        topic,
        '--power-simulated',
        '--baseline',
        '1',
        '--json',
        '--log',
        log,
      ],
      env,
    );
    await until(
      () => invocations(log).length >= 20,
      () => `twenty invocations: ${bench.stderr()}`,
    );
    await broker.kill();
    await until(() => invocations(log).length >= 60, 'sixty invocations with the broker gone');
    await broker.restart();
    const finished = await bench.done;

    assert.doesNotMatch(finished.stderr, CRASH);
    assert.equal(finished.code, 0, finished.stderr);
    const records = logLines(log);
    const runs = records.filter((r) => r.type === 'invocation');
    const printed = JSON.parse(finished.stdout) as { results: Array<{ n: number }> };
    assert.equal(runs.length, printed.results[0]?.n);
    assert.ok(runs.every((r) => r.ok === true));
    const gaps = records.filter((r) => r.type === 'power-gap');
    assert.ok(gaps.length >= 1, 'no power gap recorded');
    assert.match(String(gaps[0]?.reason), new RegExp(`broker ${broker.url}`));
    assert.match(finished.stderr, /power: down: lost the broker/);
    const readings = records.filter((r) => r.type === 'power');
    assert.ok(readings.length >= 5, `only ${readings.length} readings`);

    const next = await nebula(
      [
        'power',
        '--broker',
        broker.url,
        '--format',
        'shelly',
        '--topic',
        topic,
        '--simulated',
        '--duration',
        '1.5',
        '--json',
      ],
      env,
    ).done;
    assert.equal(next.code, 0, next.stderr);
    assert.ok(JSON.parse(next.stdout).samples > 0);
  });
});

describe("the gateway killed under its client's bench", { timeout: 120_000 }, () => {
  it('fails the runs it could not answer naming the gateway, keeps the rest, and works when back', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const serve = () => nebula(['serve', '--port', String(port)], env);
    let gateway = serve();
    await until(
      () => gateway.stdout().includes('nebula gateway on'),
      () => gateway.stderr(),
    );
    const profile = join(dir, 'gateway.json');
    writeFileSync(
      profile,
      JSON.stringify({
        name: 'faults-gateway',
        label: 'a local nebula serve',
        target: { kind: 'gateway', url, timeoutMs: 30_000 },
        power: { source: 'estimate', idleWatts: 2.7, fullWatts: 6.4 },
      }),
    );
    const log = join(dir, 'gateway.jsonl');
    const planned = 200;
    const bench = nebula(
      [
        'bench',
        '--profile',
        profile,
        '--functions',
        'hello',
        '--runtimes',
        'wasm',
        '-n',
        String(planned),
        '--warmup',
        '0',
        '--pause-ms',
        '10',
        '--json',
        '--log',
        log,
      ],
      env,
    );
    try {
      await until(
        () => invocations(log).length >= 10,
        () => `ten invocations: ${bench.stderr()}`,
      );
      gateway.child.kill('SIGKILL');
      const finished = await bench.done;
      assert.doesNotMatch(finished.stderr, CRASH);
      assert.equal(finished.code, 1, finished.stderr);
      const runs = invocations(log);
      assert.equal(runs.length, planned);
      const firstFailed = runs.findIndex((r) => r.ok === false);
      assert.ok(firstFailed >= 10);
      for (const run of runs.slice(firstFailed)) {
        assert.equal(run.failure, 'gateway', String(run.error));
        assert.match(String(run.error), new RegExp(`gateway ${url}`));
      }

      gateway = serve();
      await until(
        () => gateway.stdout().includes('nebula gateway on'),
        () => gateway.stderr(),
      );
      const next = await nebula(['invoke', 'hello', '--profile', profile, '--json'], env).done;
      assert.equal(next.code, 0, next.stderr);
      assert.equal(JSON.parse(next.stdout).ok, true);
    } finally {
      bench.child.kill('SIGKILL');
      gateway.child.kill('SIGTERM');
      await gateway.done;
    }
  });
});
