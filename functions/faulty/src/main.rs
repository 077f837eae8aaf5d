//! faulty: misbehaves on request, to test the sandbox.
//!   ok      prints "ok"
//!   trap    panics (panic = "abort": a trap in Wasm, SIGABRT natively)
//!   loop    spins forever
//!   oom     allocates and touches memory in 1 MiB chunks forever, keeping them
//!   exit N  exits with code N

use nebula_mark::{computed, fail, input_read, main_end, main_start, output, quote, read_input};
use std::ptr;

const CHUNK: usize = 1 << 20;
const EXPECTED: &str = "expected one of \"ok\", \"trap\", \"loop\", \"oom\" or \"exit N\" (N an integer 0..=255)";

fn spin() -> ! {
    // Volatile reads and writes are side effects the optimiser must keep,
    // so the loop cannot be removed (std::hint::black_box needs Rust 1.66).
    let mut counter: u64 = 0;
    loop {
        unsafe {
            let v = ptr::read_volatile(&counter);
            ptr::write_volatile(&mut counter, v.wrapping_add(1));
        }
    }
}

fn exhaust_memory() -> ! {
    let mut kept: Vec<Vec<u8>> = Vec::new();
    loop {
        let mut chunk = vec![0u8; CHUNK];
        // Touch every page with a volatile write so the memory is really
        // committed and the allocation cannot be optimised away.
        let mut i = 0;
        while i < CHUNK {
            unsafe { ptr::write_volatile(chunk.as_mut_ptr().add(i), 1) };
            i += 4096;
        }
        kept.push(chunk);
    }
}

fn main() {
    main_start();
    let input = read_input();
    input_read();
    let mut words = input.split_whitespace();
    match (words.next(), words.next(), words.next()) {
        (Some("ok"), None, _) => {
            computed();
            output("ok");
        }
        (Some("trap"), None, _) => panic!("faulty: trap requested"),
        (Some("loop"), None, _) => spin(),
        (Some("oom"), None, _) => exhaust_memory(),
        (Some("exit"), Some(code), None) => match code.parse::<u8>() {
            Ok(code) => {
                computed();
                main_end();
                std::process::exit(code as i32);
            }
            Err(_) => fail(&format!("{}, got {}", EXPECTED, quote(&input))),
        },
        _ => fail(&format!("{}, got {}", EXPECTED, quote(&input))),
    }
    main_end();
}
