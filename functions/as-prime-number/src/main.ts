// as-prime-number: the n-th prime (n = 1 gives 2) by trial division; n = 0 gives 0 (no prime).
import {
  fail,
  mainEnd,
  mainStart,
  output,
  parseU32,
  quote,
  readInput,
} from "../../as-mark/nebula-mark";

const MAX_N: i64 = 200000;

function isPrime(k: u64): bool {
  if (k < 2) return false;
  if (k % 2 == 0) return k == 2;
  for (let d: u64 = 3; d * d <= k; d += 2) {
    if (k % d == 0) return false;
  }
  return true;
}

function nthPrime(n: u32): u64 {
  if (n == 0) return 0;
  let count: u32 = 0;
  let k: u64 = 1;
  while (count < n) {
    k++;
    if (isPrime(k)) count++;
  }
  return k;
}

mainStart();
const input = readInput();
const n = parseU32(input);
if (n < 0 || n > MAX_N) {
  fail(`expected an integer n between 0 and ${MAX_N}, got ${quote(input)}`);
}
output(nthPrime(<u32>n).toString());
mainEnd();
