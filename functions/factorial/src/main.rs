//! factorial: n! exactly, with a small big integer in base 10^9.

use nebula_mark::{computed, fail, input_read, main_end, main_start, output, quote, read_input};

const MAX_N: u32 = 10_000;
const BASE: u64 = 1_000_000_000;

/// n! as little-endian limbs in base 10^9.
fn factorial(n: u32) -> Vec<u32> {
    let mut limbs: Vec<u32> = vec![1];
    for k in 2..=n as u64 {
        let mut carry: u64 = 0;
        for limb in limbs.iter_mut() {
            let v = (*limb as u64) * k + carry;
            *limb = (v % BASE) as u32;
            carry = v / BASE;
        }
        while carry > 0 {
            limbs.push((carry % BASE) as u32);
            carry /= BASE;
        }
    }
    limbs
}

fn to_decimal(limbs: &[u32]) -> String {
    let mut s = String::with_capacity(limbs.len() * 9);
    let mut iter = limbs.iter().rev();
    if let Some(top) = iter.next() {
        s.push_str(&top.to_string());
    }
    for limb in iter {
        s.push_str(&format!("{:09}", limb));
    }
    s
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
    let result = to_decimal(&factorial(n));
    computed();
    output(&result);
    main_end();
}
