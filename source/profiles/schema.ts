import { z } from 'zod';
import { type Platform, parsePlatform } from '../core/platform.js';

export const PLUG_FORMATS = ['tasmota', 'shelly', 'zwave', 'gude'] as const;
export type PlugFormat = (typeof PLUG_FORMATS)[number];

const mqttPowerSchema = z
  .object({
    source: z.literal('mqtt'),
    broker: z
      .string()
      .regex(/^(mqtts?|wss?|tcp):\/\//, 'a broker URL such as mqtt://127.0.0.1:1883'),
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
  .strict()
  .refine((power) => power.fullWatts >= power.idleWatts, {
    path: ['fullWatts'],
    message: 'must be at least idleWatts (the power at full load is not below idle)',
  });

const raplPowerSchema = z.object({ source: z.literal('rapl') }).strict();

export const powerSchema = z.discriminatedUnion(
  'source',
  [mqttPowerSchema, estimatePowerSchema, raplPowerSchema],
  { error: 'expected source "mqtt", "estimate" or "rapl"' },
);
export type PowerConfig = z.infer<typeof powerSchema>;

const gatewayTargetSchema = z
  .object({
    kind: z.literal('gateway'),
    /** Where `nebula serve` listens on the other machine. */
    url: z
      .string()
      .regex(
        /^https?:\/\/[^/\s]+\/?$/,
        'an http:// or https:// URL such as http://192.0.2.10:8080',
      ),
    /** Bearer token of that gateway; when absent, NEBULA_TOKEN is used. */
    token: z.string().min(1).optional(),
    /** Give up on one request after this long (covers the function's own timeout). */
    timeoutMs: z.number().int().positive().max(3_600_000).default(120_000),
  })
  .strict();

export const targetSchema = z.discriminatedUnion(
  'kind',
  [z.object({ kind: z.literal('local') }).strict(), gatewayTargetSchema],
  { error: 'expected kind "local" (this process) or "gateway" (a remote `nebula serve`)' },
);
export type Target = z.infer<typeof targetSchema>;
export type GatewayTarget = z.infer<typeof gatewayTargetSchema>;

const platformSchema = z
  .string()
  .superRefine((text, ctx) => {
    try {
      parsePlatform(text);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message });
    }
  })
  .transform((text): Platform => parsePlatform(text));

export const profileSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, dots and dashes'),
    /** The hardware, as it should appear in reports: "Raspberry Pi 4B 4 GB". */
    label: z.string().min(1),
    /** Free text for people reading the file: where the figures come from. */
    notes: z.string().optional(),
    target: targetSchema.default({ kind: 'local' }),
    docker: z
      .object({
        host: z
          .string()
          .regex(
            /^(unix|tcp|ssh|npipe|https?):\/\//,
            'a Docker address such as unix:///var/run/docker.sock or tcp://host:2375',
          )
          .optional(),
        /**
         * The platform images are built and run for, e.g. "linux/arm64"; when absent, the
         * engine's own (a remote engine may differ from this machine).
         */
        platform: platformSchema.optional(),
      })
      .strict()
      .default({}),
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
