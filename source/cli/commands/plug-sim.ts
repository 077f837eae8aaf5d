import type { Command } from 'commander';
import { UsageError } from '../../engine/engine.js';
import { PI4_MODEL } from '../../power/cpu.js';
import { CODECS, isPlugFormat } from '../../power/formats/index.js';
import { PlugSimulator } from '../../power/plug-sim.js';
import { PLUG_FORMATS } from '../../profiles/schema.js';

interface PlugSimOptions {
  broker: string;
  format: string;
  topic: string;
  periodMs: number;
  idleWatts: number;
  fullWatts: number;
  username?: string;
  password?: string;
  quiet?: boolean;
}

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
      '--broker <url>',
      'MQTT broker, e.g. mqtt://127.0.0.1:1883 (scripts/mosquitto.sh start 1883)',
    )
    .requiredOption('--format <format>', PLUG_FORMATS.join(', '))
    .requiredOption('--topic <topic>', 'the plug topic, as `nebula power --topic` takes it')
    .option('--period-ms <ms>', 'time between readings', number('--period-ms', 50), 1000)
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
    .option('--username <name>', 'broker user')
    .option('--password <secret>', 'broker password')
    .option('--quiet', 'do not print each reading')
    .action((options: PlugSimOptions) => plugSim(options));
}

async function plugSim(options: PlugSimOptions): Promise<void> {
  if (!isPlugFormat(options.format)) {
    throw new UsageError(
      `unknown --format "${options.format}"; choose one of ${PLUG_FORMATS.join(', ')}`,
    );
  }
  if (!/^(mqtts?|wss?|tcp):\/\/[^/\s]+/.test(options.broker)) {
    throw new UsageError(
      `--broker must be a URL such as mqtt://127.0.0.1:1883, got "${options.broker}"`,
    );
  }
  if (options.fullWatts < options.idleWatts) {
    throw new UsageError(
      `--full-watts (${options.fullWatts}) must be at least --idle-watts (${options.idleWatts})`,
    );
  }
  const format = options.format;
  const sim = new PlugSimulator({ ...options, format });
  const say = (line: string) => process.stderr.write(`plug-sim: ${line}\n`);
  say(
    `SIMULATED ${format} plug "${options.topic}" (${CODECS[format].topicMeaning}) on ${options.broker}, ` +
      `every ${options.periodMs} ms, ${options.idleWatts}-${options.fullWatts} W by CPU load; Ctrl+C stops`,
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
  const stopped = new Promise<string>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  await sim.start();
  const signal = await stopped;
  await sim.stop();
  say(`${signal}: stopped after ${sim.published} readings`);
}
