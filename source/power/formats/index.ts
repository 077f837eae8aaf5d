import { PLUG_FORMATS, type PlugFormat } from '../../profiles/schema.js';
import type { PlugCodec } from './codec.js';
import { gude } from './gude.js';
import { shelly } from './shelly.js';
import { tasmota } from './tasmota.js';
import { zwave } from './zwave.js';

export const CODECS: Record<PlugFormat, PlugCodec> = { tasmota, shelly, zwave, gude };

export function isPlugFormat(value: string): value is PlugFormat {
  return (PLUG_FORMATS as readonly string[]).includes(value);
}
