/**
 * The power source of the machine behind a gateway, read through GET /power: its own label,
 * kind and simulated flag, its readings as they come. Readings are stamped on arrival here
 * (this machine's clock, for the console and `nebula power`); experiments on that machine use
 * its own readings on its own clock (remote-experiment.ts), never these.
 */
import { UsageError } from '../core/errors.js';
import type { PowerFlags } from '../power/create.js';
import type { PowerSample, PowerSourceKind, PowerStatus } from '../power/sample.js';
import { PowerSource } from '../power/source.js';
import { POWER_PATH, type PowerDescription } from '../protocol/gateway.js';
import type { GatewayHttp } from './gateway-http.js';

const RECONNECT_MS = 1000;

export class RemotePowerSource extends PowerSource {
  readonly kind: PowerSourceKind;
  private stream: { cut: () => void } | null = null;
  private retry: NodeJS.Timeout | undefined;

  constructor(
    private readonly http: GatewayHttp,
    readonly description: PowerDescription,
  ) {
    super(description.label, description.expectedPeriodMs, description.simulated);
    this.kind = description.kind as PowerSourceKind;
  }

  protected open(): Promise<void> {
    return new Promise((resolve, reject) => {
      let first = true;
      const stream = this.http.stream(
        'GET',
        POWER_PATH,
        undefined,
        (line) => {
          if (first) {
            first = false;
            resolve();
          }
          this.onLine(line);
        },
        'stream power readings',
      );
      this.stream = stream;
      stream.done.then(
        () => this.lost('the gateway ended the power stream', first, reject),
        (error: Error) => this.lost(error.message, first, reject),
      );
    });
  }

  private onLine(line: Record<string, unknown>): void {
    if (line.type === 'sample') {
      const sample = line.sample as PowerSample;
      this.accept(sample.watts, sample.sourceTime, sample.simulated);
    } else if (line.type === 'status' || line.type === 'source') {
      const status = line.status as PowerStatus;
      if (status.state === 'down' || status.state === 'stale') {
        this.setState(status.state, `on the gateway: ${status.lastError ?? status.state}`);
      }
    }
  }

  /** The stream ended while we still read: down, and try again shortly. */
  private lost(reason: string, beforeFirst: boolean, reject: (error: Error) => void): void {
    this.stream = null;
    if (beforeFirst) {
      reject(new Error(reason));
      return;
    }
    if (this.currentState === 'stopped') return;
    this.setState('down', reason);
    this.retry = setTimeout(() => {
      if (this.currentState === 'stopped') return;
      this.open().catch((error: Error) => this.lost(error.message, false, () => {}));
    }, RECONNECT_MS);
    this.retry.unref();
  }

  protected async close(): Promise<void> {
    clearTimeout(this.retry);
    this.stream?.cut();
    this.stream = null;
  }
}

/**
 * The gateway's own source (as GET /machine described it), read from here. No flag replaces
 * it, and a gateway without one says how to give it one.
 */
export function openGatewayPower(
  http: GatewayHttp,
  power: PowerDescription | null,
  flags: PowerFlags,
  profile: string,
): RemotePowerSource {
  if (Object.values(flags).some((value) => value !== undefined)) {
    throw new UsageError(
      `${profile} runs functions on the gateway ${http.url}, whose own power source is read there; drop the power flags, or start \`nebula serve\` there with a profile for that source`,
    );
  }
  if (!power) {
    throw new UsageError(
      `the gateway ${http.url} has no power source: start \`nebula serve\` there with a profile whose power source works`,
    );
  }
  return new RemotePowerSource(http, power);
}
