/** What a .wasm file is, from its first eight bytes. */
export type WasmKind = 'module' | 'component';

const MAGIC = [0x00, 0x61, 0x73, 0x6d];

/** A core module has version 1; a component has version 0x0d and layer 1 (the binary format's preamble). */
export function wasmKind(bytes: Uint8Array): WasmKind | null {
  if (bytes.length < 8 || MAGIC.some((byte, i) => bytes[i] !== byte)) return null;
  const [v0, v1, l0, l1] = [bytes[4], bytes[5], bytes[6], bytes[7]];
  if (v0 === 1 && v1 === 0 && l0 === 0 && l1 === 0) return 'module';
  if (v1 === 0 && l0 === 1 && l1 === 0) return 'component';
  return null;
}

/** Every function of WASI preview1 (wasi_snapshot_preview1, a frozen interface). */
export const PREVIEW1_FUNCTIONS = new Set([
  'args_get',
  'args_sizes_get',
  'environ_get',
  'environ_sizes_get',
  'clock_res_get',
  'clock_time_get',
  'fd_advise',
  'fd_allocate',
  'fd_close',
  'fd_datasync',
  'fd_fdstat_get',
  'fd_fdstat_set_flags',
  'fd_fdstat_set_rights',
  'fd_filestat_get',
  'fd_filestat_set_size',
  'fd_filestat_set_times',
  'fd_pread',
  'fd_prestat_get',
  'fd_prestat_dir_name',
  'fd_pwrite',
  'fd_read',
  'fd_readdir',
  'fd_renumber',
  'fd_seek',
  'fd_sync',
  'fd_tell',
  'fd_write',
  'path_create_directory',
  'path_filestat_get',
  'path_filestat_set_times',
  'path_link',
  'path_open',
  'path_readlink',
  'path_remove_directory',
  'path_rename',
  'path_symlink',
  'path_unlink_file',
  'poll_oneoff',
  'proc_exit',
  'proc_raise',
  'sched_yield',
  'random_get',
  'sock_accept',
  'sock_recv',
  'sock_send',
  'sock_shutdown',
]);

/**
 * Why a core module is not a WASI preview1 command Nebula can run, naming every import it
 * cannot satisfy; null when it is one.
 */
export function preview1Problems(module: WebAssembly.Module): string[] {
  const problems: string[] = [];
  const unsatisfied = WebAssembly.Module.imports(module)
    .filter(
      ({ module: from, name, kind }) =>
        from !== 'wasi_snapshot_preview1' || kind !== 'function' || !PREVIEW1_FUNCTIONS.has(name),
    )
    .map(({ module: from, name, kind }) => `${from} ${name} (${kind})`);
  if (unsatisfied.length > 0) {
    problems.push(`imports it cannot satisfy: ${unsatisfied.join(', ')}`);
  }
  const exports = WebAssembly.Module.exports(module);
  if (!exports.some(({ name, kind }) => name === '_start' && kind === 'function')) {
    problems.push('no _start export: not a WASI command (a reactor or a library?)');
  }
  if (!exports.some(({ name, kind }) => name === 'memory' && kind === 'memory')) {
    problems.push('no exported memory');
  }
  return problems;
}
