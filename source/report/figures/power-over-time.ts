/**
 * Power against time over each function's run, with the idle level of each experiment
 * marked: the figure that shows what the energy figures were taken from (the meter's
 * readings, their spread in each bucket, and the idle they are compared with).
 */

import type { PowerTrace, Spans } from '../power-trace.js';
import type { ExperimentReport } from '../report.js';

/** What the figure needs from a whole session, gathered while it streamed. */
export interface PowerTimeline {
  trace: PowerTrace;
  /** Spans of each experiment's invocations (epoch ms). */
  experiments: Spans;
}

const round = (value: number): number => Math.round(value * 1000) / 1000;
/** Experiments closer than this in time are one run of the function on the figure. */
const SAME_RUN_GAP_MS = 30_000;

interface Segment {
  from: number;
  to: number;
  idle: Array<{ experiment: string; from: number; to: number; watts: number }>;
}

/**
 * The function's experiments as stretches of time, each with the idle measured around it
 * (before its first invocation and after its last), neighbours merged into one run.
 */
function segmentsOf(
  fn: string,
  timeline: PowerTimeline,
  experiments: readonly ExperimentReport[],
): Segment[] {
  const stretches = experiments.flatMap((e) => {
    const span = timeline.experiments.get(e.experiment);
    if (!span || !e.results.some((r) => r.function === fn)) return [];
    const from = span.from - (e.idle?.before?.seconds ?? 0) * 1000;
    const to = span.to + (e.idle?.after?.seconds ?? 0) * 1000;
    const watts = e.idle?.idleWatts;
    return [
      {
        from,
        to,
        idle: typeof watts === 'number' ? [{ experiment: e.experiment, from, to, watts }] : [],
      },
    ];
  });
  stretches.sort((a, b) => a.from - b.from);
  const segments: Segment[] = [];
  for (const stretch of stretches) {
    const last = segments.at(-1);
    if (last && stretch.from - last.to < SAME_RUN_GAP_MS) {
      last.to = Math.max(last.to, stretch.to);
      last.idle.push(...stretch.idle);
    } else segments.push({ ...stretch, idle: [...stretch.idle] });
  }
  return segments;
}

/** "run 2, 14:03:07 UTC": which stretch of the session a panel shows. */
function runLabel(index: number, ms: number): string {
  return `run ${index + 1}, ${new Date(ms).toISOString().slice(11, 19)} UTC`;
}

export function powerOverTimeFigure(
  fn: string,
  timeline: PowerTimeline,
  experiments: readonly ExperimentReport[],
  powerSource: string,
  base: (title: string, data: unknown[]) => Record<string, unknown>,
): { id: string; title: string; spec: Record<string, unknown> } | null {
  const readings: unknown[] = [];
  const idle: unknown[] = [];
  segmentsOf(fn, timeline, experiments).forEach((segment, index) => {
    const points = timeline.trace.between(segment.from, segment.to);
    if (points.length < 2) return;
    const run = runLabel(index, segment.from);
    const seconds = (ms: number) => round((ms - segment.from) / 1000);
    for (const p of points) {
      readings.push({
        kind: 'reading',
        run,
        s: seconds(p.ms),
        watts: round(p.mean),
        min: round(p.min),
        max: round(p.max),
      });
    }
    for (const level of segment.idle) {
      idle.push({
        kind: 'idle',
        run,
        experiment: level.experiment,
        from: seconds(level.from),
        to: seconds(level.to),
        watts: round(level.watts),
      });
    }
  });
  if (readings.length === 0) return null;
  const runs = new Set(readings.map((r) => (r as { run: string }).run));
  const title = `${fn}: power over its runs (W; power: ${powerSource}; idle dashed)`;
  const x = { field: 's', type: 'quantitative', title: 's since the run began (idle first)' };
  const y = { type: 'quantitative', title: 'W', scale: { zero: false } };
  // One data set, so that panels split readings and idle alike; each layer takes its kind.
  const only = (kind: string) => [{ filter: `datum.kind === '${kind}'` }];
  const layer = [
    {
      transform: only('reading'),
      // The spread of the readings each point stands for (one reading: min = max).
      mark: { type: 'area', opacity: 0.25 },
      encoding: { x, y: { ...y, field: 'min' }, y2: { field: 'max' } },
    },
    {
      transform: only('reading'),
      mark: { type: 'line' },
      encoding: {
        x,
        y: { ...y, field: 'watts' },
        tooltip: [
          { field: 's', title: 's' },
          { field: 'watts', title: 'W', format: '.3f' },
        ],
      },
    },
    ...(idle.length > 0
      ? [
          {
            // Each experiment's idle: the mean of the idle before and after it.
            transform: only('idle'),
            mark: { type: 'rule', strokeDash: [6, 4], color: 'black' },
            encoding: {
              x: { field: 'from', type: 'quantitative' },
              x2: { field: 'to' },
              y: { field: 'watts', type: 'quantitative' },
              tooltip: [
                { field: 'experiment' },
                { field: 'watts', title: 'idle W', format: '.3f' },
              ],
            },
          },
        ]
      : []),
  ];
  // One panel per run, each on its own time axis; one run needs no panels.
  const spec =
    runs.size > 1
      ? {
          ...base(title, [...readings, ...idle]),
          facet: { row: { field: 'run', type: 'nominal', title: null } },
          spec: { width: 480, height: 160, layer },
          resolve: { scale: { x: 'independent' } },
        }
      : { ...base(title, [...readings, ...idle]), width: 480, height: 220, layer };
  return { id: `${fn}-power-over-time`, title, spec };
}
