import type { Command } from 'commander';
import { registerBench } from './bench.js';
import { registerCheck } from './check.js';
import { registerDeploy } from './deploy.js';
import { registerFunctions } from './functions.js';
import { registerInvoke } from './invoke.js';
import { registerPlugSim } from './plug-sim.js';
import { registerPower } from './power.js';
import { registerReport } from './report.js';
import { registerServe } from './serve.js';

/** Every `nebula` subcommand, one file each. */
export const COMMANDS: Array<(program: Command) => void> = [
  registerFunctions,
  registerDeploy,
  registerInvoke,
  registerCheck,
  registerBench,
  registerReport,
  registerServe,
  registerPower,
  registerPlugSim,
];
