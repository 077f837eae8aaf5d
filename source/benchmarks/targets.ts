/**
 * Figures beside their targets. Each benchmark process records what it measured against
 * the target it has, prints one table at the end, and — only with --check — exits 3 when a
 * target was missed. Without --check a benchmark reports and never fails on a time: the
 * machines are shared and noisy, so a miss is a figure to read, not a broken build.
 */

export interface TargetFigure {
  /** What was measured, e.g. "gateway wasm-p1 warm hello throughput". */
  name: string;
  value: number;
  unit: string;
  /** `atMost`: the value must not exceed the limit; `atLeast`: it must reach it. */
  kind: 'atMost' | 'atLeast';
  limit: number;
  /** The yardstick a ratio was taken against, when the figure is a ratio (e.g. "bare node:wasi"). */
  against?: string;
}

const recorded: TargetFigure[] = [];

export function recordTarget(figure: TargetFigure): void {
  recorded.push(figure);
}

export function met(figure: TargetFigure): boolean {
  if (!Number.isFinite(figure.value)) return false;
  return figure.kind === 'atMost' ? figure.value <= figure.limit : figure.value >= figure.limit;
}

const show = (value: number) =>
  Number.isFinite(value)
    ? Math.abs(value) >= 100
      ? value.toFixed(0)
      : value.toPrecision(3)
    : String(value);

/** The table of every recorded figure, one line each. */
export function targetTable(figures: readonly TargetFigure[] = recorded): string {
  const lines = figures.map((f) => {
    const sign = f.kind === 'atMost' ? '<=' : '>=';
    const against = f.against ? ` (against ${f.against})` : '';
    return `${met(f) ? 'met   ' : 'MISSED'}  ${f.name}: ${show(f.value)} ${f.unit}, target ${sign} ${show(f.limit)} ${f.unit}${against}`;
  });
  return ['targets:', ...lines.map((line) => `  ${line}`)].join('\n');
}

/** Whether this run was asked to enforce its targets (`--check`, or NEBULA_BENCH_CHECK=1 from run-all). */
export function checkRequested(argv: readonly string[] = process.argv): boolean {
  return argv.includes('--check') || process.env.NEBULA_BENCH_CHECK === '1';
}

export const EXIT_TARGET_MISSED = 3;

/** Prints the table; with --check, sets exit code 3 when any target was missed. */
export function finishTargets(): void {
  if (recorded.length === 0) return;
  console.log(targetTable());
  const missed = recorded.filter((f) => !met(f)).length;
  if (missed > 0 && checkRequested()) {
    console.log(`${missed} target(s) missed (--check)`);
    process.exitCode = EXIT_TARGET_MISSED;
  }
}
