import { setFlagsFromString } from 'node:v8';
import { Worker } from 'node:worker_threads';
import type { FromWorker, ToWorker, WasmJob, WasmJobResult, WorkerData } from './protocol.js';

// node:wasi on Node 20 segfaults after a few thousand calls with fast API calls on
// (Node issues 46777 and 53087); turning them off costs nothing measurable.
setFlagsFromString('--no-turbo-fast-api-calls');

const WORKER_URL = new URL('./worker.js', import.meta.url);

export type JobOutcome =
  | { kind: 'done'; result: WasmJobResult }
  | { kind: 'timeout' }
  | { kind: 'aborted' }
  | { kind: 'crashed'; message: string };

interface Pending {
  job: WasmJob;
  timeoutMs: number;
  signal?: AbortSignal;
  resolve(outcome: JobOutcome): void;
}

interface Slot {
  worker: Worker;
  /** Resolves once the worker has booted and imported every preloaded glue file. */
  ready: Promise<void>;
  loading: Map<string, () => void>;
  busy: Pending | null;
  timer: NodeJS.Timeout | null;
  onAbort: (() => void) | null;
}

/**
 * Worker threads that run Wasm jobs one at a time each. A job past its timeout has its worker
 * terminated (the only way to stop running Wasm) and a fresh worker takes its place.
 */
export class WorkerPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private nextId = 1;
  private closed = false;
  private readonly preload = new Set<string>();

  constructor(private readonly size = 1) {}

  run(job: Omit<WasmJob, 'id'>, timeoutMs: number, signal?: AbortSignal): Promise<JobOutcome> {
    if (this.closed)
      return Promise.resolve({ kind: 'crashed', message: 'the Wasm runtime is closed' });
    if (signal?.aborted) return Promise.resolve({ kind: 'aborted' });
    return new Promise((resolve) => {
      this.queue.push({ job: { ...job, id: this.nextId++ }, timeoutMs, signal, resolve });
      this.dispatch();
    });
  }

  /** Starts the workers ahead of the first job, so the first measured call is not a spawn. */
  warm(): void {
    while (this.slots.length < this.size) this.slots.push(this.spawn());
  }

  /**
   * Waits until every worker is booted and has imported `gluePath` (if given), so that what
   * the caller times next is the invocation and not the runtime starting up.
   */
  async ready(gluePath?: string): Promise<void> {
    this.warm();
    if (gluePath && !this.preload.has(gluePath)) {
      this.preload.add(gluePath);
      await Promise.all(this.slots.map((slot) => this.load(slot, gluePath)));
    }
    await Promise.all(this.slots.map((slot) => slot.ready));
  }

  private load(slot: Slot, path: string): Promise<void> {
    return new Promise((resolve) => {
      slot.loading.set(path, resolve);
      this.post(slot, { type: 'load', path });
    });
  }

  private post(slot: Slot, message: ToWorker): void {
    slot.worker.ref();
    slot.worker.postMessage(message);
  }

  private idle(slot: Slot): void {
    if (!slot.busy && slot.loading.size === 0) slot.worker.unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const pending of this.queue.splice(0)) pending.resolve({ kind: 'aborted' });
    await Promise.all(this.slots.splice(0).map((slot) => slot.worker.terminate()));
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      let slot = this.slots.find((candidate) => candidate.busy === null);
      if (!slot && this.slots.length < this.size) {
        slot = this.spawn();
        this.slots.push(slot);
      }
      if (!slot) return;
      this.start(slot, this.queue.shift() as Pending);
    }
  }

  private start(slot: Slot, pending: Pending): void {
    slot.busy = pending;
    slot.timer = setTimeout(() => this.kill(slot, { kind: 'timeout' }), pending.timeoutMs);
    if (pending.signal) {
      slot.onAbort = () => this.kill(slot, { kind: 'aborted' });
      pending.signal.addEventListener('abort', slot.onAbort, { once: true });
    }
    this.post(slot, { type: 'job', job: pending.job });
  }

  private finish(slot: Slot, outcome: JobOutcome): void {
    const pending = slot.busy;
    if (!pending) return;
    if (slot.timer) clearTimeout(slot.timer);
    if (slot.onAbort) pending.signal?.removeEventListener('abort', slot.onAbort);
    slot.busy = null;
    slot.timer = null;
    slot.onAbort = null;
    this.idle(slot);
    pending.resolve(outcome);
  }

  private kill(slot: Slot, outcome: JobOutcome): void {
    this.finish(slot, outcome);
    this.replace(slot);
  }

  private replace(slot: Slot): void {
    const index = this.slots.indexOf(slot);
    if (index >= 0) this.slots.splice(index, 1);
    slot.worker.removeAllListeners();
    void slot.worker.terminate();
    if (!this.closed) this.dispatch();
  }

  private spawn(): Slot {
    const workerData: WorkerData = { preload: [...this.preload] };
    const worker = new Worker(WORKER_URL, {
      workerData,
      resourceLimits: { maxOldGenerationSizeMb: 512 },
    });
    let markReady = () => {};
    const ready = new Promise<void>((resolve) => {
      markReady = resolve;
    });
    const slot: Slot = {
      worker,
      ready,
      loading: new Map(),
      busy: null,
      timer: null,
      onAbort: null,
    };
    worker.on('message', (message: FromWorker) => {
      if (message.type === 'ready') markReady();
      else if (message.type === 'loaded') {
        slot.loading.get(message.path)?.();
        slot.loading.delete(message.path);
        this.idle(slot);
      } else if (slot.busy?.job.id === message.result.id) {
        this.finish(slot, { kind: 'done', result: message.result });
        this.dispatch();
      }
    });
    worker.on('error', (error) => {
      markReady();
      for (const resolve of slot.loading.values()) resolve();
      this.finish(slot, { kind: 'crashed', message: error.message });
      this.replace(slot);
    });
    worker.on('exit', () => {
      this.finish(slot, { kind: 'crashed', message: 'the Wasm worker exited' });
      if (this.slots.includes(slot)) this.replace(slot);
    });
    // An idle pool must not keep the process alive; a booting or busy one must.
    void ready.then(() => this.idle(slot));
    return slot;
  }
}
