/**
 * The engine contract of the faces: everything `nebula` commands and the console need of the
 * machine a profile's functions run on, whichever machine that is. Two implementations:
 * LocalEngine (local-engine.ts: this process, the profile's Docker engine and power source)
 * and RemoteEngine (remote/remote-engine.ts: a `nebula serve` elsewhere, over HTTP).
 * createEngineForProfile (engine-for-profile.ts) is the one place that picks one; a face
 * never asks which one it holds. What the measurement session drives of it is the smaller
 * InvocationEngine (engine/invocation-engine.ts).
 */
import type { InvocationEngine } from '../engine/invocation-engine.js';
import type { MachineDescription } from '../engine/machine.js';
import type { SizesQuery, SizesRecord } from '../engine/sizes.js';
import type { Driver } from '../measure/driver.js';
import type { ExperimentPlan } from '../measure/plan.js';
import type { ExperimentOutcome, SessionOptions } from '../measure/types.js';
import type { PowerFlags } from '../power/create.js';
import type { PowerSource } from '../power/source.js';
import type { HeaderRecord } from '../session/records.js';

/** Where the functions run, as far as is known without asking: for people to read. */
export interface Where {
  /** The gateway they are reached through; null: they run in this process. */
  readonly gateway: string | null;
  /** The machine's host name (a gateway's once it has described itself). */
  readonly host: string | null;
  /** The machine a gateway described at connection; null here (ask machine()). */
  readonly machine: MachineDescription | null;
}

/** The power source where the functions run, as described before it is opened. */
export interface PowerOrigin {
  /** mqtt, modbus, estimate, rapl, pmic or hwmon. */
  kind: string;
  simulated: boolean;
  /** The broker or meter this machine reads it from; null when nothing on the network is. */
  broker: string | null;
}

/**
 * `driver`: who drives the session (measure/types.ts Driver). `target`, the default, runs the
 * whole experiment where the functions run; `client` runs it here and sends each invocation
 * there as one HTTP request: only an engine behind a gateway can, and says so when asked.
 */
export interface TargetRunOptions extends Omit<SessionOptions, 'invoke' | 'power'> {
  /** The source openPower gave, or null for time only (a gateway reads its own there). */
  power?: PowerSource | null;
  /**
   * The deployed sizes of the plan's functions go into the log first. A gateway always sends
   * its own with the experiment.
   */
  sizes?: boolean;
}

export interface TargetOutcome extends ExperimentOutcome {
  /** A remote run whose connection broke: what happened and what is kept where. */
  lost?: string | null;
  /** A remote run: the gateway's own session log of it. */
  remoteLog?: string | null;
}

export interface TargetEngine extends InvocationEngine {
  readonly where: Where;
  /**
   * A session log's first record: this process's machine, and the hashes of the named
   * functions' files where those files are here (none through a gateway).
   */
  header(profile: string, names?: readonly string[]): HeaderRecord;
  /** Every cell of the plan can run: its runtime loads and its function is deployed (a
   *  variant's artifacts are built when missing); else an Error that says what to deploy.
   *  With a driver: that driver can run the plan here, else a UsageError that says why. */
  checkReady(
    plan: ExperimentPlan,
    say: (line: string) => void,
    options?: { driver?: Driver },
  ): Promise<void>;
  /** Runs the plan where the functions run, with that machine's power source. */
  runExperiment(plan: ExperimentPlan, options: TargetRunOptions): Promise<TargetOutcome>;
  /** How the power source there is described; null when there is none. */
  powerOrigin(): PowerOrigin | null;
  /**
   * The power source of the machine the functions run on, not yet started: the profile's
   * with the flags over it here; a gateway's own, which flags cannot replace (UsageError).
   */
  openPower(flags?: PowerFlags): PowerSource;
  /** The deployed sizes there: files, and the Docker engine's images unless told not to. */
  sizes(query?: SizesQuery): Promise<SizesRecord>;
  /** null while the machine answers, else why not (this process always answers). */
  reachable(): Promise<string | null>;
}
