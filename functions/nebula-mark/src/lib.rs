//! Shared helper for every Nebula function.
//!
//! Four marks, each printed on stderr as `@nebula <name> <ns>`, where `<ns>` is
//! the raw monotonic clock in nanoseconds (natively CLOCK_MONOTONIC; under WASI
//! the monotonic clock the host hands in, CLOCK_MONOTONIC of the host in Node):
//!   main_start  first statement of main
//!   input_read  stdin fully read (before it is parsed)
//!   computed    the result is ready, before it is written to stdout
//!   main_end    last statement of main (also on the error path)
//! So a function's time splits into input (platform I/O), compute (its own
//! code, the part that compares runtimes) and output (platform I/O again).
//! Each mark reads the clock before it writes its line, so the write's cost
//! lands in the phase after it; input_read's line waits for the next mark so
//! that no write of ours lands in compute. A run that dies between input_read
//! and its next mark (a trap) loses input_read: its compute then starts at
//! main_start.

use std::io::{Read, Write};
use std::sync::atomic::{AtomicU64, Ordering};

#[cfg(all(target_arch = "wasm32", target_os = "wasi"))]
mod clock {
    #[link(wasm_import_module = "wasi_snapshot_preview1")]
    extern "C" {
        fn clock_time_get(id: u32, precision: u64, out: *mut u64) -> u16;
    }

    const CLOCKID_MONOTONIC: u32 = 1;

    pub fn monotonic_ns() -> u64 {
        let mut out: u64 = 0;
        // SAFETY: `out` is a valid, writable u64 for the duration of the call.
        let errno = unsafe { clock_time_get(CLOCKID_MONOTONIC, 1, &mut out) };
        if errno != 0 {
            return 0;
        }
        out
    }
}

#[cfg(not(target_arch = "wasm32"))]
mod clock {
    #[repr(C)]
    struct Timespec {
        tv_sec: i64,
        tv_nsec: i64,
    }

    extern "C" {
        fn clock_gettime(clk_id: i32, tp: *mut Timespec) -> i32;
    }

    const CLOCK_MONOTONIC: i32 = 1;

    pub fn monotonic_ns() -> u64 {
        let mut ts = Timespec { tv_sec: 0, tv_nsec: 0 };
        // SAFETY: `ts` is a valid, writable timespec for the duration of the call.
        let rc = unsafe { clock_gettime(CLOCK_MONOTONIC, &mut ts) };
        if rc != 0 {
            return 0;
        }
        (ts.tv_sec as u64)
            .wrapping_mul(1_000_000_000)
            .wrapping_add(ts.tv_nsec as u64)
    }
}

/// Raw monotonic clock reading in nanoseconds.
pub fn monotonic_ns() -> u64 {
    clock::monotonic_ns()
}

fn write_mark(label: &str, ns: u64) {
    let stderr = std::io::stderr();
    let mut err = stderr.lock();
    let _ = writeln!(err, "@nebula {} {}", label, ns);
    let _ = err.flush();
}

fn mark(label: &str) {
    write_mark(label, monotonic_ns());
}

/// input_read's reading, kept until the next mark (0: none). Printing it at once would put
/// the cost of one stderr write inside the compute phase; printed later, it falls in output.
static PENDING_INPUT_READ: AtomicU64 = AtomicU64::new(0);

fn flush_pending() {
    let ns = PENDING_INPUT_READ.swap(0, Ordering::Relaxed);
    if ns != 0 {
        write_mark("input_read", ns);
    }
}

/// First statement of every function's main.
pub fn main_start() {
    mark("main_start");
}

/// Right after stdin has been read to its end, before the input is parsed. The reading is
/// printed with the next mark (computed or main_end), so compute holds no write of ours.
pub fn input_read() {
    PENDING_INPUT_READ.store(monotonic_ns(), Ordering::Relaxed);
}

/// When the result is ready (formatted), before it is written to stdout.
pub fn computed() {
    let ns = monotonic_ns();
    flush_pending();
    write_mark("computed", ns);
}

/// Last statement of every function's main (also on the error path).
pub fn main_end() {
    let ns = monotonic_ns();
    flush_pending();
    write_mark("main_end", ns);
}

/// All of stdin as raw bytes.
pub fn read_stdin_bytes() -> Vec<u8> {
    let mut buf = Vec::new();
    if let Err(e) = std::io::stdin().lock().read_to_end(&mut buf) {
        fail(&format!("could not read stdin: {}", e));
    }
    buf
}

/// All of stdin as UTF-8 text (not trimmed).
pub fn read_stdin_string() -> String {
    match String::from_utf8(read_stdin_bytes()) {
        Ok(s) => s,
        Err(_) => fail("input is not valid UTF-8 text"),
    }
}

/// All of stdin as UTF-8 text with surrounding whitespace removed.
pub fn read_input() -> String {
    read_stdin_string().trim().to_string()
}

/// Writes `result` and a newline to stdout and flushes it.
pub fn output(result: &str) {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if writeln!(out, "{}", result).and_then(|_| out.flush()).is_err() {
        fail("could not write the result to stdout");
    }
}

/// Prints `error: <msg>` on stderr, then the main_end mark, and exits with code 2.
pub fn fail(msg: &str) -> ! {
    {
        let stderr = std::io::stderr();
        let mut err = stderr.lock();
        let _ = writeln!(err, "error: {}", msg);
        let _ = err.flush();
    }
    main_end();
    let _ = std::io::stdout().flush();
    std::process::exit(2)
}

/// Shortens the input for use in an error message.
pub fn quote(input: &str) -> String {
    const MAX: usize = 60;
    let mut s: String = input.chars().take(MAX).collect();
    if input.chars().count() > MAX {
        s.push_str("...");
    }
    format!("{:?}", s)
}
