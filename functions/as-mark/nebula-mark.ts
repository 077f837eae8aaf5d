// Shared helper for Nebula's AssemblyScript functions, the same contract as the Rust crate
// nebula-mark: timing marks `@nebula <label> <ns>` on stderr from the host's monotonic clock
// (WASI clock_time_get), input on stdin, the result and a newline on stdout, and
// `error: <message>` on stderr with exit code 2 for input it rejects.

// The preview1 adapter inside a component takes a page of linear memory for its own state
// (memory.grow) on the first call that needs it, and AssemblyScript's allocator claims all
// memory up to memory.size() when it starts: started after the adapter, it would hand out the
// adapter's page and the adapter would trap. Allocating here, before any WASI call, starts it
// first (the top level of an imported file runs before the function's own).
const allocatorFirst = new ArrayBuffer(8);
store<u8>(changetype<usize>(allocatorFirst), 1);

function writeMark(label: string, ns: u64): void {
  process.stderr.write(`@nebula ${label} ${ns.toString()}\n`);
}

// input_read's reading, kept until the next mark (0: none): printed at once, the cost of one
// stderr write would fall inside the compute phase; printed later, it falls in output.
let pendingInputRead: u64 = 0;

function flushPending(): void {
  if (pendingInputRead != 0) writeMark("input_read", pendingInputRead);
  pendingInputRead = 0;
}

/** First statement of main. */
export function mainStart(): void {
  writeMark("main_start", process.hrtime());
}

/** Right after stdin is read: `input_read`, printed with the next mark. */
export function inputRead(): void {
  pendingInputRead = process.hrtime();
}

/** When the result is ready, before it is written: `computed`. */
export function computed(): void {
  const ns = process.hrtime();
  flushPending();
  writeMark("computed", ns);
}

/** Last statement of main (also on the error path). */
export function mainEnd(): void {
  const ns = process.hrtime();
  flushPending();
  writeMark("main_end", ns);
}

/** All of stdin as UTF-8 text; marks nothing. */
export function readStdinString(): string {
  const chunks = new Array<ArrayBuffer>();
  let total = 0;
  for (;;) {
    const chunk = new ArrayBuffer(4096);
    const read = process.stdin.read(chunk);
    if (read <= 0) break;
    chunks.push(chunk.slice(0, read));
    total += read;
  }
  const all = new Uint8Array(total);
  let at = 0;
  for (let i = 0; i < chunks.length; i++) {
    all.set(Uint8Array.wrap(chunks[i]), at);
    at += chunks[i].byteLength;
  }
  return String.UTF8.decode(all.buffer);
}

/** All of stdin with surrounding whitespace removed, then marks `input_read`. */
export function readInput(): string {
  const input = readStdinString().trim();
  inputRead();
  return input;
}

/** Marks `computed`, then writes `result` and a newline to stdout. */
export function output(result: string): void {
  computed();
  process.stdout.write(result + "\n");
}

/** Prints `error: <message>` on stderr, the main_end mark, and exits with code 2. */
export function fail(message: string): void {
  process.stderr.write("error: " + message + "\n");
  mainEnd();
  process.exit(2);
}

/** The input shortened to 60 characters and quoted, like Rust's `{:?}` of a string. */
export function quote(input: string): string {
  const MAX = 60;
  let shown = input.length > MAX ? input.substring(0, MAX) + "..." : input;
  shown = shown.replaceAll("\\", "\\\\").replaceAll('"', '\\"');
  shown = shown.replaceAll("\n", "\\n").replaceAll("\t", "\\t").replaceAll("\r", "\\r");
  return '"' + shown + '"';
}

/** A whole decimal u32 (an optional leading +), or -1 when the text is not one. */
export function parseU32(text: string): i64 {
  let start = 0;
  if (text.length > 0 && text.charCodeAt(0) == 43) start = 1;
  if (text.length == start) return -1;
  let value: i64 = 0;
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return -1;
    value = value * 10 + (c - 48);
    if (value > 4294967295) return -1;
  }
  return value;
}
