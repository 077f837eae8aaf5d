/**
 * The machine a session ran on, as lines for a report's header (markdown and HTML alike):
 * what a reader needs to judge its figures. Logs written before a fact was recorded say so.
 */
import type { HeaderRecord } from '../session/records.js';

export function headerLines(h: HeaderRecord): string[] {
  // Fields a header lacks read as unknown (the log reader checked the ones it must have).
  const cpu = h.cpu ?? { model: 'unknown CPU', cores: 0 };
  const clock = cpu.mhz ? ` at ${cpu.mhz} MHz` : '';
  const lines = [
    `Profile: ${h.profile}`,
    `Machine: ${h.machine.hostname} (${h.machine.os}, ${h.machine.arch}), ${cpu.model} × ${cpu.cores}${clock}`,
  ];
  if (cpu.governor !== undefined) {
    lines.push(
      `CPU frequency governor: ${cpu.governor ?? `none (${cpu.governorNote ?? 'not exposed'})`}`,
    );
  }
  if (h.loadAverage) {
    const [one, five, fifteen] = h.loadAverage;
    lines.push(
      `Load average at start: ${one}, ${five}, ${fifteen} (1, 5, 15 min; ${cpu.cores} cores)`,
    );
  }
  lines.push(
    `Node ${h.node}${h.v8 ? ` (V8 ${h.v8})` : ''}, Nebula ${h.nebula}, started ${Number.isFinite(h.startedAt) ? new Date(h.startedAt).toISOString() : 'at an unrecorded time'}`,
  );
  if (h.machine.emulated === false) lines.push('Emulated: no');
  const missing = [
    cpu.governor === undefined ? 'frequency governor' : null,
    h.loadAverage ? null : 'load average',
    h.v8 ? null : 'V8 version',
    h.machine.emulated === undefined && !h.machine.emulation ? 'emulation' : null,
  ].filter((fact): fact is string => fact !== null);
  if (missing.length > 0) {
    lines.push(`Not recorded in this log (written by an older Nebula): ${missing.join(', ')}`);
  }
  return lines;
}
