/**
 * Holds the console's state and tells subscribers when it changed: batched, at most once per
 * `intervalMs`, and only when the state is a different object than the one last published.
 * Shaped for React's useSyncExternalStore (subscribe, getSnapshot), with no React in it.
 */
import { type Action, reduce } from './reducer.js';
import type { ConsoleState } from './state.js';

/** About 12 publications a second: no faster than the screen is drawn (maxFps 15). */
export const PUBLISH_INTERVAL_MS = 80;

export class ConsoleStore {
  private state: ConsoleState;
  private published: ConsoleState;
  private readonly listeners = new Set<() => void>();
  private timer: NodeJS.Timeout | undefined;
  private lastPublishAt = 0;
  private held = 0;
  /** How many times subscribers were told; tests read it to check the batching. */
  publications = 0;

  constructor(
    initial: ConsoleState,
    private readonly intervalMs = PUBLISH_INTERVAL_MS,
  ) {
    this.state = initial;
    this.published = initial;
  }

  /** The state subscribers have been told about (stable between publications). */
  getSnapshot = (): ConsoleState => this.published;

  /** The newest state, published or not (for the controller's own decisions). */
  get current(): ConsoleState {
    return this.state;
  }

  /** Whether a change waits to be published: a frame is coming anyway. */
  get changePending(): boolean {
    return this.published !== this.state;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  dispatch(action: Action): void {
    const next = reduce(this.state, action);
    if (next === this.state) return;
    this.state = next;
    this.schedule();
  }

  /** Publishes now what is pending (keys a person pressed should answer at once). */
  flush = (): void => {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.published === this.state) return;
    this.published = this.state;
    this.lastPublishAt = Date.now();
    this.publications++;
    for (const listener of this.listeners) listener();
  };

  /**
   * An invocation is in flight: nothing is published until unhold(), so drawing the screen
   * never shares the main thread with a measurement.
   */
  hold(): void {
    this.held++;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  unhold(): void {
    this.held = Math.max(0, this.held - 1);
    if (this.held === 0 && this.published !== this.state) this.schedule();
  }

  /**
   * Between two invocations: publish now if a publication is due, and resolve once the
   * screen has drawn it (React renders in a microtask, Ink draws in the commit).
   */
  async settle(): Promise<void> {
    if (this.published === this.state) return;
    if (Date.now() - this.lastPublishAt < this.intervalMs) return;
    this.flush();
    await new Promise((resolve) => setImmediate(resolve));
  }

  close(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    if (this.timer || this.held > 0) return;
    const wait = Math.max(0, this.lastPublishAt + this.intervalMs - Date.now());
    this.timer = setTimeout(this.flush, wait);
  }
}
