//! hello: does nothing, so an invocation measures the platform's own cost.
//! Its input is read like every function's and then ignored; nothing is written
//! to stdout. Its compute phase (input_read to computed) is therefore empty.

use nebula_mark::{computed, input_read, main_end, main_start, read_stdin_bytes};

fn main() {
    main_start();
    let _ = read_stdin_bytes();
    input_read();
    computed();
    main_end();
}
