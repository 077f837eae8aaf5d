/** What each command does to the controller, as a table: one handler per command. */
import type { ConsoleController } from '../console/controller.js';
import type { Command } from './keymap.js';

type Handler = (controller: ConsoleController, quit: () => void) => void;

const MAIN: Partial<Record<Command, Handler>> = {
  up: (c) => c.store.dispatch({ type: 'move', delta: -1 }),
  down: (c) => c.store.dispatch({ type: 'move', delta: 1 }),
  'invoke-wasm': (c) => c.invoke('wasm'),
  'invoke-container': (c) => c.invoke('container'),
  'invoke-both': (c) => c.invoke('both'),
  'toggle-mode': (c) => c.toggleMode(),
  'edit-input': (c) => c.store.dispatch({ type: 'open', overlay: 'input' }),
  'start-experiment': (c) => c.startExperiment(),
  'stop-experiment': (c) => {
    void c.stopExperiment();
  },
  'switch-profile': (c) => c.openProfiles(),
  'show-log': (c) => c.store.dispatch({ type: 'open', overlay: 'log' }),
  help: (c) => c.store.dispatch({ type: 'open', overlay: 'help' }),
  quit: (_, quit) => quit(),
};

const close: Handler = (c) => c.store.dispatch({ type: 'close' });

/** Help and log overlays: Escape or their own key closes them; q still quits. */
const OVERLAY: Partial<Record<Command, Handler>> = {
  close,
  help: close,
  'show-log': close,
  quit: (_, quit) => quit(),
};

export function mainCommand(
  controller: ConsoleController,
  command: Command,
  quit: () => void,
): void {
  MAIN[command]?.(controller, quit);
}

export function overlayCommand(
  controller: ConsoleController,
  command: Command,
  quit: () => void,
): void {
  OVERLAY[command]?.(controller, quit);
}
