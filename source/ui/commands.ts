/** What each command does to the controller, as a table: one handler per command. */
import type { ConsoleController } from '../console/controller.js';
import type { Command } from './keymap.js';

/** What the screen offers the commands: quitting, and drawing every row again. */
export interface ScreenActions {
  quit: () => void;
  repaint: () => void;
  /** Scrolls the open overlay by lines (the screen knows how far it can go). */
  scroll: (delta: number) => void;
}

type Handler = (controller: ConsoleController, screen: ScreenActions) => void;

const MAIN: Partial<Record<Command, Handler>> = {
  up: (c) => c.store.dispatch({ type: 'move', delta: -1 }),
  down: (c) => c.store.dispatch({ type: 'move', delta: 1 }),
  'invoke-wasm': (c) => c.invoke('wasm'),
  'invoke-container': (c) => c.invoke('container'),
  'invoke-both': (c) => c.invoke('both'),
  'toggle-mode': (c) => c.toggleMode(),
  'switch-wasm': (c) => c.switchWasmRuntime(),
  deploy: (c) => c.deploy(),
  'edit-input': (c) => c.store.dispatch({ type: 'open', overlay: 'input' }),
  filter: (c) => c.store.dispatch({ type: 'open', overlay: 'filter' }),
  'start-experiment': (c) => c.startExperiment(),
  'stop-experiment': (c) => {
    void c.stopExperiment();
  },
  'choose-plan': (c) => c.openPlans(),
  'switch-profile': (c) => c.openProfiles(),
  'show-log': (c) => c.store.dispatch({ type: 'open', overlay: 'log' }),
  'show-results': (c) => c.store.dispatch({ type: 'open', overlay: 'results' }),
  help: (c) => c.store.dispatch({ type: 'open', overlay: 'help' }),
  quit: (_, screen) => screen.quit(),
  redraw: (_, screen) => screen.repaint(),
};

const close: Handler = (c) => c.store.dispatch({ type: 'close' });

/** Help, log and results overlays: Escape or their own key closes them, arrows scroll; q still quits. */
const OVERLAY: Partial<Record<Command, Handler>> = {
  close,
  up: (_, screen) => screen.scroll(-1),
  down: (_, screen) => screen.scroll(1),
  help: close,
  'show-log': close,
  'show-results': close,
  quit: (_, screen) => screen.quit(),
  redraw: (_, screen) => screen.repaint(),
};

/** The plan picker: move, thin, run the highlighted plan, or close. */
const PLANS: Partial<Record<Command, Handler>> = {
  close,
  up: (c) => c.store.dispatch({ type: 'plans-move', delta: -1 }),
  down: (c) => c.store.dispatch({ type: 'plans-move', delta: 1 }),
  'thin-more': (c) => c.thinPlans(1),
  'thin-less': (c) => c.thinPlans(-1),
  confirm: (c) => c.runPlan(),
};

export function plansCommand(
  controller: ConsoleController,
  command: Command,
  screen: ScreenActions,
): void {
  PLANS[command]?.(controller, screen);
}

export function mainCommand(
  controller: ConsoleController,
  command: Command,
  screen: ScreenActions,
): void {
  MAIN[command]?.(controller, screen);
}

export function overlayCommand(
  controller: ConsoleController,
  command: Command,
  screen: ScreenActions,
): void {
  OVERLAY[command]?.(controller, screen);
}
