import { z } from 'zod';

export const PLUG_FORMATS = ['tasmota', 'shelly', 'zwave', 'gude'] as const;
export type PlugFormat = (typeof PLUG_FORMATS)[number];

const mqttPowerSchema = z
  .object({
    source: z.literal('mqtt'),
    broker: z.string().regex(/^(mqtts?|wss?|tcp):\/\//, 'a broker URL such as mqtt://127.0.0.1:1883'),
    username: z.string().optional(),
    password: z.string().optional(),
    topic: z.string().min(1),
    format: z.enum(PLUG_FORMATS),
    /** Ask the plug for a reading this often (Tasmota `Status 10`); omit to only listen. */
    pollSeconds: z.number().positive().optional(),
    /** Set when the broker is fed by `nebula plug-sim`: everything shown is labelled simulated. */
    simulated: z.boolean().optional(),
  })
  .strict();

const estimatePowerSchema = z
  .object({
    source: z.literal('estimate'),
    idleWatts: z.number().positive(),
    fullWatts: z.number().positive(),
  })
  .strict();

const raplPowerSchema = z.object({ source: z.literal('rapl') }).strict();

export const powerSchema = z.discriminatedUnion('source', [
  mqttPowerSchema,
  estimatePowerSchema,
  raplPowerSchema,
]);
export type PowerConfig = z.infer<typeof powerSchema>;

const targetSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('local') }).strict(),
  z
    .object({
      kind: z.literal('gateway'),
      url: z.string().url(),
      token: z.string().min(1).optional(),
    })
    .strict(),
]);

export const profileSchema = z
  .object({
    name: z.string().min(1),
    label: z.string().min(1),
    target: targetSchema.default({ kind: 'local' }),
    docker: z.object({ host: z.string().min(1).optional() }).strict().default({}),
    power: powerSchema.default({ source: 'estimate', idleWatts: 2.7, fullWatts: 6.4 }),
    experiment: z
      .object({
        repetitions: z.number().int().min(1).default(20),
        warmup: z.number().int().min(0).default(2),
        pauseMs: z.number().min(0).default(0),
        baselineSeconds: z.number().min(0).default(10),
      })
      .strict()
      .default({ repetitions: 20, warmup: 2, pauseMs: 0, baselineSeconds: 10 }),
  })
  .strict();

export type Profile = z.infer<typeof profileSchema>;
