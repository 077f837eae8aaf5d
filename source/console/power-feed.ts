/**
 * Feeds a power source's readings and status into the console's store: the sparkline, the
 * current watts, the stale flag and, for a plug, the broker's state in the status bar.
 */
import type { PowerSample, PowerStatus } from '../power/sample.js';
import type { PowerSource } from '../power/source.js';
import { sourceAddress } from '../power/source-address.js';
import type { PowerConfig, Profile } from '../profiles/schema.js';
import type { TargetEngine } from '../target/target-engine.js';
import type { PowerLabel, ServiceStatus } from './state.js';
import type { ConsoleStore } from './store.js';

export function powerLabel(config: PowerConfig): PowerLabel {
  return sourceLabel({
    kind: config.source,
    simulated: 'simulated' in config && !!config.simulated,
  });
}

/**
 * A source by its description: a plug or a Modbus meter (a real meter on the wall socket,
 * shown as a plug like the MQTT ones), simulated when it says so, or the kind itself.
 */
export function sourceLabel(power: { kind: string; simulated: boolean }): PowerLabel {
  if (power.kind === 'mqtt' || power.kind === 'modbus')
    return power.simulated ? 'simulated' : 'plug';
  return power.kind === 'rapl' || power.kind === 'pmic' || power.kind === 'hwmon'
    ? power.kind
    : 'estimate';
}

/** What the status bar's broker slot shows: this machine's plug broker, or nothing. */
export type BrokerSlot = { broker: string } | { none: string };

export function brokerSlot(config: PowerConfig): BrokerSlot {
  const address = sourceAddress(config);
  return address ? { broker: address } : { none: config.source };
}

export function brokerStatus(slot: BrokerSlot, status: PowerStatus | null): ServiceStatus {
  if ('none' in slot) return { state: 'none', address: slot.none, detail: null };
  const state = status?.state ?? 'checking';
  return {
    state:
      state === 'up'
        ? 'up'
        : state === 'stale'
          ? 'stale'
          : state === 'connecting'
            ? 'checking'
            : 'down',
    address: slot.broker,
    detail: state === 'up' ? null : (status?.lastError ?? null),
  };
}

/**
 * Readings reach the screen at most this often, together. A frame is nearly all an idle
 * console costs: Ink lays out and paints the whole screen for a changed sparkline (25 to
 * 35 ms of a core here, much of it V8 compiling the drawing code on its background threads),
 * against under 0.1% of a core for reading the source itself (console-bench, idle). Every reading still
 * appears in the sparkline; a plug that reports every second shows ten at a time.
 */
export const POWER_REFRESH_MS = 10_000;

/** Subscribes; the returned function unsubscribes. */
export function feedPower(
  source: PowerSource,
  shown: { label: PowerLabel; slot: BrokerSlot },
  store: ConsoleStore,
  refreshMs = POWER_REFRESH_MS,
  now: () => number = performance.now.bind(performance),
): () => void {
  let label = shown.label;
  store.dispatch({
    type: 'power-source',
    power: {
      label,
      source: source.label,
      watts: [],
      current: null,
      stale: false,
      baselineW: null,
      energy: [],
      energyRatio: null,
      error: null,
    },
  });
  // A reading after a quiet stretch shows at once (the first one, a plug that reports every
  // 10 s or more); readings in quick succession wait and reach the screen together, so a
  // source that reports every second costs one frame per refreshMs, not one per reading.
  // While something else changes on the screen (an experiment running, keys), they join the
  // frame that is coming anyway, at no cost.
  let pending: number[] = [];
  let timer: NodeJS.Timeout | undefined;
  let lastFlushAt = Number.NEGATIVE_INFINITY;
  const flush = () => {
    timer = undefined;
    if (pending.length === 0) return;
    lastFlushAt = now();
    store.dispatch({ type: 'power-sample', watts: pending });
    pending = [];
  };
  const onSample = (sample: PowerSample) => {
    if (sample.simulated && label === 'plug') {
      label = 'simulated';
      const power = store.current.power;
      if (power) store.dispatch({ type: 'power-source', power: { ...power, label } });
    }
    pending.push(sample.watts);
    if (store.changePending) {
      clearTimeout(timer);
      flush();
      return;
    }
    if (timer) return;
    const wait = lastFlushAt + refreshMs - now();
    if (wait <= 0) flush();
    else timer = setTimeout(flush, wait);
  };
  const onStatus = (status: PowerStatus) => {
    store.dispatch({
      type: 'power-status',
      stale: status.state === 'stale',
      error: status.state === 'up' ? null : status.lastError,
    });
    store.dispatch({ type: 'broker', status: brokerStatus(shown.slot, status) });
  };
  source.on('sample', onSample);
  source.on('status', onStatus);
  store.dispatch({ type: 'broker', status: brokerStatus(shown.slot, source.status()) });
  return () => {
    clearTimeout(timer);
    source.off('sample', onSample);
    source.off('status', onStatus);
  };
}

/**
 * The power source where the profile's functions run, and how the console labels it: the
 * gateway machine's own source, read through the gateway, or this machine's. A test hands
 * in its own source through `createPower`.
 */
export function openPowerSource(
  profile: Profile,
  engine: TargetEngine,
  createPower?: (profile: Profile) => PowerSource,
): { source: PowerSource; shown: Parameters<typeof feedPower>[1] } {
  const origin = engine.powerOrigin();
  const source = createPower ? createPower(profile) : engine.openPower();
  const described = origin ?? { kind: source.kind, simulated: source.simulated, broker: null };
  const slot: BrokerSlot = described.broker
    ? { broker: described.broker }
    : { none: engine.where.gateway ? 'gateway' : described.kind };
  return { source, shown: { label: sourceLabel(described), slot } };
}
