import { POWER_SOURCES, type PowerConfig, powerSchema } from '../profiles/schema.js';
import { EstimatePowerSource } from './estimate-source.js';
import { CODECS, isPlugFormat } from './formats/index.js';
import { HwmonPowerSource } from './hwmon-source.js';
import { ModbusPowerSource } from './modbus-source.js';
import { MqttPowerSource } from './mqtt-source.js';
import { PmicPowerSource } from './pmic-source.js';
import { RaplPowerSource } from './rapl-source.js';
import type { PowerSource } from './source.js';

export class PowerConfigError extends Error {
  override name = 'PowerConfigError';
}

/** The source a profile's `power` section describes. */
export function createPowerSource(config: PowerConfig): PowerSource {
  switch (config.source) {
    case 'mqtt':
      if (config.pollSeconds && !CODECS[config.format].pollRequest) {
        throw new PowerConfigError(
          `power.pollSeconds works only with formats tasmota and shelly, not ${config.format}`,
        );
      }
      return new MqttPowerSource(config);
    case 'modbus':
      return new ModbusPowerSource(config);
    case 'estimate':
      return new EstimatePowerSource(config);
    case 'rapl':
      return new RaplPowerSource();
    case 'pmic':
      return new PmicPowerSource({ command: config.command, pollHz: config.pollHz });
    case 'hwmon':
      return new HwmonPowerSource({
        device: config.device,
        dir: config.dir,
        pollHz: config.pollHz,
      });
  }
}

export interface PowerFlags {
  source?: string;
  broker?: string;
  topic?: string;
  format?: string;
  pollSeconds?: number;
  simulated?: boolean;
}

/**
 * Command-line flags over the profile's power section: --broker/--topic/--format describe a
 * plug and need each other; --source estimate|rapl|pmic|hwmon picks the others.
 */
export function powerConfigFrom(profilePower: PowerConfig, flags: PowerFlags): PowerConfig {
  const plugFlags = [flags.broker, flags.topic, flags.format].filter((f) => f !== undefined).length;
  if (plugFlags > 0 || flags.source === 'mqtt') {
    const base = profilePower.source === 'mqtt' ? profilePower : undefined;
    const format = flags.format ?? base?.format;
    if (format !== undefined && !isPlugFormat(format)) {
      throw new PowerConfigError(
        `unknown plug format "${format}"; choose one of ${Object.keys(CODECS).join(', ')}`,
      );
    }
    const candidate = {
      ...base,
      source: 'mqtt',
      broker: flags.broker ?? base?.broker,
      topic: flags.topic ?? base?.topic,
      format,
      ...(flags.pollSeconds !== undefined ? { pollSeconds: flags.pollSeconds } : {}),
      ...(flags.simulated ? { simulated: true } : {}),
    };
    const missing = (['broker', 'topic', 'format'] as const).filter(
      (key) => candidate[key] === undefined,
    );
    if (missing.length > 0) {
      throw new PowerConfigError(
        `a plug needs --broker, --topic and --format (missing ${missing.map((m) => `--${m}`).join(', ')}), or a profile whose power.source is "mqtt"`,
      );
    }
    return check(candidate);
  }
  if (flags.source === undefined || flags.source === profilePower.source) return profilePower;
  if (flags.source === 'estimate')
    return check({ source: 'estimate', idleWatts: 2.7, fullWatts: 6.4 });
  if (flags.source === 'rapl') return check({ source: 'rapl' });
  if (flags.source === 'pmic') return check({ source: 'pmic' });
  if (flags.source === 'hwmon') return check({ source: 'hwmon' });
  if (flags.source === 'modbus') {
    throw new PowerConfigError(
      "a Modbus meter is described in a profile's power section (host, port, line): use --profile with one, such as profiles/pi-gude.json or profiles/sim-gude.json",
    );
  }
  throw new PowerConfigError(
    `unknown power source "${flags.source}"; choose ${POWER_SOURCES.join(', ')}`,
  );
}

function check(candidate: unknown): PowerConfig {
  const parsed = powerSchema.safeParse(candidate);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map(
    (issue) => `${issue.path.join('.') || 'power'}: ${issue.message}`,
  );
  throw new PowerConfigError(`invalid power options: ${lines.join('; ')}`);
}
