import { shownBroker } from '../profiles/broker-url.js';
import type { PowerConfig } from '../profiles/schema.js';

/** The broker or meter a source of this config reads from, as shown to people; null for none. */
export function sourceAddress(config: PowerConfig): string | null {
  if (config.source === 'mqtt') return shownBroker(config.broker);
  if (config.source === 'modbus') return `modbus://${config.host}:${config.port}`;
  return null;
}
