import type { Command } from 'commander';
import { registerFunctions } from './functions.js';
import { registerInvoke } from './invoke.js';
import { registerServe } from './serve.js';

/** Every `nebula` subcommand, one file each. */
export const COMMANDS: Array<(program: Command) => void> = [
  registerFunctions,
  registerInvoke,
  registerServe,
];
