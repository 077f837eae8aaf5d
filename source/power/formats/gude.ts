/**
 * Gude Expert Power Control: `<prefix>/device/telemetry` with `line_in[0].act_pow` in W and
 * `ts` (epoch seconds).
 */
import {
  checkWatts,
  epochMs,
  isObject,
  type MqttMessage,
  meterValues,
  type PlugCodec,
  parseJsonObject,
  reading,
} from './codec.js';

export const gude: PlugCodec = {
  format: 'gude',
  topicMeaning: "the device's prefix, e.g. de/gudesystems/epc/00:19:32:01:02:03",
  subscriptions: (prefix) => [`${prefix}/device/telemetry`],
  createParser() {
    return (_messageTopic, payload) => {
      const message = parseJsonObject(payload);
      if (typeof message === 'string') return { kind: 'rejected', reason: message };
      const lines = message.line_in;
      if (!Array.isArray(lines) || !isObject(lines[0])) {
        return { kind: 'rejected', reason: 'no line_in[0] (not an energy telemetry message)' };
      }
      const watts = checkWatts(lines[0].act_pow, 'line_in[0].act_pow');
      if (typeof watts === 'string') return { kind: 'rejected', reason: watts };
      const line = lines[0];
      const meter = meterValues({
        volts: line.voltage,
        amps: line.current,
        powerFactor: line.pow_fact,
        energyWh: line.tot_energy,
      });
      return reading(watts, epochMs(message.ts), message.simulated, meter);
    };
  },
  createEncoder(prefix) {
    let totalWh = 0;
    let lastMs: number | null = null;
    return {
      commandTopics: [],
      reading(watts, now): MqttMessage[] {
        if (lastMs !== null) totalWh += (watts * (now.getTime() - lastMs)) / 3_600_000;
        lastMs = now.getTime();
        const line = {
          voltage: 230,
          current: Number((watts / 230).toFixed(3)),
          act_pow: Number(watts.toFixed(1)),
          app_pow: Number(watts.toFixed(1)),
          pow_fact: 1,
          tot_energy: Number(totalWh.toFixed(3)),
        };
        const payload = { line_in: [line], ts: Math.floor(now.getTime() / 1000), simulated: true };
        return [{ topic: `${prefix}/device/telemetry`, payload: JSON.stringify(payload) }];
      },
      answer: () => [],
    };
  },
};
