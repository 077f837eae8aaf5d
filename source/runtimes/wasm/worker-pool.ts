import { setFlagsFromString } from 'node:v8';
import {
  MessageChannel,
  type MessagePort,
  receiveMessageOnPort,
  Worker,
} from 'node:worker_threads';
import { wasiNodeFlags } from '../../core/node-support.js';
import {
  type FromWorker,
  type GlueRef,
  HANDOFF,
  type ToWorker,
  type WasmJob,
  type WasmJobResult,
  type WorkerData,
} from './protocol.js';

// node:wasi on Node 20 and 22 segfaults after a few thousand calls with fast API calls on
// (core/node-support.ts); set before any worker starts, the flag holds for them all.
for (const flag of wasiNodeFlags()) setFlagsFromString(flag);

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
  port: MessagePort;
  flags: Int32Array;
  /** Resolves once the worker has booted and imported every preloaded glue file. */
  ready: Promise<void>;
  markReady(): void;
  loading: Map<string, () => void>;
  busy: Pending | null;
  timer: NodeJS.Timeout | null;
  onAbort: (() => void) | null;
}

const loadKey = ({ path, revision }: GlueRef) => `${revision} ${path}`;

/**
 * Worker threads that run Wasm jobs one at a time each. A job past its timeout has its worker
 * terminated (the only way to stop running Wasm) and a fresh worker takes its place.
 */
export class WorkerPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private nextId = 1;
  private closed = false;
  /** Glue every worker imports, by glue file: its latest revision (a new worker boots with it). */
  private readonly preload = new Map<string, string>();

  /** `env`: the workers' environment (default: this process's). */
  constructor(
    private readonly size = 1,
    private readonly env?: NodeJS.ProcessEnv,
  ) {}

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
  async ready(glue?: GlueRef): Promise<void> {
    this.warm();
    if (glue && this.preload.get(glue.path) !== glue.revision) {
      this.preload.set(glue.path, glue.revision);
      await Promise.all(this.slots.map((slot) => this.load(slot, glue)));
    }
    await Promise.all(this.slots.map((slot) => slot.ready));
  }

  private load(slot: Slot, glue: GlueRef): Promise<void> {
    return new Promise((resolve) => {
      slot.loading.set(loadKey(glue), resolve);
      // Nothing else may keep the process alive while it waits for the worker.
      slot.worker.ref();
      slot.port.ref();
      this.post(slot, { type: 'load', ...glue });
    });
  }

  /** A job needs no ref: its timeout timer keeps the process alive until it ends. */
  private post(slot: Slot, message: ToWorker): void {
    slot.port.postMessage(message);
    if (!this.handOff) return;
    Atomics.store(slot.flags, HANDOFF.toWorker, 1);
    Atomics.notify(slot.flags, HANDOFF.toWorker);
  }

  /**
   * Only a pool of one (invocations one at a time: commands, bench, console) hands jobs over
   * through the shared flags and blocks the main thread for its result; a larger pool serves
   * concurrent callers (the gateway), whose other requests must keep moving meanwhile.
   */
  private get handOff(): boolean {
    return this.size === 1;
  }

  private idle(slot: Slot): void {
    if (slot.loading.size === 0) {
      slot.worker.unref();
      slot.port.unref();
    }
  }

  /** Blocks briefly for a quick result, so a short job does not wait on the event loop. */
  private takeQuickResult(slot: Slot): void {
    Atomics.wait(slot.flags, HANDOFF.toHost, 0, HANDOFF.hostWindowMs);
    if (Atomics.exchange(slot.flags, HANDOFF.toHost, 0) === 0) return;
    const received = receiveMessageOnPort(slot.port);
    if (received) this.onMessage(slot, received.message as FromWorker);
  }

  private onMessage(slot: Slot, message: FromWorker): void {
    if (message.type === 'ready') slot.markReady();
    else if (message.type === 'loaded') {
      slot.loading.get(loadKey(message))?.();
      slot.loading.delete(loadKey(message));
      this.idle(slot);
    } else if (slot.busy?.job.id === message.result.id) {
      this.finish(slot, { kind: 'done', result: message.result });
      this.dispatch();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const pending of this.queue.splice(0)) pending.resolve({ kind: 'aborted' });
    await Promise.all(
      this.slots.splice(0).map((slot) => {
        slot.port.close();
        return slot.worker.terminate();
      }),
    );
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
    Atomics.store(slot.flags, HANDOFF.toHost, 0);
    this.post(slot, { type: 'job', job: pending.job });
    if (this.handOff) this.takeQuickResult(slot);
  }

  private finish(slot: Slot, outcome: JobOutcome): void {
    const pending = slot.busy;
    if (!pending) return;
    if (slot.timer) clearTimeout(slot.timer);
    if (slot.onAbort) pending.signal?.removeEventListener('abort', slot.onAbort);
    slot.busy = null;
    slot.timer = null;
    slot.onAbort = null;
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
    slot.port.close();
    void slot.worker.terminate();
    if (!this.closed) this.dispatch();
  }

  private spawn(): Slot {
    const { port1, port2 } = new MessageChannel();
    const handoff = new SharedArrayBuffer(8);
    const workerData: WorkerData = {
      preload: [...this.preload].map(([path, revision]) => ({ path, revision })),
      port: port2,
      handoff,
      handOff: this.handOff,
    };
    const worker = new Worker(WORKER_URL, {
      workerData,
      transferList: [port2],
      resourceLimits: { maxOldGenerationSizeMb: 512 },
      ...(this.env ? { env: this.env } : {}),
    });
    let markReady = () => {};
    const ready = new Promise<void>((resolve) => {
      markReady = resolve;
    });
    const slot: Slot = {
      worker,
      port: port1,
      flags: new Int32Array(handoff),
      ready,
      markReady,
      loading: new Map(),
      busy: null,
      timer: null,
      onAbort: null,
    };
    port1.on('message', (message: FromWorker) => {
      Atomics.store(slot.flags, HANDOFF.toHost, 0);
      this.onMessage(slot, message);
    });
    worker.on('error', (error) => {
      slot.markReady();
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
