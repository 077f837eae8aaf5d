/**
 * Z-Wave through zwave-js-ui: the meter value topic carries `{"time":<ms>,"value":<W>}`, or
 * the bare number when zwave-js-ui is set to send values only.
 */
import {
  checkWatts,
  epochMs,
  type MqttMessage,
  type PlugCodec,
  parseJsonObject,
  reading,
} from './codec.js';

export const zwave: PlugCodec = {
  format: 'zwave',
  topicMeaning: 'the whole value topic, e.g. zwave/plug/meter/endpoint_0/value/66049',
  subscriptions: (topic) => [topic],
  createParser() {
    return (_messageTopic, payload) => {
      const text = payload.toString('utf8').trim();
      if (/^-?\d+(\.\d+)?$/.test(text)) {
        const watts = checkWatts(Number(text), 'value');
        return typeof watts === 'string'
          ? { kind: 'rejected', reason: watts }
          : reading(watts, null, false);
      }
      const message = parseJsonObject(payload);
      if (typeof message === 'string') return { kind: 'rejected', reason: message };
      const watts = checkWatts(message.value, 'value');
      if (typeof watts === 'string') return { kind: 'rejected', reason: watts };
      return reading(watts, epochMs(message.time), message.simulated);
    };
  },
  createEncoder(topic) {
    return {
      commandTopics: [],
      reading: (watts, now): MqttMessage[] => [
        {
          topic,
          payload: JSON.stringify({
            time: now.getTime(),
            value: Number(watts.toFixed(2)),
            simulated: true,
          }),
        },
      ],
      answer: () => [],
    };
  },
};
