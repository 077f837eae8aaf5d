//! fibonacci-recursive: fib(n) by naive recursion, fib(0) = 0, fib(1) = 1.

use nebula_mark::{computed, fail, input_read, main_end, main_start, output, quote, read_input};

const MAX_N: u32 = 50;

fn fib(n: u32) -> u64 {
    if n < 2 {
        n as u64
    } else {
        fib(n - 1) + fib(n - 2)
    }
}

fn main() {
    main_start();
    let input = read_input();
    input_read();
    let n: u32 = match input.parse::<u32>() {
        Ok(n) if n <= MAX_N => n,
        _ => fail(&format!(
            "expected an integer n between 0 and {}, got {}",
            MAX_N,
            quote(&input)
        )),
    };
    let result = fib(n).to_string();
    computed();
    output(&result);
    main_end();
}
