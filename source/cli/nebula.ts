#!/usr/bin/env node
import { Command } from 'commander';
import { COMMANDS } from './commands/index.js';
import { runMain } from './run.js';

const program = new Command('nebula')
  .description('Run the same function as WebAssembly and as a container, and measure both')
  .showHelpAfterError('(run with --help for usage)');
for (const register of COMMANDS) register(program);

await runMain(() => program.parseAsync(process.argv));
