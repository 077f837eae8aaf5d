/**
 * Deployed sizes per function, as the thesis tabled them: the container image (FROM scratch,
 * and on a Debian base when that variant was built), the static binary inside it, the
 * preview1 .wasm module and the component. Bench writes them into the session log as a
 * `sizes` record, so a report shows them from the log alone.
 */
import type { SizesRecord } from '../engine/sizes.js';
import type { AnyRecord } from '../session/records.js';
import { bytesText, type Table } from './table.js';

export type { FunctionSizes, SizesRecord } from '../engine/sizes.js';
// Measuring the files is the engine's (engine/sizes.ts); tests and older callers find it here too.
export { fileSizes } from '../engine/sizes.js';

export function isSizesRecord(record: AnyRecord): record is SizesRecord & AnyRecord {
  return (
    record.type === 'sizes' && typeof (record as { functions?: unknown }).functions === 'object'
  );
}

/** The last sizes record of a log, or null. */
export function sizesOf(records: readonly AnyRecord[]): SizesRecord | null {
  const found = records.filter(isSizesRecord);
  return (found.at(-1) as SizesRecord | undefined) ?? null;
}

const ratioText = (a: number | null, b: number | null): string =>
  a === null || b === null || b === 0 ? '–' : `${(a / b).toFixed(1)}×`;

export function storageTable(sizes: SizesRecord): Table {
  const rows = Object.entries(sizes.functions).map(([name, s]) => [
    name,
    bytesText(s.imageScratch),
    bytesText(s.imageScratchGzip ?? null),
    bytesText(s.imageDebian),
    bytesText(s.imageDebianGzip ?? null),
    bytesText(s.binary),
    bytesText(s.wasm),
    bytesText(s.wasmStripped ?? null),
    bytesText(s.component),
    ratioText(s.imageScratch, s.wasm),
    ratioText(s.imageDebian, s.wasm),
  ]);
  return {
    title: 'Deployed sizes',
    head: [
      'Function',
      'Image (scratch)',
      'gzipped',
      'Image (Debian)',
      'gzipped',
      'Static binary',
      '.wasm',
      'stripped',
      'Component',
      'Image/.wasm',
      'Debian image/.wasm',
    ],
    rows,
    note:
      "Image sizes as the engine reports them (its layers, uncompressed), and gzipped as `docker save | gzip` gives them (about what a registry stores); the scratch image holds the static binary and Nebula's watchdog. " +
      'Stripped: the .wasm without custom sections (names, producers, debug information); the functions of the catalog are built stripped, a brought module may not be. ' +
      '– : not built (the Debian image exists once the base=debian variant has run).',
  };
}
