// as-factorial: n! exactly, with a small big integer in base 10^9 (as the Rust one).
import {
  fail,
  mainEnd,
  mainStart,
  output,
  parseU32,
  quote,
  readInput,
} from "../../as-mark/nebula-mark";

const MAX_N: i64 = 10000;
const BASE: u64 = 1000000000;

/** n! as little-endian limbs in base 10^9. */
function factorial(n: u32): Array<u32> {
  const limbs = new Array<u32>();
  limbs.push(1);
  for (let k: u64 = 2; k <= <u64>n; k++) {
    let carry: u64 = 0;
    for (let i = 0; i < limbs.length; i++) {
      const v = <u64>limbs[i] * k + carry;
      limbs[i] = <u32>(v % BASE);
      carry = v / BASE;
    }
    while (carry > 0) {
      limbs.push(<u32>(carry % BASE));
      carry /= BASE;
    }
  }
  return limbs;
}

function toDecimal(limbs: Array<u32>): string {
  const parts = new Array<string>();
  parts.push(limbs[limbs.length - 1].toString());
  for (let i = limbs.length - 2; i >= 0; i--) parts.push(limbs[i].toString().padStart(9, "0"));
  return parts.join("");
}

mainStart();
const input = readInput();
const n = parseU32(input);
if (n < 0 || n > MAX_N) {
  fail(`expected an integer n between 0 and ${MAX_N}, got ${quote(input)}`);
}
output(toDecimal(factorial(<u32>n)));
mainEnd();
