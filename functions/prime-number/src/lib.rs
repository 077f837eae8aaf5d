//! The n-th prime by trial division, shared by prime-number (n = 1 gives 2) and
//! prime-number-thesis (the thesis's indexing: n = 0 gives 2).

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

/// The n-th prime (n = 1 gives 2); 0 for n = 0, as there is no 0-th prime.
pub fn nth_prime(n: u32) -> u64 {
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
