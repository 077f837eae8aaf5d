//! prime-number-thesis: prime-number on the indexing of the thesis that Nebula's plans
//! replicate (brehen/master-thesis): n = 0 gives 2, n = 100 gives 547, the (n+1)-th prime.
//! Its input grid (0 to 6000 step 10) and its exclusion (n over 1500) then mean what they
//! meant there.

use nebula_mark::{computed, fail, input_read, main_end, main_start, output, quote, read_input};
use prime_number::nth_prime;

const MAX_N: u32 = 199_999;

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
    let result = nth_prime(n + 1).to_string();
    computed();
    output(&result);
    main_end();
}
