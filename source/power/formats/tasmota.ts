/**
 * Tasmota: `tele/<topic>/SENSOR` every TelePeriod, and `stat/<topic>/STATUS10` in answer to
 * `cmnd/<topic>/Status 10`. ENERGY.Power is in W, one number or one per channel.
 */
import {
  checkWatts,
  isObject,
  type MqttMessage,
  meterValues,
  type Parsed,
  type PlugCodec,
  parseJsonObject,
  reading,
} from './codec.js';

/** "2018-02-15T17:37:10" (newer) or "2018.02.04 23:17:01" (older), the plug's local time. */
export function parseTasmotaTime(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  const match =
    /^(\d{4})[-.](\d{2})[-.](\d{2})[T ](\d{2}):(\d{2}):(\d{2})(Z|[+-]\d{2}:?\d{2})?$/.exec(
      value.trim(),
    );
  if (!match) return null;
  const [y, mo, d, h, mi, s] = match.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const zone = match[7];
  // With a zone suffix (SetOption52) the time is exact; without, it is the plug's local time.
  const time = zone
    ? Date.parse(`${match.slice(1, 4).join('-')}T${match.slice(4, 7).join(':')}${zone}`)
    : new Date(y, mo - 1, d, h, mi, s).getTime();
  return Number.isFinite(time) ? time : null;
}

function energyReading(sensor: Record<string, unknown>, simulated: unknown): Parsed {
  const energy = sensor.ENERGY;
  if (!isObject(energy))
    return { kind: 'rejected', reason: 'no ENERGY object (not a power meter reading)' };
  const power = energy.Power;
  const channels = Array.isArray(power) ? power : [power];
  if (channels.length === 0) return { kind: 'rejected', reason: 'ENERGY.Power is an empty array' };
  let watts = 0;
  for (const [i, channel] of channels.entries()) {
    const checked = checkWatts(
      channel,
      Array.isArray(power) ? `ENERGY.Power[${i}]` : 'ENERGY.Power',
    );
    if (typeof checked === 'string') return { kind: 'rejected', reason: checked };
    watts += checked;
  }
  // One channel's values as given; a multi-channel plug's arrays are not one meter's.
  const total = typeof energy.Total === 'number' ? energy.Total * 1000 : undefined;
  const meter = Array.isArray(power)
    ? {}
    : meterValues({
        volts: energy.Voltage,
        amps: energy.Current,
        powerFactor: energy.Factor,
        energyWh: total,
      });
  return reading(watts, parseTasmotaTime(sensor.Time), simulated, meter);
}

function localIso(now: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}T${pad(now.getHours())}:${pad(now.getMinutes())}:${pad(now.getSeconds())}`;
}

export const tasmota: PlugCodec = {
  format: 'tasmota',
  topicMeaning: "the device's Tasmota topic, e.g. tasmota_1A2B3C (not tele/.../SENSOR)",
  subscriptions: (topic) => [`tele/${topic}/SENSOR`, `stat/${topic}/STATUS10`, `tele/${topic}/LWT`],
  createParser(topic) {
    return (messageTopic, payload) => {
      if (messageTopic === `tele/${topic}/LWT`) return { kind: 'ignored' };
      const message = parseJsonObject(payload);
      if (typeof message === 'string') return { kind: 'rejected', reason: message };
      if (messageTopic === `stat/${topic}/STATUS10`) {
        if (!isObject(message.StatusSNS))
          return { kind: 'rejected', reason: 'STATUS10 without StatusSNS' };
        return energyReading(message.StatusSNS, message.Simulated);
      }
      return energyReading(message, message.Simulated);
    };
  },
  pollRequest: (topic) => ({ topic: `cmnd/${topic}/Status`, payload: '10' }),
  createEncoder(topic) {
    let totalWh = 0;
    let lastMs: number | null = null;
    const energy = (watts: number, now: Date) => {
      if (lastMs !== null) totalWh += (watts * (now.getTime() - lastMs)) / 3_600_000;
      lastMs = now.getTime();
      return {
        Total: Number((totalWh / 1000).toFixed(6)),
        Power: Number(watts.toFixed(1)),
        Voltage: 230,
        Current: Number((watts / 230).toFixed(3)),
        Factor: 1,
      };
    };
    return {
      commandTopics: [`cmnd/${topic}/Status`],
      reading: (watts, now): MqttMessage[] => [
        {
          topic: `tele/${topic}/SENSOR`,
          payload: JSON.stringify({
            Time: localIso(now),
            ENERGY: energy(watts, now),
            Simulated: true,
          }),
        },
      ],
      answer: (commandTopic, payload, watts, now): MqttMessage[] => {
        if (commandTopic !== `cmnd/${topic}/Status` || payload.trim() !== '10') return [];
        const StatusSNS = { Time: localIso(now), ENERGY: energy(watts, now) };
        return [
          {
            topic: `stat/${topic}/STATUS10`,
            payload: JSON.stringify({ StatusSNS, Simulated: true }),
          },
        ];
      },
      online: { topic: `tele/${topic}/LWT`, payload: 'Online', retain: true },
      offline: { topic: `tele/${topic}/LWT`, payload: 'Offline', retain: true },
    };
  },
};
