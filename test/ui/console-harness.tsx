/** Renders the real console in ink-testing-library against temp profiles and a temp log dir. */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConsoleController, type ConsoleOptions } from '../../source/console/controller.js';
import { parseSessionLog } from '../../source/session/read-log.js';
import { createEngineForProfile } from '../../source/target/engine-for-profile.js';
import type { TargetEngine } from '../../source/target/target-engine.js';
import { App } from '../../source/ui/App.js';
import { render } from './ink-testing.js';

export const KEYS = { escape: '\x1b', enter: '\r', down: '\x1b[B', backspace: '\x7f' };

/** A socket nobody listens on: the container runtime must say it cannot reach an engine. */
export const MISSING_DOCKER = `unix://${join(tmpdir(), `nebula-no-docker-${process.pid}.sock`)}`;

export interface Harness {
  controller: ConsoleController;
  frame: () => string;
  /** How many frames Ink has drawn so far (the test renderer draws every commit). */
  frames: () => number;
  press: (keys: string) => void;
  /** Every raw-mode change the console asked of its terminal since it was drawn. */
  rawModeChanges: boolean[];
  waitFor: (predicate: (frame: string) => boolean, what: string, ms?: number) => Promise<string>;
  /** Engines closed so far, by profile name. */
  closed: string[];
  logRecords: () => Array<Record<string, unknown> & { type: string }>;
  dispose: () => Promise<void>;
}

export function writeProfiles(dir: string, docker?: string): void {
  mkdirSync(dir, { recursive: true });
  // The estimate source reads once a second: idle 2 s before and after, one block of 4 s.
  const experiment = {
    repetitions: 3,
    warmup: 0,
    pauseMs: 0,
    baselineSeconds: 2,
    blocks: 1,
    blockSeconds: 4,
  };
  for (const name of ['local', 'other']) {
    const profile = {
      name,
      label: `test profile ${name}`,
      docker: docker ? { host: docker } : {},
      power: { source: 'estimate', idleWatts: 2, fullWatts: 5 },
      experiment,
    };
    writeFileSync(join(dir, `${name}.json`), JSON.stringify(profile));
  }
}

const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;?]*[A-Za-z]`, 'g');

/**
 * Draws the console of a controller made by the test (not started): the Ink app, its last
 * frame without colours, and a wait for a frame that fails with the last frame it saw.
 */
export function drawConsole(controller: ConsoleController, { waitMs = 30_000 } = {}) {
  const app = render(<App controller={controller} />);
  const frame = () => (app.lastFrame() ?? '').replace(ANSI, '');
  const waitFor = async (
    predicate: (frame: string) => boolean,
    what: string,
    ms = waitMs,
  ): Promise<string> => {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
      const current = frame();
      if (predicate(current)) return current;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error(`timed out waiting for ${what}; last frame:\n${frame()}`);
  };
  return { app, frame, waitFor };
}

export function startConsole(
  options: { docker?: string; createPower?: ConsoleOptions['createPower'] } = {},
): Harness {
  const root = mkdtempSync(join(tmpdir(), 'nebula-ui-'));
  const profilesDir = join(root, 'profiles');
  const logsDir = join(root, 'logs');
  writeProfiles(profilesDir, options.docker);
  const closed: string[] = [];
  const controller = new ConsoleController({
    profile: 'local',
    profilesDir,
    logsDir,
    probeIntervalMs: 500,
    createPower: options.createPower,
    createEngine: async (profile): Promise<TargetEngine> => {
      const engine = await createEngineForProfile(profile);
      const close = engine.close.bind(engine);
      engine.close = async () => {
        closed.push(profile.name);
        await close();
      };
      return engine;
    },
  });
  const { app, frame, waitFor } = drawConsole(controller);
  const rawModeChanges: boolean[] = [];
  // Ink calls setRawMode(enabled); ink-testing-library's fake stdin declares no argument.
  const stdin = app.stdin as unknown as { setRawMode: (enabled: boolean) => void };
  const setRawMode = stdin.setRawMode.bind(stdin);
  stdin.setRawMode = (enabled) => {
    rawModeChanges.push(enabled);
    setRawMode(enabled);
  };
  void controller.start();
  return {
    controller,
    frame,
    frames: () => app.frames.length,
    closed,
    press: (keys) => app.stdin.write(keys),
    rawModeChanges,
    waitFor,
    logRecords() {
      const [file] = readdirSync(logsDir);
      if (!file) return [];
      // biome-ignore lint/suspicious/noExplicitAny: tests read any field of any record
      return parseSessionLog(readFileSync(join(logsDir, file), 'utf8')).records as any[];
    },
    async dispose() {
      await controller.close('test end');
      app.unmount();
      app.cleanup();
      rmSync(root, { recursive: true, force: true });
    },
  };
}
