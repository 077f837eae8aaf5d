/**
 * node:wasi warns that it is experimental when first loaded; the user chose it, so the
 * warning is noise on every run. Imported before node:wasi so it is in place in time.
 */
const emitWarning = process.emitWarning.bind(process);
process.emitWarning = ((warning: string | Error, ...rest: never[]) => {
  if (String(warning).includes('WASI is an experimental')) return;
  emitWarning(warning, ...rest);
}) as typeof process.emitWarning;
