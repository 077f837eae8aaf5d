import { z } from 'zod';
import { type Platform, parsePlatform } from '../core/platform.js';
import { brokerUrlProblem } from './broker-url.js';

export const PLUG_FORMATS = ['tasmota', 'shelly', 'zwave', 'gude'] as const;
export type PlugFormat = (typeof PLUG_FORMATS)[number];

const mqttPowerSchema = z
  .object({
    source: z.literal('mqtt'),
    broker: z.string().superRefine((url, context) => {
      const problem = brokerUrlProblem(url);
      if (problem) context.addIssue({ code: 'custom', message: problem });
    }),
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

/** How a Modbus meter's real power is taken: V x I x PF from its registers, or its W register. */
export const MODBUS_POWER_FROM = ['voltage-current-pf', 'active-power'] as const;

/** A Gude Expert Power Control on Modbus TCP (register map in source/power/gude-registers.ts). */
const modbusPowerSchema = z
  .object({
    source: z.literal('modbus'),
    /** The meter's register map; the Gude Expert Power Control is the one known. */
    device: z
      .literal('gude', { error: 'expected "gude" (Gude Expert Power Control)' })
      .default('gude'),
    host: z
      .string()
      .regex(/^[A-Za-z0-9.:[\]-]+$/, "the meter's host name or IP address, such as 192.0.2.20"),
    port: z.number().int().min(1).max(65535).default(502),
    /** The Gude ignores the unit id (its IP address names it); other gateways may need one. */
    unitId: z.number().int().min(0).max(255).default(1),
    /** Which line-in sensor (from 1) and, on a three-phase device, which phase (from 1). */
    line: z.number().int().min(1).max(16).default(1),
    phase: z.number().int().min(1).max(3).default(1),
    /** Readings asked for per second. */
    pollHz: z
      .number()
      .positive()
      .max(50, 'at most 50 readings per second (a Modbus TCP request takes a few ms)')
      .default(10),
    /** A read unanswered this long counts as failed. */
    timeoutMs: z.number().int().min(50).max(10_000).default(1000),
    powerFrom: z.enum(MODBUS_POWER_FROM).default('voltage-current-pf'),
    /** Set when `nebula plug-sim --format modbus` serves the registers: labelled simulated. */
    simulated: z.boolean().optional(),
  })
  .strict()
  .refine((power) => 1000 / power.pollHz >= power.timeoutMs / 10, {
    path: ['timeoutMs'],
    message:
      'must be at most ten poll periods (1000 / pollHz ms each), or a dead meter is noticed too late',
  });

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

/** The Raspberry Pi 5's PMIC through `vcgencmd pmic_read_adc`: board rails, not wall power. */
const pmicPowerSchema = z
  .object({
    source: z.literal('pmic'),
    /** The command and its arguments, when vcgencmd is not on the PATH (or runs elsewhere). */
    command: z.array(z.string().min(1)).min(1).optional(),
    /** Readings per second (each one runs the command). */
    pollHz: z.number().positive().max(10, 'at most 10 readings per second').default(1),
  })
  .strict();

/** A Linux hwmon device (power*_input, or curr*_input x in*_input): sensor rails. */
const hwmonPowerSchema = z
  .object({
    source: z.literal('hwmon'),
    /** The device's `name` file or its hwmonN; omit when only one device reports power. */
    device: z.string().min(1).optional(),
    /** Where the devices are (/sys/class/hwmon unless mounted elsewhere). */
    dir: z.string().min(1).optional(),
    pollHz: z.number().positive().max(50, 'at most 50 readings per second').default(10),
  })
  .strict();

export const POWER_SOURCES = ['mqtt', 'modbus', 'estimate', 'rapl', 'pmic', 'hwmon'] as const;

export const powerSchema = z.discriminatedUnion(
  'source',
  [
    mqttPowerSchema,
    modbusPowerSchema,
    estimatePowerSchema,
    raplPowerSchema,
    pmicPowerSchema,
    hwmonPowerSchema,
  ],
  { error: `expected source ${POWER_SOURCES.map((s) => `"${s}"`).join(', ')}` },
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
        /** Idle power measured this long before and again after an experiment with energy. */
        baselineSeconds: z.number().min(0).default(10),
        /** With energy: blocks per runtime (6 give a 95% interval of the median). */
        blocks: z.number().int().min(1).default(6),
        /** With energy: seconds per block; omit to size it for 10 readings of the source. */
        blockSeconds: z.number().positive().optional(),
      })
      .strict()
      .default({ repetitions: 20, warmup: 2, pauseMs: 0, baselineSeconds: 10, blocks: 6 }),
  })
  .strict();

export type Profile = z.infer<typeof profileSchema>;
