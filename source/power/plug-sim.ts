/**
 * A stand-in for a physical smart plug: publishes readings in a plug's own format through a
 * real broker, with power following this machine's CPU load by the Pi 4 model. Every payload
 * carries a "simulated" marker where the format has room for one.
 */
import { EventEmitter } from 'node:events';
import mqtt, { type MqttClient } from 'mqtt';
import { shownBroker } from '../profiles/broker-url.js';
import type { PlugFormat } from '../profiles/schema.js';
import { CpuMeter, modelWatts, PI4_MODEL, ProcessCpuMeter } from './cpu.js';
import type { MqttMessage } from './formats/codec.js';
import { CODECS } from './formats/index.js';

export interface PlugSimOptions {
  broker: string;
  format: PlugFormat;
  topic: string;
  periodMs?: number;
  username?: string;
  password?: string;
  idleWatts?: number;
  fullWatts?: number;
  /** Replaces the CPU model (tests publish known wattages). */
  watts?: () => number;
  /** Model the power from this one process's CPU time instead of the whole machine's. */
  cpuOf?: number;
  /** Another load switching on: +watts on every reading from afterS seconds after start. */
  step?: { afterS: number; watts: number };
}

export interface PlugSimEvents {
  /** 'up' once connected, 'down' with the reason while the broker is away. */
  status: ['up' | 'down', string];
  /** The count so far and the wattage just published. */
  published: [number, number];
}

export class PlugSimulator extends EventEmitter<PlugSimEvents> {
  private client: MqttClient | undefined;
  private timer: NodeJS.Timeout | undefined;
  private lastWatts = 0;
  published = 0;

  constructor(private readonly options: PlugSimOptions) {
    super();
  }

  /** Resolves when the first connection succeeded or failed; it keeps retrying after that. */
  start(): Promise<void> {
    const { format, topic } = this.options;
    const broker = shownBroker(this.options.broker);
    const encoder = CODECS[format].createEncoder(topic);
    const model = {
      idleWatts: this.options.idleWatts ?? PI4_MODEL.idleWatts,
      fullWatts: this.options.fullWatts ?? PI4_MODEL.fullWatts,
    };
    let watts = this.options.watts;
    if (!watts) {
      const meter = this.options.cpuOf ? new ProcessCpuMeter(this.options.cpuOf) : new CpuMeter();
      watts = () => modelWatts(meter.next(), model);
    }
    const step = this.options.step;
    const startedNs = process.hrtime.bigint();
    const base = watts;
    const read = step
      ? () => {
          const seconds = Number(process.hrtime.bigint() - startedNs) / 1e9;
          return base() + (seconds >= step.afterS ? step.watts : 0);
        }
      : base;
    const offline = encoder.offline;
    const client = mqtt.connect(this.options.broker, {
      username: this.options.username,
      password: this.options.password,
      reconnectPeriod: 1000,
      connectTimeout: 5000,
      clientId: `nebula-plug-sim-${process.pid}-${Math.random().toString(16).slice(2, 8)}`,
      will: offline
        ? { topic: offline.topic, payload: Buffer.from(offline.payload), qos: 0, retain: true }
        : undefined,
    });
    this.client = client;
    const send = (messages: MqttMessage[]) => {
      for (const m of messages) client.publish(m.topic, m.payload, { retain: m.retain ?? false });
    };
    this.timer = setInterval(() => {
      this.lastWatts = read();
      if (!client.connected) return;
      send(encoder.reading(this.lastWatts, new Date()));
      this.emit('published', ++this.published, this.lastWatts);
    }, this.options.periodMs ?? 1000);
    return new Promise((resolve) => {
      client.on('connect', () => {
        if (encoder.online) send([encoder.online]);
        if (encoder.commandTopics.length > 0) client.subscribe(encoder.commandTopics);
        this.emit('status', 'up', `connected to ${broker}`);
        resolve();
      });
      client.on('error', (error) => {
        this.emit('status', 'down', `broker ${broker}: ${error.message}`);
        resolve();
      });
      client.on('message', (commandTopic, payload) => {
        send(encoder.answer(commandTopic, payload.toString('utf8'), this.lastWatts, new Date()));
      });
    });
  }

  /** Says "offline" like the plug's last will, then disconnects. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    const offline = CODECS[this.options.format].createEncoder(this.options.topic).offline;
    if (offline && client.connected) {
      await client
        .publishAsync(offline.topic, offline.payload, { retain: true })
        .catch(() => undefined);
    }
    await client.endAsync(true);
  }
}
