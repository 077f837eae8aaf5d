/**
 * Every change of the console's state, as a pure function of (state, action). Returns the
 * same object when nothing changed, so the store can skip publishing.
 */
import type { InvocationResult } from '../core/invocation.js';
import { cellKey } from '../core/plan.js';
import {
  type ConsoleState,
  currentInput,
  type DeployRuntime,
  type DeployState,
  type EnergyRatio,
  type EnergyView,
  type ExperimentView,
  type FunctionRow,
  initialState,
  MAX_RECENT,
  MAX_SAMPLES,
  type Overlay,
  type PlanEntry,
  POWER_HISTORY,
  type PowerView,
  type ServiceStatus,
  shownFunctions,
  type TargetView,
  type WasmRuntime,
} from './state.js';

export type Action =
  | { type: 'move'; delta: number }
  | { type: 'toggle-mode' }
  | { type: 'open'; overlay: Exclude<Overlay, 'none'> }
  | { type: 'close' }
  | { type: 'draft'; text: string }
  | { type: 'draft-append'; text: string }
  | { type: 'draft-delete'; count: number }
  | { type: 'filter'; text: string }
  | { type: 'run-cost'; cost: ConsoleState['runCost'] }
  | { type: 'results'; lines: ConsoleState['results'] }
  | { type: 'apply-draft' }
  | { type: 'picker-move'; delta: number }
  | { type: 'plans'; entries: PlanEntry[]; thin: number; dirs: string[] }
  | { type: 'plans-move'; delta: number }
  | { type: 'scroll'; delta: number; max: number }
  | { type: 'profile'; name: string; label: string; choices: string[] }
  | { type: 'profile-choices'; choices: string[] }
  | { type: 'functions'; rows: FunctionRow[] }
  | { type: 'deployed'; name: string; runtime: DeployRuntime; state: DeployState }
  | { type: 'wasm-runtime'; runtime: WasmRuntime }
  | { type: 'docker'; status: ServiceStatus }
  | { type: 'broker'; status: ServiceStatus }
  | { type: 'target'; target: TargetView }
  | { type: 'log-path'; path: string; segment: number }
  | { type: 'invocation'; result: InvocationResult; warmup?: boolean }
  | { type: 'busy'; busy: boolean }
  | { type: 'experiment'; experiment: ExperimentView | null }
  | { type: 'power-source'; power: PowerView | null }
  | { type: 'power-sample'; watts: number[] }
  | { type: 'power-status'; stale: boolean; error: string | null }
  | { type: 'baseline'; watts: number | null }
  | { type: 'energy'; energy: EnergyView[]; ratio: EnergyRatio | null }
  | { type: 'message'; text: string; error?: boolean }
  | { type: 'quitting' };

export function reduce(state: ConsoleState, action: Action): ConsoleState {
  switch (action.type) {
    case 'move': {
      // Through the functions the filter shows.
      const shown = shownFunctions(state);
      if (shown.length === 0) return state;
      const at = shown.indexOf(state.selected);
      const position = at === -1 ? 0 : Math.min(shown.length - 1, Math.max(0, at + action.delta));
      const selected = shown[position] as number;
      return selected === state.selected ? state : { ...unfollow(state), selected };
    }
    case 'filter': {
      if (action.text === state.filter) return state;
      const next = { ...state, filter: action.text };
      // The selection stays when it still shows, else goes to the first that does.
      const shown = shownFunctions(next);
      if (!shown.includes(state.selected) && shown.length > 0) next.selected = shown[0] as number;
      return next;
    }
    case 'results':
      return { ...state, results: [...action.lines, ...state.results] };
    case 'run-cost':
      return state.runCost === action.cost ? state : { ...state, runCost: action.cost };
    case 'wasm-runtime':
      return state.wasmRuntime === action.runtime
        ? state
        : { ...unfollow(state), wasmRuntime: action.runtime };
    case 'toggle-mode':
      return { ...unfollow(state), mode: state.mode === 'cold' ? 'warm' : 'cold' };
    case 'open': {
      if (state.overlay === action.overlay) return state;
      const draft = action.overlay === 'input' ? currentInput(state) : state.draft;
      const pickerIndex =
        action.overlay === 'profiles'
          ? Math.max(0, state.profile.choices.indexOf(state.profile.name))
          : state.pickerIndex;
      return { ...state, overlay: action.overlay, draft, pickerIndex, scroll: 0 };
    }
    case 'close':
      return state.overlay === 'none' ? state : { ...state, overlay: 'none' };
    case 'draft':
      return action.text === state.draft ? state : { ...state, draft: action.text };
    case 'draft-append':
      return action.text === '' ? state : { ...state, draft: state.draft + action.text };
    case 'draft-delete': {
      const draft = state.draft.slice(0, Math.max(0, state.draft.length - action.count));
      return draft === state.draft ? state : { ...state, draft };
    }
    case 'apply-draft': {
      const fn = state.functions[state.selected];
      if (!fn) return { ...state, overlay: 'none' };
      const inputs = { ...state.inputs, [fn.name]: state.draft };
      return { ...unfollow(state), overlay: 'none', inputs };
    }
    case 'scroll': {
      const scroll = Math.max(0, Math.min(action.max, state.scroll + action.delta));
      return scroll === state.scroll ? state : { ...state, scroll };
    }
    case 'picker-move': {
      const count = state.profile.choices.length;
      if (count === 0) return state;
      const pickerIndex = (state.pickerIndex + action.delta + count) % count;
      return pickerIndex === state.pickerIndex ? state : { ...state, pickerIndex };
    }
    case 'plans': {
      const { entries, thin, dirs } = action;
      const index = Math.min(state.plans.index, Math.max(0, entries.length - 1));
      return { ...state, plans: { entries, thin, dirs, index } };
    }
    case 'plans-move': {
      const count = state.plans.entries.length;
      if (count === 0) return state;
      const index = (state.plans.index + action.delta + count) % count;
      return index === state.plans.index ? state : { ...state, plans: { ...state.plans, index } };
    }
    case 'profile': {
      // A new profile is another machine or context: its numbers start afresh.
      const fresh = initialState({ name: action.name, label: action.label });
      return {
        ...fresh,
        profile: { name: action.name, label: action.label, choices: action.choices },
        mode: state.mode,
        wasmRuntime: state.wasmRuntime,
        inputs: state.inputs,
        selected: state.selected,
        logPath: state.logPath,
        segment: state.segment,
        message: state.message,
        emulated: state.emulated,
        // The session's experiments stay listed across profiles, each under its own heading.
        results: state.results,
      };
    }
    case 'profile-choices':
      return { ...state, profile: { ...state.profile, choices: action.choices } };
    case 'functions':
      return {
        ...state,
        functions: action.rows,
        selected: Math.min(state.selected, Math.max(0, action.rows.length - 1)),
      };
    case 'deployed': {
      const functions = state.functions.map((row) =>
        row.name === action.name &&
        row.deployed[action.runtime] !== action.state &&
        row.deployed[action.runtime] !== 'n/a'
          ? { ...row, deployed: { ...row.deployed, [action.runtime]: action.state } }
          : row,
      );
      return functions.every((row, i) => row === state.functions[i])
        ? state
        : { ...state, functions };
    }
    case 'docker':
      return sameStatus(state.docker, action.status) ? state : { ...state, docker: action.status };
    case 'target':
      return JSON.stringify(state.target) === JSON.stringify(action.target)
        ? state
        : { ...state, target: action.target };
    case 'broker':
      return sameStatus(state.broker, action.status) ? state : { ...state, broker: action.status };
    case 'log-path':
      return { ...state, logPath: action.path, segment: action.segment };
    case 'invocation': {
      const next = addInvocation(state, action.result, action.warmup ?? false);
      const emulated = action.result.emulated;
      return emulated && emulated !== next.emulated ? { ...next, emulated } : next;
    }
    case 'busy':
      return state.busy === action.busy ? state : { ...state, busy: action.busy };
    case 'experiment':
      return { ...state, experiment: action.experiment };
    case 'power-source':
      return { ...state, power: action.power };
    case 'power-sample': {
      if (!state.power) return state;
      const latest = action.watts.at(-1);
      if (latest === undefined) return state;
      const watts = [...state.power.watts, ...action.watts].slice(-POWER_HISTORY);
      return { ...state, power: { ...state.power, watts, current: latest, stale: false } };
    }
    case 'power-status': {
      const power = state.power;
      if (!power || (power.stale === action.stale && power.error === action.error)) return state;
      return { ...state, power: { ...power, stale: action.stale, error: action.error } };
    }
    case 'baseline':
      return state.power ? { ...state, power: { ...state.power, baselineW: action.watts } } : state;
    case 'energy':
      return state.power
        ? { ...state, power: { ...state.power, energy: action.energy, energyRatio: action.ratio } }
        : state;
    case 'message':
      return { ...state, message: { text: action.text, error: action.error ?? false } };
    case 'quitting':
      return { ...state, quitting: true, overlay: 'none' };
  }
}

function sameStatus(a: ServiceStatus, b: ServiceStatus): boolean {
  return a.state === b.state && a.address === b.address && a.detail === b.detail;
}

/** Warm-ups show as the last result but, as in every report, are not samples. */
function addInvocation(
  state: ConsoleState,
  result: InvocationResult,
  warmup: boolean,
): ConsoleState {
  const key = cellKey(result);
  const old = state.series[key];
  const timings = old ? old.timings : [];
  const series = {
    timings:
      result.ok && !warmup ? [...timings.slice(-(MAX_SAMPLES - 1)), result.timings] : timings,
    failures: (old?.failures ?? 0) + (result.ok || warmup ? 0 : 1),
    last: result,
  };
  const recent = [
    ...state.recent.slice(-(MAX_RECENT - 1)),
    {
      function: result.function,
      runtime: result.runtime,
      mode: result.mode,
      input: result.input,
      ok: result.ok,
      totalMs: result.timings.totalMs,
      failure: result.failure,
    },
  ];
  return { ...state, series: { ...state.series, [key]: series }, recent };
}

/**
 * The panes follow a plan's cell while it runs and after; choosing another function, mode,
 * input or Wasm runtime hands them back to the selection once the run has ended.
 */
function unfollow(state: ConsoleState): ConsoleState {
  const experiment = state.experiment;
  if (!experiment?.plan?.now) return state;
  if (experiment.phase === 'running' || experiment.phase === 'baseline') return state;
  return { ...state, experiment: { ...experiment, plan: { ...experiment.plan, now: null } } };
}
