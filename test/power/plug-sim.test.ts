import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { MqttPowerSource } from '../../source/power/mqtt-source.js';
import { PlugSimulator } from '../../source/power/plug-sim.js';
import type { PowerSample } from '../../source/power/sample.js';
import { PLUG_FORMATS } from '../../source/profiles/schema.js';
import { TestBroker, waitFor } from './broker.js';

const NEBULA = fileURLToPath(new URL('../../source/cli/nebula.js', import.meta.url));
const run = promisify(execFile);

describe('plug-sim through a real mosquitto', { timeout: 120_000 }, () => {
  let broker: TestBroker;
  before(async () => {
    broker = await TestBroker.start();
  });
  after(async () => {
    await broker?.stop();
  });

  for (const format of PLUG_FORMATS) {
    it(`feeds a ${format} power source the wattage it simulates, marked simulated`, async () => {
      const topic =
        format === 'zwave' ? `zwave/sim-${format}/meter/endpoint_0/value/66049` : `sim-${format}`;
      const wattages = [2.7, 3.5, 5.2, 6.4];
      let next = 0;
      const sim = new PlugSimulator({
        broker: broker.url,
        format,
        topic,
        periodMs: 100,
        watts: () => wattages[next++ % wattages.length] as number,
      });
      const source = new MqttPowerSource({ broker: broker.url, topic, format });
      const samples: PowerSample[] = [];
      source.on('sample', (s) => samples.push(s));
      await source.start();
      await sim.start();
      try {
        await waitFor(() => samples.length >= 8, 10_000, 'eight samples');
        assert.ok(
          samples.every((s) => s.simulated),
          'every sample is marked simulated',
        );
        assert.ok(
          samples.every((s) => wattages.includes(s.watts)),
          `unexpected watts ${samples.map((s) => s.watts)}`,
        );
        assert.equal(source.status().rejected, 0);
        assert.ok(new Set(samples.map((s) => s.watts)).size >= 3, 'the wattage moves');
        // The plug's current arrives in the sample (Z-Wave's meter value carries watts only).
        for (const s of samples) {
          if (format === 'zwave') assert.equal(s.meter, undefined);
          else assert.equal(s.meter?.amps, Number((s.watts / 230).toFixed(3)), format);
        }
      } finally {
        await sim.stop();
        await source.stop();
      }
    });
  }

  it('injects a step: every reading from then on carries the extra watts', async () => {
    const sim = new PlugSimulator({
      broker: broker.url,
      format: 'shelly',
      topic: 'stepped',
      periodMs: 100,
      watts: () => 3,
      step: { afterS: 0.5, watts: 0.5 },
    });
    const source = new MqttPowerSource({ broker: broker.url, topic: 'stepped', format: 'shelly' });
    const samples: PowerSample[] = [];
    source.on('sample', (s) => samples.push(s));
    await source.start();
    await sim.start();
    try {
      await waitFor(() => samples.at(-1)?.watts === 3.5, 10_000, 'a reading after the step');
    } finally {
      await sim.stop();
      await source.stop();
    }
    const values = samples.map((s) => s.watts);
    assert.ok(values.includes(3) && values.every((w) => w === 3 || w === 3.5), values.join());
    assert.equal(values.indexOf(3.5) > values.lastIndexOf(3), true, 'the step stays');
  });

  it('answers a Tasmota poll with STATUS10 when readings are rare', async () => {
    const sim = new PlugSimulator({
      broker: broker.url,
      format: 'tasmota',
      topic: 'polled',
      periodMs: 60_000,
      watts: () => 4,
    });
    const source = new MqttPowerSource({
      broker: broker.url,
      topic: 'polled',
      format: 'tasmota',
      pollSeconds: 0.2,
    });
    const samples: PowerSample[] = [];
    source.on('sample', (s) => samples.push(s));
    await sim.start();
    await source.start();
    try {
      await waitFor(() => samples.length >= 3, 10_000, 'three polled samples');
      assert.equal(sim.published, 0, 'no periodic reading was sent');
      // The first answer comes before the simulator's first tick; later ones carry its wattage.
      assert.ok(samples.every((s) => s.simulated));
    } finally {
      await sim.stop();
      await source.stop();
    }
  });

  it('runs as `nebula plug-sim`, read by `nebula power --json`, and exits cleanly on SIGTERM', async () => {
    const sim = spawn(
      process.execPath,
      [
        NEBULA,
        'plug-sim',
        '--broker',
        broker.url,
        '--format',
        'gude',
        '--topic',
        'cli/plug',
        '--period-ms',
        '250',
        '--quiet',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    sim.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    try {
      await waitFor(() => stderr.includes('up: connected'), 30_000, 'plug-sim to connect');
      const { stdout } = await run(process.execPath, [
        NEBULA,
        'power',
        '--broker',
        broker.url,
        '--format',
        'gude',
        '--topic',
        'cli/plug',
        '--duration',
        '3',
        '--json',
      ]);
      const result = JSON.parse(stdout);
      assert.equal(result.source, 'mqtt gude cli/plug');
      assert.equal(result.simulated, true);
      assert.ok(result.samples >= 6, `only ${result.samples} samples in 3 s at 4 per second`);
      assert.equal(result.rejected, 0);
      assert.ok(
        result.meanWatts >= 2.7 && result.meanWatts <= 6.4,
        `mean ${result.meanWatts} W outside the Pi 4 model`,
      );
      assert.ok(result.minWatts <= result.meanWatts && result.meanWatts <= result.maxWatts);
      // Every reading is within the model, so the window's energy is too, however long a busy
      // machine took to connect (the window runs from the start of `nebula power`).
      assert.ok(
        result.energyJoules >= 2.7 * result.durationS - 1e-9 &&
          result.energyJoules <= 6.4 * result.durationS + 1e-9,
        `energy ${result.energyJoules} J over ${result.durationS} s`,
      );
      for (const key of [
        'source',
        'simulated',
        'samples',
        'rejected',
        'meanWatts',
        'minWatts',
        'maxWatts',
        'energyJoules',
        'durationS',
      ]) {
        assert.ok(key in result, `--json lacks ${key}`);
      }
    } finally {
      sim.kill('SIGTERM');
    }
    const [code] = await once(sim, 'exit');
    // Stopped cleanly, with the shell's code for SIGTERM.
    assert.equal(code, 143);
    assert.match(stderr, /SIGTERM: stopped after \d+ readings/);
  });

  it('refuses bad plug options with a usage error that says what to fix', async () => {
    const fail = (args: string[]) =>
      run(process.execPath, [NEBULA, ...args]).then(
        () => assert.fail(`nebula ${args.join(' ')} succeeded`),
        (error: { code: number; stderr: string }) => error,
      );
    const format = await fail([
      'plug-sim',
      '--broker',
      broker.url,
      '--format',
      'hue',
      '--topic',
      't',
    ]);
    assert.equal(format.code, 2);
    assert.match(
      format.stderr,
      /unknown --format "hue"; choose one of tasmota, shelly, zwave, gude/,
    );
    const url = await fail([
      'plug-sim',
      '--broker',
      '127.0.0.1:1883',
      '--format',
      'gude',
      '--topic',
      't',
    ]);
    assert.equal(url.code, 2);
    assert.match(
      url.stderr,
      /--broker: "127\.0\.0\.1:1883" is not a valid URL; give one such as mqtt:\/\/127\.0\.0\.1:1883/,
    );
    const missing = await fail(['power', '--broker', broker.url, '--duration', '1']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /missing --topic, --format/);
    const poll = await fail([
      'power',
      '--broker',
      broker.url,
      '--topic',
      't',
      '--format',
      'gude',
      '--poll-seconds',
      '1',
    ]);
    assert.equal(poll.code, 2);
    assert.match(poll.stderr, /pollSeconds works only with formats tasmota and shelly/);
    const duration = await fail(['power', '--duration', 'soon']);
    assert.equal(duration.code, 2);
    assert.match(
      duration.stderr,
      /--duration must be a number of seconds > 0 and at most 86400, got "soon"/,
    );
  });
});
