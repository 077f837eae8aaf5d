import type { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import { PI4_MODEL } from '../../power/cpu.js';
import { CODECS, isPlugFormat } from '../../power/formats/index.js';
import { PlugSimulator } from '../../power/plug-sim.js';
import { brokerUrlProblem, shownBroker } from '../../profiles/broker-url.js';
import { PLUG_FORMATS } from '../../profiles/schema.js';
import { stopSignal } from '../signals.js';

interface PlugSimOptions {
  broker?: string;
  format: string;
  topic?: string;
  host: string;
  port: number;
  periodMs?: number;
  idleWatts: number;
  fullWatts: number;
  username?: string;
  password?: string;
  quiet?: boolean;
  cpuOf?: number;
  stepAfter?: number;
  stepWatts?: number;
}

const integer = (name: string, min: number, max: number) => (value: string) => {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < min || parsed > max)
    throw new UsageError(`${name} must be an integer from ${min} to ${max}, got "${value}"`);
  return parsed;
};

const number = (name: string, min: number) => (value: string) => {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < min)
    throw new UsageError(`${name} must be a number >= ${min}, got "${value}"`);
  return parsed;
};

export function registerPlugSim(program: Command): void {
  program
    .command('plug-sim')
    .description(
      "a simulated smart plug: publish readings that follow this machine's CPU load, until Ctrl+C",
    )
    .requiredOption(
      '--format <format>',
      `${PLUG_FORMATS.join(', ')} (MQTT plugs) or modbus (a Gude Expert Power Control on Modbus TCP)`,
    )
    .option(
      '--broker <url>',
      'MQTT broker, e.g. mqtt://127.0.0.1:1883 (scripts/mosquitto.sh start 1883)',
    )
    .option('--topic <topic>', 'the plug topic, as `nebula power --topic` takes it')
    .option('--host <address>', 'modbus: the address to listen on', '127.0.0.1')
    .option('--port <port>', 'modbus: the TCP port to listen on', integer('--port', 1, 65535), 5020)
    .option(
      '--period-ms <ms>',
      'time between readings (default 1000; modbus: 100, how often the registers change)',
      number('--period-ms', 50),
    )
    .option(
      '--idle-watts <w>',
      'power with the CPU idle (Pi 4 model)',
      number('--idle-watts', 0),
      PI4_MODEL.idleWatts,
    )
    .option(
      '--full-watts <w>',
      'power with every core busy (Pi 4 model)',
      number('--full-watts', 0),
      PI4_MODEL.fullWatts,
    )
    .option(
      '--cpu-of <pid>',
      "model the power from this one process's CPU time, not the whole machine's (a machine shared with other work)",
      integer('--cpu-of', 1, 4_194_304),
    )
    .option(
      '--step-after <s>',
      'inject a step: from this many seconds after start, add --step-watts to every reading',
      number('--step-after', 0),
    )
    .option('--step-watts <w>', 'the step injected by --step-after', number('--step-watts', 0))
    .option('--username <name>', 'broker user')
    .option('--password <secret>', 'broker password')
    .option('--quiet', 'do not print each reading')
    .action((options: PlugSimOptions) => plugSim(options));
}

async function plugSim(options: PlugSimOptions): Promise<void> {
  if (options.format !== 'modbus' && !isPlugFormat(options.format)) {
    throw new UsageError(
      `unknown --format "${options.format}"; choose one of ${PLUG_FORMATS.join(', ')} or modbus`,
    );
  }
  if (options.fullWatts < options.idleWatts) {
    throw new UsageError(
      `--full-watts (${options.fullWatts}) must be at least --idle-watts (${options.idleWatts})`,
    );
  }
  if (options.format === 'modbus') return modbusSim(options);
  const { broker, topic } = options;
  if (broker === undefined || topic === undefined) {
    throw new UsageError(
      `--format ${options.format} publishes to an MQTT broker: give --broker and --topic`,
    );
  }
  const brokerProblem = brokerUrlProblem(broker);
  if (brokerProblem) throw new UsageError(`--broker: ${brokerProblem}`);
  const format = options.format;
  const periodMs = options.periodMs ?? 1000;
  if ((options.stepAfter === undefined) !== (options.stepWatts === undefined)) {
    throw new UsageError('--step-after and --step-watts go together: give both');
  }
  const step =
    options.stepAfter === undefined || options.stepWatts === undefined
      ? undefined
      : { afterS: options.stepAfter, watts: options.stepWatts };
  const sim = new PlugSimulator({
    ...options,
    broker,
    topic,
    periodMs,
    format,
    ...(options.cpuOf ? { cpuOf: options.cpuOf } : {}),
    ...(step ? { step } : {}),
  });
  const say = (line: string) => process.stderr.write(`plug-sim: ${line}\n`);
  say(
    `SIMULATED ${format} plug "${topic}" (${CODECS[format].topicMeaning}) on ${shownBroker(broker)}, ` +
      `every ${periodMs} ms, ${options.idleWatts}-${options.fullWatts} W by CPU load` +
      `${options.cpuOf ? ` of process ${options.cpuOf}` : ''}` +
      `${step ? `, +${step.watts} W from ${step.afterS} s` : ''}; Ctrl+C stops`,
  );
  let lastStatus = '';
  sim.on('status', (state, detail) => {
    const line = `${state}: ${detail}`;
    if (line !== lastStatus) say(state === 'down' ? `${line} (retrying)` : line);
    lastStatus = line;
  });
  if (!options.quiet) {
    sim.on('published', (_count, watts) => {
      process.stdout.write(
        `${new Date().toISOString().slice(11, 19)}  ${watts.toFixed(2).padStart(6)} W  (simulated)\n`,
      );
    });
  }
  const stopped = untilStopped();
  await sim.start();
  const signal = await stopped;
  await sim.stop();
  say(`${signal}: stopped after ${sim.published} readings`);
}

/** A simulated Gude Expert Power Control: Modbus TCP registers that follow the CPU load. */
async function modbusSim(options: PlugSimOptions): Promise<void> {
  if (options.broker !== undefined || options.topic !== undefined) {
    throw new UsageError(
      '--format modbus serves Modbus TCP itself: use --host and --port, not --broker or --topic',
    );
  }
  const periodMs = options.periodMs ?? 100;
  // Loaded here: modbus-serial takes a few hundred ms to load, which other commands need not pay.
  const { ModbusMeterSim } = await import('../../power/modbus-sim.js');
  const sim = new ModbusMeterSim({ ...options, periodMs });
  const say = (line: string) => process.stderr.write(`plug-sim: ${line}\n`);
  try {
    await sim.start();
  } catch (error) {
    throw new UsageError(
      `cannot listen on ${options.host}:${options.port}: ${(error as Error).message} (choose another --port; 502 needs root)`,
    );
  }
  say(
    `SIMULATED Gude Expert Power Control on modbus://${options.host}:${sim.port} ` +
      `(input registers 0x400-0x40b, line 1), changing every ${periodMs} ms, ` +
      `${options.idleWatts}-${options.fullWatts} W by CPU load; Ctrl+C stops`,
  );
  let lastPrinted = 0;
  if (!options.quiet) {
    sim.on('updated', (_count, watts) => {
      // The registers change ten times a second; a line a second is enough to watch.
      if (Date.now() - lastPrinted < 1000) return;
      lastPrinted = Date.now();
      process.stdout.write(
        `${new Date().toISOString().slice(11, 19)}  ${watts.toFixed(2).padStart(6)} W  (simulated)\n`,
      );
    });
  }
  const signal = await untilStopped();
  await sim.stop();
  say(`${signal}: stopped after ${sim.updates} updates`);
}

/** Resolves with the name of the stop signal (cli/signals.ts) that ends the simulation. */
function untilStopped(): Promise<string> {
  const stop = stopSignal();
  return new Promise((resolve) => {
    const done = () => resolve(String(stop.reason));
    if (stop.aborted) done();
    else stop.addEventListener('abort', done, { once: true });
  });
}
