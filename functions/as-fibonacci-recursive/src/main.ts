// as-fibonacci-recursive: fib(n) by naive recursion, fib(0) = 0, fib(1) = 1.
import { fail, mainEnd, mainStart, output, parseU32, quote, readInput } from "../../as-mark/nebula-mark";

const MAX_N: i64 = 50;

function fib(n: u32): u64 {
  return n < 2 ? <u64>n : fib(n - 1) + fib(n - 2);
}

mainStart();
const input = readInput();
const n = parseU32(input);
if (n < 0 || n > MAX_N) {
  fail(`expected an integer n between 0 and ${MAX_N}, got ${quote(input)}`);
}
output(fib(<u32>n).toString());
mainEnd();
