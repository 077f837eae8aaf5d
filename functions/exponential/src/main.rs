//! exponential: e^x for a floating-point x.

use nebula_mark::{computed, fail, input_read, main_end, main_start, output, quote, read_input};

fn main() {
    main_start();
    let input = read_input();
    input_read();
    let x: f64 = match input.parse::<f64>() {
        Ok(x) if x.is_finite() => x,
        Ok(_) => fail(&format!(
            "expected a finite number x, got {} (infinity and NaN are not accepted)",
            quote(&input)
        )),
        Err(_) => fail(&format!("expected a number x such as 1 or -2.5, got {}", quote(&input))),
    };
    let y = x.exp();
    if !y.is_finite() {
        fail(&format!(
            "e^{} overflows a 64-bit float; expected x at most about 709.78",
            x
        ));
    }
    let result = format!("{}", y);
    computed();
    output(&result);
    main_end();
}
