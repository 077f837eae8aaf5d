//! prime-number: the n-th prime (n = 1 gives 2) by trial division; n = 0 gives 0 (no prime).

use nebula_mark::{computed, fail, input_read, main_end, main_start, output, quote, read_input};
use prime_number::nth_prime;

const MAX_N: u32 = 200_000;

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
    let result = nth_prime(n).to_string();
    computed();
    output(&result);
    main_end();
}
