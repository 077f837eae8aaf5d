//! prime-number: the n-th prime (n = 1 gives 2) by trial division; n = 0 gives 0 (no prime).

use nebula_mark::{computed, fail, input_read, main_end, main_start, output, quote, read_input};

const MAX_N: u32 = 200_000;

fn is_prime(k: u64) -> bool {
    if k < 2 {
        return false;
    }
    if k % 2 == 0 {
        return k == 2;
    }
    let mut d = 3;
    while d * d <= k {
        if k % d == 0 {
            return false;
        }
        d += 2;
    }
    true
}

fn nth_prime(n: u32) -> u64 {
    if n == 0 {
        return 0;
    }
    let mut count = 0;
    let mut k = 1;
    loop {
        k += 1;
        if is_prime(k) {
            count += 1;
            if count == n {
                return k;
            }
        }
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
    let result = nth_prime(n).to_string();
    computed();
    output(&result);
    main_end();
}
