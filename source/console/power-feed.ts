/**
 * Feeds a power source's readings and status into the console's store: the sparkline, the
 * current watts, the stale flag and, for a plug, the broker's state in the status bar.
 */
import type { PowerSample, PowerStatus } from '../power/sample.js';
import type { PowerSource } from '../power/source.js';
import type { PowerConfig } from '../profiles/schema.js';
import type { PowerLabel, ServiceStatus } from './state.js';
import type { ConsoleStore } from './store.js';

export function powerLabel(config: PowerConfig): PowerLabel {
  if (config.source === 'mqtt') return config.simulated ? 'simulated' : 'plug';
  return config.source;
}

export function brokerStatus(config: PowerConfig, status: PowerStatus | null): ServiceStatus {
  if (config.source !== 'mqtt') return { state: 'none', address: config.source, detail: null };
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
    address: config.broker,
    detail: state === 'up' ? null : (status?.lastError ?? null),
  };
}

/** Subscribes; the returned function unsubscribes. */
export function feedPower(
  source: PowerSource,
  config: PowerConfig,
  store: ConsoleStore,
): () => void {
  let label = powerLabel(config);
  store.dispatch({
    type: 'power-source',
    power: {
      label,
      source: source.label,
      watts: [],
      current: null,
      stale: false,
      baselineW: null,
      energy: null,
      error: null,
    },
  });
  const onSample = (sample: PowerSample) => {
    if (sample.simulated && label === 'plug') {
      label = 'simulated';
      const power = store.current.power;
      if (power) store.dispatch({ type: 'power-source', power: { ...power, label } });
    }
    store.dispatch({ type: 'power-sample', watts: sample.watts });
  };
  const onStatus = (status: PowerStatus) => {
    store.dispatch({
      type: 'power-status',
      stale: status.state === 'stale',
      error: status.state === 'up' ? null : status.lastError,
    });
    store.dispatch({ type: 'broker', status: brokerStatus(config, status) });
  };
  source.on('sample', onSample);
  source.on('status', onStatus);
  store.dispatch({ type: 'broker', status: brokerStatus(config, source.status()) });
  return () => {
    source.off('sample', onSample);
    source.off('status', onStatus);
  };
}
