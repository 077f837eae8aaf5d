//! hello: does nothing, so an invocation measures the platform's own cost.
//! Input is ignored and nothing is written to stdout.

fn main() {
    nebula_mark::main_start();
    nebula_mark::main_end();
}
