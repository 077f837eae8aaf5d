import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import mqtt, { type MqttClient } from 'mqtt';
import { windowEnergy } from '../../source/power/integrate.js';
import { MqttPowerSource } from '../../source/power/mqtt-source.js';
import type { PowerGap, PowerSample, PowerStatus } from '../../source/power/sample.js';
import { freePort, TestBroker, waitFor } from './broker.js';

/** A source with everything it emits collected. */
function watch(source: MqttPowerSource) {
  const seen = {
    samples: [] as PowerSample[],
    gaps: [] as PowerGap[],
    statuses: [] as PowerStatus[],
  };
  source.on('sample', (s) => seen.samples.push(s));
  source.on('gap', (g) => seen.gaps.push(g));
  source.on('status', (s) => seen.statuses.push(s));
  return seen;
}

async function publisher(url: string): Promise<MqttClient> {
  const client = await mqtt.connectAsync(url, { reconnectPeriod: 200 });
  return client;
}

describe('MQTT plug source against a real mosquitto', { timeout: 60_000 }, () => {
  let broker: TestBroker;
  let pub: MqttClient;
  before(async () => {
    broker = await TestBroker.start();
    pub = await publisher(broker.url);
  });
  after(async () => {
    await pub?.endAsync(true);
    await broker?.stop();
  });

  const cases = [
    {
      format: 'tasmota',
      topic: 'plug1',
      publishTo: 'tele/plug1/SENSOR',
      payload: { Time: '2024-05-01T12:00:00', ENERGY: { Total: 1.2, Power: 4.5, Voltage: 230 } },
      watts: 4.5,
      sourceTime: new Date(2024, 4, 1, 12).getTime(),
    },
    {
      format: 'shelly',
      topic: 'shellyplusplugs-1',
      publishTo: 'shellyplusplugs-1/status/switch:0',
      payload: {
        id: 0,
        output: true,
        apower: 7.25,
        voltage: 231,
        current: 0.05,
        aenergy: { total: 10 },
      },
      watts: 7.25,
      sourceTime: null,
    },
    {
      format: 'zwave',
      topic: 'zwave/plug/meter/endpoint_0/value/66049',
      publishTo: 'zwave/plug/meter/endpoint_0/value/66049',
      payload: { time: 1714564800000, value: 3.3 },
      watts: 3.3,
      sourceTime: 1714564800000,
    },
    {
      format: 'gude',
      topic: 'de/gudesystems/epc/001932',
      publishTo: 'de/gudesystems/epc/001932/device/telemetry',
      payload: {
        line_in: [{ voltage: 230, current: 0.1, act_pow: 22.5, pow_fact: 1 }],
        ts: 1714564800,
      },
      watts: 22.5,
      sourceTime: 1714564800000,
    },
  ] as const;

  for (const c of cases) {
    it(`turns a ${c.format} message published through the broker into a sample`, async () => {
      const source = new MqttPowerSource({ broker: broker.url, topic: c.topic, format: c.format });
      const seen = watch(source);
      await source.start();
      try {
        assert.equal(source.status().state, 'up');
        await pub.publishAsync(c.publishTo, JSON.stringify(c.payload));
        await waitFor(() => seen.samples.length === 1, 5000, 'one sample');
        const [sample] = seen.samples;
        assert.equal(sample?.watts, c.watts);
        assert.equal(sample?.sourceTime, c.sourceTime);
        assert.equal(sample?.simulated, false);
        assert.equal(sample?.source, `mqtt ${c.format} ${c.topic}`);
        assert.match(sample?.receivedAt.monoNs ?? '', /^\d+$/);
      } finally {
        await source.stop();
      }
    });
  }

  it('counts malformed and unknown payloads among good ones, and keeps going', async () => {
    const source = new MqttPowerSource({ broker: broker.url, topic: 'plug2', format: 'tasmota' });
    const seen = watch(source);
    const rejected: string[] = [];
    source.on('rejected', (reason) => rejected.push(reason));
    await source.start();
    try {
      const payloads = [
        '{"ENERGY":{"Power":3}}',
        '{"ENERGY":{"Power":',
        '\u0000\u00ff binary',
        '{"AM2301":{"Temperature":21.5}}',
        '{"ENERGY":{"Power":"NaN"}}',
        '{"ENERGY":{"Power":4}}',
      ];
      for (const payload of payloads) await pub.publishAsync('tele/plug2/SENSOR', payload);
      await waitFor(
        () => seen.samples.length === 2 && rejected.length === 4,
        5000,
        '2 samples and 4 rejections',
      );
      assert.deepEqual(
        seen.samples.map((s) => s.watts),
        [3, 4],
      );
      assert.equal(source.status().rejected, 4);
      assert.equal(source.status().samples, 2);
      assert.equal(source.status().state, 'up');
      assert.match(rejected[2] ?? '', /^tele\/plug2\/SENSOR: no ENERGY object/);
      assert.match(source.status().lastError ?? '', /ENERGY.Power is not a number/);
    } finally {
      await source.stop();
    }
  });

  it('takes no retained message from before it started as a reading, only live ones', async () => {
    // A plug that once reported 77,777 W with retain set: the broker hands that copy to every
    // new subscriber, however old it is.
    await pub.publishAsync('tele/plug-retained/SENSOR', '{"ENERGY":{"Power":77777}}', {
      retain: true,
    });
    const source = new MqttPowerSource({
      broker: broker.url,
      topic: 'plug-retained',
      format: 'tasmota',
    });
    const seen = watch(source);
    const rejected: string[] = [];
    source.on('rejected', (reason) => rejected.push(reason));
    await source.start();
    try {
      await waitFor(() => rejected.length === 1, 5000, 'the retained message refused');
      assert.match(rejected[0] ?? '', /a retained message from before the source started/);
      // Published live with retain set, it reaches the subscriber as a live reading.
      await pub.publishAsync('tele/plug-retained/SENSOR', '{"ENERGY":{"Power":8.8}}', {
        retain: true,
      });
      await waitFor(() => seen.samples.length === 1, 5000, 'the live reading');
      assert.deepEqual(
        seen.samples.map((sample) => sample.watts),
        [8.8],
      );
    } finally {
      await source.stop();
      await pub.publishAsync('tele/plug-retained/SENSOR', '', { retain: true });
    }
  });

  it('never shows the password of a broker URL in its messages', async () => {
    const port = await freePort();
    const source = new MqttPowerSource({
      broker: `mqtt://me:hunter2@127.0.0.1:${port}`,
      topic: 'plug-secret',
      format: 'tasmota',
    });
    await source.start();
    try {
      const { lastError } = source.status();
      assert.match(lastError ?? '', /broker mqtt:\/\/me:\*\*\*@127\.0\.0\.1:\d+/);
      assert.doesNotMatch(lastError ?? '', /hunter2/);
    } finally {
      await source.stop();
    }
  });

  it('reads watts written as text only in decimal: "0x10" is no 16 W', async () => {
    const source = new MqttPowerSource({
      broker: broker.url,
      topic: 'plug-hex',
      format: 'tasmota',
    });
    const seen = watch(source);
    const rejected: string[] = [];
    source.on('rejected', (reason) => rejected.push(reason));
    await source.start();
    try {
      for (const power of ['"0x10"', '"0b1"', '"Infinity"', '"1e3"', '" 12.5 "']) {
        await pub.publishAsync('tele/plug-hex/SENSOR', `{"ENERGY":{"Power":${power}}}`);
      }
      await waitFor(
        () => seen.samples.length + rejected.length === 5,
        5000,
        'every payload judged',
      );
      assert.deepEqual(
        seen.samples.map((sample) => sample.watts),
        [1000, 12.5],
      );
      assert.match(rejected[0] ?? '', /ENERGY.Power is not a number \("0x10"/);
    } finally {
      await source.stop();
    }
  });

  it('polls Tasmota with Status 10 and reads the STATUS10 answer', async () => {
    const plug = await publisher(broker.url);
    const requests: string[] = [];
    await plug.subscribeAsync('cmnd/plug3/Status');
    plug.on('message', (_topic, payload) => {
      requests.push(payload.toString());
      const answer = { StatusSNS: { Time: '2024-05-01T12:00:01', ENERGY: { Power: 5.5 } } };
      plug.publish('stat/plug3/STATUS10', JSON.stringify(answer));
    });
    const source = new MqttPowerSource({
      broker: broker.url,
      topic: 'plug3',
      format: 'tasmota',
      pollSeconds: 0.2,
    });
    const seen = watch(source);
    await source.start();
    try {
      await waitFor(() => seen.samples.length >= 3, 5000, 'three polled samples');
      assert.ok(requests.every((r) => r === '10'));
      assert.equal(seen.samples[0]?.watts, 5.5);
      assert.equal(source.expectedPeriodMs, 200);
    } finally {
      await source.stop();
      await plug.endAsync(true);
    }
  });

  it('shows a silent plug as stale, and up again when it speaks', async () => {
    const source = new MqttPowerSource({
      broker: broker.url,
      topic: 'silent/plug',
      format: 'zwave',
    });
    const seen = watch(source);
    await source.start();
    try {
      await waitFor(() => source.status().state === 'stale', 6000, 'the source to go stale');
      assert.match(source.status().lastError ?? '', /no reading for \d/);
      await pub.publishAsync('silent/plug', '{"time":1714564800000,"value":2}');
      await waitFor(() => source.status().state === 'up', 5000, 'the source to come back up');
      assert.equal(seen.samples.length, 1);
    } finally {
      await source.stop();
    }
  });
});

describe('MQTT plug source when the broker is away', { timeout: 60_000 }, () => {
  it('shows a broker that is down at start with the reason, and connects when it comes', async () => {
    const broker = await TestBroker.reserve();
    const source = new MqttPowerSource({
      broker: broker.url,
      topic: 'plug',
      format: 'zwave',
      reconnectMs: 200,
    });
    const seen = watch(source);
    try {
      await source.start();
      assert.equal(source.status().state, 'down');
      assert.match(
        source.status().lastError ?? '',
        new RegExp(`ECONNREFUSED 127.0.0.1:${broker.port}`),
      );
      await broker.restart();
      await waitFor(() => source.status().state === 'up', 10_000, 'the source to connect');
      const pub = await publisher(broker.url);
      await pub.publishAsync('plug', '{"time":1714564800000,"value":2.5}');
      await waitFor(() => seen.samples.length === 1, 5000, 'a sample');
      await pub.endAsync(true);
      // Never connected before, so no gap: there was nothing to interrupt.
      assert.equal(seen.gaps.length, 0);
    } finally {
      await source.stop();
      await broker.stop();
    }
  });

  it('reconnects after the broker is killed and restarted, and records the gap', async () => {
    const broker = await TestBroker.start();
    const source = new MqttPowerSource({
      broker: broker.url,
      topic: 'plug',
      format: 'zwave',
      reconnectMs: 200,
    });
    const seen = watch(source);
    const pub = await publisher(broker.url);
    let value = 0;
    const ticker = setInterval(() => {
      if (pub.connected)
        pub.publish('plug', JSON.stringify({ time: Date.now(), value: 3 + (value++ % 2) }));
    }, 100);
    try {
      await source.start();
      await waitFor(() => seen.samples.length >= 5, 5000, 'samples before the crash');
      await broker.kill();
      await waitFor(
        () => source.status().state === 'down',
        5000,
        'the source to see the broker gone',
      );
      assert.match(source.status().lastError ?? '', /lost the broker|ECONNRESET|ECONNREFUSED/);
      const beforeRestart = seen.samples.length;
      await new Promise((resolve) => setTimeout(resolve, 500));
      await broker.restart();
      await waitFor(() => seen.gaps.length === 1, 10_000, 'the gap to be recorded');
      await waitFor(
        () => seen.samples.length >= beforeRestart + 5,
        10_000,
        'samples after the restart',
      );
      assert.equal(source.status().state, 'up');
      const [gap] = seen.gaps as [PowerGap];
      assert.equal(gap.type, 'power-gap');
      assert.ok(
        BigInt(gap.to.monoNs) - BigInt(gap.from.monoNs) >= 500_000_000n,
        'the gap covers the outage',
      );
      // A window across the outage gets no energy; it says why.
      const first = seen.samples[0] as PowerSample;
      const last = seen.samples.at(-1) as PowerSample;
      const energy = windowEnergy(
        seen.samples,
        { startNs: BigInt(first.receivedAt.monoNs), endNs: BigInt(last.receivedAt.monoNs) },
        seen.gaps,
      );
      assert.equal(energy.joules, null);
      assert.ok(energy.flags.includes('gap'));
    } finally {
      clearInterval(ticker);
      await source.stop();
      await pub.endAsync(true);
      await broker.stop();
    }
  });
});
