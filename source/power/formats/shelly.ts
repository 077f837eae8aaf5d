/**
 * Shelly Gen2 (Plus Plug S): full `<id>/status/switch:0` objects, and NotifyStatus on
 * `<id>/events/rpc` that carry only the keys that changed, so the last apower is remembered.
 */
import {
  checkWatts,
  epochMs,
  isObject,
  type MqttMessage,
  meterValues,
  type Parsed,
  type PlugCodec,
  parseJsonObject,
  reading,
} from './codec.js';

const SWITCH = 'switch:0';

/** A switch status's voltage, current, power factor and aenergy.total (Wh), where present. */
function shellyMeter(status: Record<string, unknown>) {
  return meterValues({
    volts: status.voltage,
    amps: status.current,
    powerFactor: status.pf,
    energyWh: isObject(status.aenergy) ? status.aenergy.total : undefined,
  });
}
/** Where the plug answers our Switch.GetStatus calls (Gen2 RPC over MQTT: `<src>/rpc`). */
const replyPrefix = (id: string) => `nebula/${id}`;

export const shelly: PlugCodec = {
  format: 'shelly',
  topicMeaning: "the device's MQTT prefix, e.g. shellyplusplugs-a8032ab12345",
  subscriptions: (id) => [
    `${id}/status/${SWITCH}`,
    `${id}/events/rpc`,
    `${id}/online`,
    `${replyPrefix(id)}/rpc`,
  ],
  createParser(id) {
    let lastApower: number | null = null;
    return (messageTopic, payload): Parsed => {
      if (messageTopic === `${id}/online`) return { kind: 'ignored' };
      const message = parseJsonObject(payload);
      if (typeof message === 'string') return { kind: 'rejected', reason: message };
      if (messageTopic === `${replyPrefix(id)}/rpc`) {
        if (!isObject(message.result))
          return { kind: 'rejected', reason: 'RPC reply without result' };
        const watts = checkWatts(message.result.apower, 'result.apower');
        if (typeof watts === 'string') return { kind: 'rejected', reason: watts };
        lastApower = watts;
        return reading(watts, null, message.simulated, shellyMeter(message.result));
      }
      if (messageTopic === `${id}/status/${SWITCH}`) {
        const watts = checkWatts(message.apower, 'apower');
        if (typeof watts === 'string') return { kind: 'rejected', reason: watts };
        lastApower = watts;
        return reading(watts, null, message.simulated, shellyMeter(message));
      }
      if (typeof message.method !== 'string' || !isObject(message.params)) {
        return { kind: 'rejected', reason: 'RPC notification without method and params' };
      }
      if (message.method !== 'NotifyStatus' && message.method !== 'NotifyFullStatus') {
        return { kind: 'ignored' };
      }
      const params = message.params;
      const status = params[SWITCH];
      if (!isObject(status)) return { kind: 'ignored' };
      const sourceTime = epochMs(params.ts);
      if (status.apower === undefined) {
        // Only other keys changed: the power is still the last one reported.
        return lastApower === null
          ? { kind: 'ignored' }
          : reading(lastApower, sourceTime, message.simulated, shellyMeter(status));
      }
      const watts = checkWatts(status.apower, `params["${SWITCH}"].apower`);
      if (typeof watts === 'string') return { kind: 'rejected', reason: watts };
      lastApower = watts;
      return reading(watts, sourceTime, message.simulated, shellyMeter(status));
    };
  },
  // NotifyStatus carries apower only when it changed: ask for the full status to start from.
  pollRequest: (id) => ({
    topic: `${id}/rpc`,
    payload: JSON.stringify({
      id: 1,
      src: replyPrefix(id),
      method: 'Switch.GetStatus',
      params: { id: 0 },
    }),
  }),
  createEncoder(id) {
    let tick = 0;
    let lastSent: number | null = null;
    let totalWh = 0;
    let lastMs: number | null = null;
    return {
      commandTopics: [`${id}/rpc`],
      reading(watts, now): MqttMessage[] {
        if (lastMs !== null) totalWh += (watts * (now.getTime() - lastMs)) / 3_600_000;
        lastMs = now.getTime();
        const apower = Number(watts.toFixed(1));
        const current = Number((watts / 230).toFixed(3));
        const aenergy = { total: Number(totalWh.toFixed(3)) };
        const full = tick++ % 10 === 0;
        if (full) {
          lastSent = apower;
          const status = {
            id: 0,
            source: 'init',
            output: true,
            apower,
            voltage: 230,
            current,
            aenergy,
          };
          return [
            {
              topic: `${id}/status/${SWITCH}`,
              payload: JSON.stringify({ ...status, simulated: true }),
            },
          ];
        }
        // Like the device: only the keys that changed.
        const changed: Record<string, unknown> = { id: 0, current, aenergy };
        if (apower !== lastSent) changed.apower = apower;
        lastSent = apower;
        const params = { ts: now.getTime() / 1000, [SWITCH]: changed };
        const notify = {
          src: id,
          dst: `${id}/events`,
          method: 'NotifyStatus',
          params,
          simulated: true,
        };
        return [{ topic: `${id}/events/rpc`, payload: JSON.stringify(notify) }];
      },
      answer(topic, payload, watts): MqttMessage[] {
        if (topic !== `${id}/rpc`) return [];
        let call: unknown;
        try {
          call = JSON.parse(payload);
        } catch {
          return [];
        }
        if (!isObject(call) || call.method !== 'Switch.GetStatus' || typeof call.src !== 'string')
          return [];
        const apower = Number(watts.toFixed(1));
        const result = {
          id: 0,
          output: true,
          apower,
          voltage: 230,
          current: Number((watts / 230).toFixed(3)),
        };
        const reply = { id: call.id, src: id, dst: call.src, result, simulated: true };
        return [{ topic: `${call.src}/rpc`, payload: JSON.stringify(reply) }];
      },
      online: { topic: `${id}/online`, payload: 'true', retain: true },
      offline: { topic: `${id}/online`, payload: 'false', retain: true },
    };
  },
};
