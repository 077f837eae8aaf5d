/**
 * The energy estimator against known truth: seeded meter traces (measure/validation/) through
 * the session's attribution, bias and 95%-interval coverage per meter and machine condition,
 * printed as the markdown table of docs/ENERGY.md. Not part of `npm run benchmarks`: it measures
 * the method, not this machine, and gives the same table on any machine for the same seeds.
 * Usage: node dist/source/benchmarks/energy-validation.js [--runs 1000] [--seed 1]
 *        [--meters shelly,shelly-avg,tasmota,gude,pmic] [--machines steady,drift,step]
 *        [--idle interleaved,around]
 */
import { parseArgs } from 'node:util';
import { IDLE_LAYOUTS } from '../measure/plan.js';
import {
  defaultPlan,
  MACHINES,
  type MachineName,
  type MeterName,
} from '../measure/validation/conditions.js';
import { METERS } from '../measure/validation/meters.js';
import { type TableRow, validationHead, validationRow } from '../measure/validation/table.js';
import { validate } from '../measure/validation/validate.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '1000' },
    seed: { type: 'string', default: '1' },
    meters: { type: 'string', default: Object.keys(METERS).join(',') },
    machines: { type: 'string', default: Object.keys(MACHINES).join(',') },
    idle: { type: 'string', default: 'interleaved' },
  },
});

function choose<T extends string>(text: string, known: readonly T[], what: string): T[] {
  const chosen = text.split(',').filter(Boolean);
  for (const name of chosen) {
    if (!known.includes(name as T)) {
      console.error(`unknown ${what} "${name}"; choose from ${known.join(', ')}`);
      process.exit(2);
    }
  }
  return chosen as T[];
}

const runs = Number(values.runs);
const seed = Number(values.seed);
if (!Number.isInteger(runs) || runs < 1 || !Number.isInteger(seed)) {
  console.error('--runs must be a whole number of runs >= 1 and --seed a whole number');
  process.exit(2);
}
const meters = choose(values.meters, Object.keys(METERS) as MeterName[], 'meter');
const machines = choose(values.machines, Object.keys(MACHINES) as MachineName[], 'machine');
const layouts = choose(values.idle, IDLE_LAYOUTS, 'idle layout');
// Each line as its condition finishes: a long run stopped midway keeps what it finished.
process.stdout.write(validationHead());
for (const idle of layouts) {
  for (const meterName of meters) {
    const meter = METERS[meterName];
    for (const machine of machines) {
      const started = performance.now();
      const plan = defaultPlan(idle);
      const model = MACHINES[machine].model(meter, plan);
      const result = await validate(meter, model, plan, runs, seed);
      const row: TableRow = { meter: meter.name, workload: MACHINES[machine].label, idle, result };
      process.stdout.write(validationRow(row));
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      process.stderr.write(
        `energy-validation: ${idle} ${meterName} ${machine}: ${runs} runs in ${seconds} s\n`,
      );
    }
  }
}
