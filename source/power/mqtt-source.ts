import mqtt, { type MqttClient } from 'mqtt';
import { shownBroker } from '../profiles/broker-url.js';
import type { PlugFormat } from '../profiles/schema.js';
import type { Parsed } from './formats/codec.js';
import { CODECS } from './formats/index.js';
import { type HostTime, hostNow } from './sample.js';
import { PowerSource } from './source.js';

export interface MqttSourceOptions {
  broker: string;
  topic: string;
  format: PlugFormat;
  username?: string;
  password?: string;
  /** Ask the plug for a reading this often (Tasmota `Status 10`). */
  pollSeconds?: number;
  /** Every sample is marked simulated (the broker is fed by `nebula plug-sim`). */
  simulated?: boolean;
  /** How long to wait between reconnection attempts. */
  reconnectMs?: number;
}

/** The plug's expected reporting period: the poll period, else about a second (10 s Tasmota). */
function expectedPeriodMs(options: MqttSourceOptions): number {
  if (options.pollSeconds) return options.pollSeconds * 1000;
  return options.format === 'tasmota' ? 10_000 : 1000;
}

/**
 * A smart plug read through an MQTT broker. A broker that is down at start or goes away is
 * retried for as long as the source runs; the time it was away is reported as a 'gap'.
 */
export class MqttPowerSource extends PowerSource {
  readonly kind = 'mqtt';
  private client: MqttClient | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private downSince: HostTime | null = null;
  private downReason = '';
  private everConnected = false;

  constructor(private readonly options: MqttSourceOptions) {
    super(`mqtt ${options.format} ${options.topic}`, expectedPeriodMs(options), options.simulated);
    if (options.pollSeconds && !CODECS[options.format].pollRequest) {
      throw new Error(
        `pollSeconds works only with formats tasmota and shelly, not ${options.format}`,
      );
    }
  }

  /** Resolves once the broker has answered or refused, so callers can show the state at once. */
  protected open(): Promise<void> {
    const { topic, format } = this.options;
    // Messages (and the gap records made from them) never carry the broker's password.
    const broker = shownBroker(this.options.broker);
    const codec = CODECS[format];
    const parse = codec.createParser(topic);
    const client = mqtt.connect(this.options.broker, {
      username: this.options.username,
      password: this.options.password,
      reconnectPeriod: this.options.reconnectMs ?? 1000,
      connectTimeout: 5000,
      clientId: `nebula-power-${process.pid}-${Math.random().toString(16).slice(2, 8)}`,
    });
    this.client = client;
    return new Promise((resolve) => {
      client.on('connect', () => {
        this.everConnected = true;
        this.closeGap();
        // Up once subscribed: from then on, no reading for a while means the plug is silent.
        client.subscribe(codec.subscriptions(topic), { qos: 0 }, (error) => {
          if (error) this.markDown(`subscribing to ${topic} on ${broker} failed: ${error.message}`);
          else {
            this.setState('up');
            this.startPolling();
          }
          resolve();
        });
      });
      client.on('error', (error) => {
        this.markDown(`broker ${broker}: ${error.message}`);
        resolve();
      });
      client.on('close', () => {
        this.stopPolling();
        this.markDown(
          this.everConnected ? `lost the broker ${broker}` : `broker ${broker} unreachable`,
        );
      });
      client.on('message', (messageTopic, payload, packet) =>
        this.handle(parse, messageTopic, payload, packet.retain),
      );
    });
  }

  protected async close(): Promise<void> {
    this.stopPolling();
    const client = this.client;
    this.client = undefined;
    if (client) await client.endAsync(true);
    if (this.everConnected) this.closeGap(' (still away when the source stopped)');
    this.downSince = null;
  }

  private handle(
    parse: (t: string, p: Buffer) => Parsed,
    messageTopic: string,
    payload: Buffer,
    retained: boolean,
  ): void {
    let parsed: Parsed;
    try {
      // Parsed even when retained: a format that remembers the last full status learns it.
      parsed = parse(messageTopic, payload);
    } catch (error) {
      parsed = { kind: 'rejected', reason: `parser failed: ${(error as Error).message}` };
    }
    // The broker sets retain only on the copy it stored before this subscription (MQTT
    // 3.1.1, 3.3.1.3): a reading from before the source started, of unknown age, not a live
    // one. A plug's live messages reach a subscriber with the flag clear.
    if (parsed.kind === 'reading' && retained) {
      this.reject(
        `${messageTopic}: a retained message from before the source started (${parsed.watts} W), not a live reading`,
      );
      return;
    }
    if (parsed.kind === 'reading')
      this.accept(parsed.watts, parsed.sourceTime, parsed.simulated, parsed.meter);
    else if (parsed.kind === 'rejected') this.reject(`${messageTopic}: ${parsed.reason}`);
  }

  private markDown(reason: string): void {
    // The first reason is the one shown; retries repeat it every reconnect period.
    if (this.currentState === 'stopped' || this.currentState === 'down' || !this.client) return;
    if (this.downSince === null && this.everConnected) this.downSince = hostNow();
    this.downReason = reason;
    this.setState('down', reason);
  }

  private closeGap(suffix = ''): void {
    if (this.downSince === null) return;
    this.emit('gap', {
      type: 'power-gap',
      source: this.label,
      from: this.downSince,
      to: hostNow(),
      reason: this.downReason + suffix,
    });
    this.downSince = null;
  }

  /** Asks for a reading at once where the format can, then every pollSeconds if set. */
  private startPolling(): void {
    const request = CODECS[this.options.format].pollRequest?.(this.options.topic);
    if (!request) return;
    this.stopPolling();
    const poll = () => this.client?.publish(request.topic, request.payload);
    poll();
    if (this.options.pollSeconds)
      this.pollTimer = setInterval(poll, this.options.pollSeconds * 1000);
  }

  private stopPolling(): void {
    clearInterval(this.pollTimer);
    this.pollTimer = undefined;
  }
}
