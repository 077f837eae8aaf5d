/**
 * Every key the console answers to, once, as data: the command, its keys, what it does and
 * where it applies. Components match commands, never raw keys; the help overlay is drawn
 * from this table.
 */
import type { Key } from '#ui-vendor';

/** Where a command applies: the main screen or one of the overlays, which own the keys. */
export type Scope = 'main' | 'help' | 'input' | 'profiles' | 'log' | 'filter' | 'results' | 'plans';

export type Command =
  | 'up'
  | 'down'
  | 'filter'
  | 'invoke-wasm'
  | 'invoke-container'
  | 'invoke-both'
  | 'toggle-mode'
  | 'switch-wasm'
  | 'deploy'
  | 'edit-input'
  | 'start-experiment'
  | 'stop-experiment'
  | 'choose-plan'
  | 'thin-more'
  | 'thin-less'
  | 'switch-profile'
  | 'show-log'
  | 'show-results'
  | 'help'
  | 'redraw'
  | 'quit'
  | 'confirm'
  | 'close';

type NamedKey = 'upArrow' | 'downArrow' | 'leftArrow' | 'rightArrow' | 'return' | 'escape';

export interface KeySpec {
  /** A printable character, e.g. "w". */
  input?: string;
  /** A named key as Ink reports it. */
  key?: NamedKey;
  ctrl?: boolean;
  /** How the help overlay writes it. */
  label: string;
}

export interface Binding {
  command: Command;
  keys: KeySpec[];
  description: string;
  category: 'Functions' | 'Experiment' | 'Console' | 'Overlays';
  scopes: Scope[];
}

const ch = (input: string): KeySpec => ({ input, label: input });

export const KEYMAP: readonly Binding[] = [
  {
    command: 'up',
    keys: [{ key: 'upArrow', label: '↑' }, ch('k')],
    description: 'select the function above (in help and results: scroll)',
    category: 'Functions',
    scopes: ['main', 'profiles', 'filter', 'help', 'results', 'plans'],
  },
  {
    command: 'down',
    keys: [{ key: 'downArrow', label: '↓' }, ch('j')],
    description: 'select the function below (in help and results: scroll)',
    category: 'Functions',
    scopes: ['main', 'profiles', 'filter', 'help', 'results', 'plans'],
  },
  {
    command: 'filter',
    keys: [ch('/')],
    description: 'list only functions whose name holds what you type',
    category: 'Functions',
    scopes: ['main'],
  },
  {
    command: 'invoke-wasm',
    keys: [ch('w')],
    description: 'invoke the selected function on the chosen Wasm runtime',
    category: 'Functions',
    scopes: ['main'],
  },
  {
    command: 'invoke-container',
    keys: [ch('c')],
    description: 'invoke it in a container',
    category: 'Functions',
    scopes: ['main'],
  },
  {
    command: 'invoke-both',
    keys: [ch('b')],
    description: 'invoke it on both, Wasm first',
    category: 'Functions',
    scopes: ['main'],
  },
  {
    command: 'toggle-mode',
    keys: [ch('m')],
    description: 'switch between cold and warm starts',
    category: 'Functions',
    scopes: ['main'],
  },
  {
    command: 'switch-wasm',
    keys: [ch('t')],
    description: 'switch the Wasm side: wasm (component, jco) or wasm-p1 (node:wasi)',
    category: 'Functions',
    scopes: ['main'],
  },
  {
    command: 'deploy',
    keys: [ch('d')],
    description: 'deploy the selected function on every runtime it supports',
    category: 'Functions',
    scopes: ['main'],
  },
  {
    command: 'edit-input',
    keys: [ch('i')],
    description: "edit the function's input",
    category: 'Functions',
    scopes: ['main'],
  },
  {
    command: 'start-experiment',
    keys: [ch('s')],
    description: "start an experiment (profile's repetitions, runtimes interleaved)",
    category: 'Experiment',
    scopes: ['main'],
  },
  {
    command: 'stop-experiment',
    // Not Esc: a stray Esc (closing one overlay too many, or an arrow key's escape sequence
    // split by a slow link) must not end a long run.
    keys: [ch('x')],
    description: 'stop the experiment or plan after the current invocation',
    category: 'Experiment',
    scopes: ['main'],
  },
  {
    command: 'choose-plan',
    keys: [ch('f')],
    description: 'choose a plan file (plans/, your own plans folder) and run it',
    category: 'Experiment',
    scopes: ['main'],
  },
  {
    command: 'thin-more',
    keys: [ch('+'), { key: 'rightArrow', label: '→' }],
    description: 'in the plan picker: keep fewer inputs, every K-th with K up (1 2 3 5 10 ...)',
    category: 'Overlays',
    scopes: ['plans'],
  },
  {
    command: 'thin-less',
    keys: [ch('-'), { key: 'leftArrow', label: '←' }],
    description: 'in the plan picker: keep more inputs, K down to 1 (all of them)',
    category: 'Overlays',
    scopes: ['plans'],
  },
  {
    command: 'switch-profile',
    keys: [ch('p')],
    description: 'switch profile (reconnects, new log segment)',
    category: 'Console',
    scopes: ['main'],
  },
  {
    command: 'show-log',
    keys: [ch('l')],
    description: 'session log path and recent invocations',
    category: 'Console',
    scopes: ['main', 'log'],
  },
  {
    command: 'show-results',
    keys: [ch('r')],
    description: "the session's experiments as nebula report shows them",
    category: 'Experiment',
    scopes: ['main', 'results'],
  },
  {
    command: 'help',
    keys: [ch('?')],
    description: 'this help',
    category: 'Console',
    scopes: ['main', 'help'],
  },
  {
    command: 'redraw',
    keys: [{ input: 'l', ctrl: true, label: 'Ctrl+L' }],
    description: 'clear the terminal and draw the screen again',
    category: 'Console',
    scopes: ['main', 'help', 'log', 'results'],
  },
  {
    command: 'quit',
    keys: [ch('q'), { input: 'c', ctrl: true, label: 'Ctrl+C' }],
    description: 'quit: stop warm containers, close the log',
    category: 'Console',
    scopes: ['main', 'help', 'log', 'results'],
  },
  {
    command: 'confirm',
    keys: [{ key: 'return', label: 'Enter' }],
    description: 'apply the input / choose the profile / run the plan / keep the filter',
    category: 'Overlays',
    scopes: ['input', 'profiles', 'filter', 'plans'],
  },
  {
    command: 'close',
    keys: [{ key: 'escape', label: 'Esc' }],
    description: 'close the overlay, cancel the edit, clear the filter',
    category: 'Overlays',
    scopes: ['help', 'input', 'profiles', 'log', 'filter', 'results', 'plans'],
  },
];

export function keysLabel(binding: Binding): string {
  return binding.keys.map((key) => key.label).join('/');
}

function matches(spec: KeySpec, input: string, key: Partial<Key>): boolean {
  if (Boolean(spec.ctrl) !== Boolean(key.ctrl)) return false;
  if (spec.key) return key[spec.key] === true;
  return spec.input === input;
}

/** The command a key press means in this scope, or null. */
export function commandFor(
  scope: Scope,
  input: string,
  key: Partial<Key>,
  keymap: readonly Binding[] = KEYMAP,
): Command | null {
  for (const binding of keymap) {
    if (!binding.scopes.includes(scope)) continue;
    if (binding.keys.some((spec) => matches(spec, input, key))) return binding.command;
  }
  return null;
}
