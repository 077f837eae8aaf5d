import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Parsed } from '../../source/power/formats/codec.js';
import { CODECS } from '../../source/power/formats/index.js';
import { parseTasmotaTime } from '../../source/power/formats/tasmota.js';
import { PLUG_FORMATS } from '../../source/profiles/schema.js';

const buf = (value: unknown) =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));
const watts = (parsed: Parsed) => (parsed.kind === 'reading' ? parsed.watts : parsed.kind);

describe('plug payloads', { timeout: 5000 }, () => {
  it('reads Tasmota SENSOR, STATUS10, multi-channel and both time formats', () => {
    const parse = CODECS.tasmota.createParser('plug');
    const sensor = {
      Time: '2018-02-15T17:37:10',
      ENERGY: {
        Total: 6.294,
        Today: 0.954,
        Period: 217,
        Power: 2635,
        Voltage: 227,
        Current: 11.661,
        Factor: 0.99,
      },
    };
    const first = parse('tele/plug/SENSOR', buf(sensor));
    // The meter's own values are kept as given (Total in kWh becomes Wh) for the 240 V method.
    assert.deepEqual(first, {
      kind: 'reading',
      watts: 2635,
      sourceTime: new Date(2018, 1, 15, 17, 37, 10).getTime(),
      simulated: false,
      meter: { volts: 227, amps: 11.661, powerFactor: 0.99, energyWh: 6294 },
    });
    assert.equal(
      watts(parse('stat/plug/STATUS10', buf({ StatusSNS: { ...sensor, ENERGY: { Power: 3.5 } } }))),
      3.5,
    );
    assert.equal(watts(parse('tele/plug/SENSOR', buf({ ENERGY: { Power: [1.5, 2, 0] } }))), 3.5);
    // Per-channel arrays are not one meter's values: none kept.
    const channels = parse('tele/plug/SENSOR', buf({ ENERGY: { Power: [1, 2], Current: [1, 2] } }));
    assert.equal(channels.kind === 'reading' && channels.meter, undefined);
    assert.equal(
      parseTasmotaTime('2018.02.04 23:17:01'),
      new Date(2018, 1, 4, 23, 17, 1).getTime(),
    );
    assert.equal(parseTasmotaTime('2021-01-01T10:00:00+01:00'), Date.UTC(2021, 0, 1, 9));
    assert.equal(parseTasmotaTime('yesterday'), null);
    assert.deepEqual(parse('tele/plug/LWT', buf('Offline')), { kind: 'ignored' });
  });

  it('rejects Tasmota messages that are not power readings, with the reason', () => {
    const parse = CODECS.tasmota.createParser('plug');
    assert.match(reason(parse('tele/plug/SENSOR', buf('{"ENERGY":'))), /not JSON/);
    assert.match(
      reason(parse('tele/plug/SENSOR', buf({ AM2301: { Temperature: 20 } }))),
      /no ENERGY/,
    );
    assert.match(
      reason(parse('tele/plug/SENSOR', buf({ ENERGY: { Power: 'lots' } }))),
      /ENERGY.Power is not a number/,
    );
    assert.match(reason(parse('tele/plug/SENSOR', buf({ ENERGY: { Power: -3 } }))), /outside/);
    assert.match(reason(parse('tele/plug/SENSOR', buf([1, 2]))), /expected a JSON object/);
    assert.match(reason(parse('stat/plug/STATUS10', buf({ Status: {} }))), /without StatusSNS/);
  });

  it('keeps the last Shelly apower when a NotifyStatus carries only other keys', () => {
    const parse = CODECS.shelly.createParser('shelly1');
    const notify = (changes: object) =>
      buf({
        method: 'NotifyStatus',
        params: { ts: 1700000000.5, 'switch:0': { id: 0, ...changes } },
      });
    assert.deepEqual(parse('shelly1/events/rpc', notify({ current: 0.1 })), { kind: 'ignored' });
    assert.equal(
      watts(parse('shelly1/status/switch:0', buf({ id: 0, apower: 12.5, aenergy: { total: 3 } }))),
      12.5,
    );
    const kept = parse('shelly1/events/rpc', notify({ current: 0.2 }));
    assert.deepEqual(kept, {
      kind: 'reading',
      watts: 12.5,
      sourceTime: 1700000000500,
      simulated: false,
      meter: { amps: 0.2 },
    });
    const full = parse(
      'shelly1/status/switch:0',
      buf({ id: 0, apower: 12.5, voltage: 231.2, current: 0.06, pf: 0.9, aenergy: { total: 3.5 } }),
    );
    assert.deepEqual(full.kind === 'reading' && full.meter, {
      volts: 231.2,
      amps: 0.06,
      powerFactor: 0.9,
      energyWh: 3.5,
    });
    assert.equal(watts(parse('shelly1/events/rpc', notify({ apower: 20 }))), 20);
    assert.equal(watts(parse('shelly1/events/rpc', notify({ voltage: 231 }))), 20);
    assert.deepEqual(
      parse('shelly1/events/rpc', buf({ method: 'NotifyEvent', params: { events: [] } })),
      {
        kind: 'ignored',
      },
    );
    assert.deepEqual(parse('shelly1/online', buf('false')), { kind: 'ignored' });
    assert.match(
      reason(parse('shelly1/status/switch:0', buf({ id: 0, output: true }))),
      /apower is not a number/,
    );
    assert.match(reason(parse('shelly1/events/rpc', buf({ params: {} }))), /without method/);
  });

  it('reads Z-Wave values with and without their envelope', () => {
    const parse = CODECS.zwave.createParser('zwave/plug/meter/endpoint_0/value/66049');
    const topic = 'zwave/plug/meter/endpoint_0/value/66049';
    assert.deepEqual(parse(topic, buf({ time: 1700000000123, value: 4.2 })), {
      kind: 'reading',
      watts: 4.2,
      sourceTime: 1700000000123,
      simulated: false,
    });
    assert.deepEqual(parse(topic, buf('3.75')), {
      kind: 'reading',
      watts: 3.75,
      sourceTime: null,
      simulated: false,
    });
    assert.match(reason(parse(topic, buf({ time: 1 }))), /value is not a number/);
  });

  it('reads Gude line_in[0].act_pow', () => {
    const parse = CODECS.gude.createParser('de/gudesystems/epc/0');
    const telemetry = {
      line_in: [
        {
          voltage: 230.1,
          current: 0.02,
          act_pow: 4.6,
          app_pow: 5,
          pow_fact: 0.92,
          tot_energy: 1200,
        },
      ],
      ts: 1700000000,
    };
    assert.deepEqual(parse('de/gudesystems/epc/0/device/telemetry', buf(telemetry)), {
      kind: 'reading',
      watts: 4.6,
      sourceTime: 1700000000000,
      simulated: false,
      meter: { volts: 230.1, amps: 0.02, powerFactor: 0.92, energyWh: 1200 },
    });
    assert.match(reason(parse('x', buf({ line_in: [] }))), /no line_in\[0\]/);
    assert.match(
      reason(parse('x', buf({ line_in: [{ act_pow: null }] }))),
      /act_pow is not a number/,
    );
  });

  for (const format of PLUG_FORMATS) {
    it(`reads back what the ${format} simulator writes, marked simulated`, () => {
      const codec = CODECS[format];
      const topic = format === 'zwave' ? 'zwave/sim/meter/endpoint_0/value/66049' : 'sim';
      const encoder = codec.createEncoder(topic);
      const parse = codec.createParser(topic);
      const subscribed = codec.subscriptions(topic);
      const seen: number[] = [];
      for (const [i, w] of [3.1, 3.1, 5.4, 6.4, 2.7, 2.7].entries()) {
        for (const message of encoder.reading(w, new Date(1700000000000 + i * 1000))) {
          assert.ok(subscribed.includes(message.topic), `${message.topic} is not subscribed`);
          const parsed = parse(message.topic, buf(message.payload));
          assert.equal(parsed.kind, 'reading');
          if (parsed.kind === 'reading') assert.equal(parsed.simulated, true);
          seen.push(watts(parsed) as number);
        }
      }
      assert.deepEqual(seen, [3.1, 3.1, 5.4, 6.4, 2.7, 2.7]);
    });
  }
});

function reason(parsed: Parsed): string {
  assert.equal(parsed.kind, 'rejected', `expected a rejection, got ${JSON.stringify(parsed)}`);
  return parsed.kind === 'rejected' ? parsed.reason : '';
}
