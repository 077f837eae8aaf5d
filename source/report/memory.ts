/** Peak memory per cell from the invocations' memory fields (absent in older logs). */

import { summarize } from '../core/stats.js';
import type { InvocationRecord } from '../session/records.js';
import { inputLabel } from './render/format.js';
import { lane } from './samples.js';
import { bytesText, type Table } from './table.js';

interface MemoryFields {
  peakBytes?: number | null;
  source?: string;
  workerGrowthBytes?: number;
  note?: string;
}

const memoryOf = (r: InvocationRecord): MemoryFields | null =>
  r.memory && typeof r.memory === 'object' ? (r.memory as MemoryFields) : null;

export function memoryTable(records: readonly InvocationRecord[]): Table | null {
  const withMemory = records.filter((r) => memoryOf(r) !== null);
  if (withMemory.length === 0) return null;
  const groups = new Map<string, InvocationRecord[]>();
  for (const r of withMemory) {
    const key = JSON.stringify([r.function, lane(r), r.mode, r.input]);
    const list = groups.get(key);
    if (list) list.push(r);
    else groups.set(key, [r]);
  }
  const rows: string[][] = [];
  for (const [key, list] of groups) {
    const [fn, runtime, mode, input] = JSON.parse(key) as string[];
    const peaks = list
      .map((r) => memoryOf(r)?.peakBytes)
      .filter((v): v is number => typeof v === 'number');
    const growth = list
      .map((r) => memoryOf(r)?.workerGrowthBytes)
      .filter((v): v is number => typeof v === 'number');
    const p = summarize(peaks);
    const g = summarize(growth);
    const sources = [...new Set(list.map((r) => memoryOf(r)?.source ?? '?'))].join(', ');
    const notes = [...new Set(list.map((r) => memoryOf(r)?.note).filter(Boolean))];
    rows.push([
      fn as string,
      inputLabel(input as string),
      mode as string,
      runtime as string,
      String(peaks.length),
      bytesText(p.median),
      bytesText(p.max),
      growth.length ? bytesText(g.median) : '–',
      sources,
      notes.join('; '),
    ]);
  }
  return {
    title: 'Peak memory per invocation',
    head: [
      'Function',
      'Input',
      'Mode',
      'Runtime',
      'n',
      'Peak median',
      'Peak max',
      'Worker growth median',
      'Source',
      'Note',
    ],
    rows,
    note:
      'Container: the high-water mark of a cgroup made for the one invocation (v1 memory.max_usage_in_bytes, v2 memory.peak), page cache of the binary included. ' +
      "Wasm: the instance's linear memory at its end (it only grows); worker growth: the worker's V8 heap and external memory over the run.",
  };
}
