/* c-factorial: n! exactly, with a small big integer in base 10^9 (as the Rust one). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nebula_mark.h"

#define MAX_N 10000
#define BASE 1000000000u

/* n! as little-endian limbs in base 10^9; *count is set to the number of limbs. */
static uint32_t *factorial(uint32_t n, size_t *count) {
  /* 10000! has 35660 digits: 3963 limbs. */
  size_t cap = 4096, used = 1;
  uint32_t *limbs = malloc(cap * sizeof *limbs);
  if (!limbs) nebula_fail("out of memory");
  limbs[0] = 1;
  for (uint64_t k = 2; k <= n; k++) {
    uint64_t carry = 0;
    for (size_t i = 0; i < used; i++) {
      uint64_t v = (uint64_t)limbs[i] * k + carry;
      limbs[i] = (uint32_t)(v % BASE);
      carry = v / BASE;
    }
    while (carry > 0) {
      if (used == cap) nebula_fail("factorial: internal limb buffer too small");
      limbs[used++] = (uint32_t)(carry % BASE);
      carry /= BASE;
    }
  }
  *count = used;
  return limbs;
}

static char *to_decimal(const uint32_t *limbs, size_t count) {
  char *text = malloc(count * 9 + 1);
  if (!text) nebula_fail("out of memory");
  int at = sprintf(text, "%u", limbs[count - 1]);
  for (size_t i = count - 1; i-- > 0;) at += sprintf(text + at, "%09u", limbs[i]);
  return text;
}

int main(void) {
  nebula_main_start();
  const char *input = nebula_read_input();
  uint32_t n;
  if (nebula_parse_u32(input, &n) != 0 || n > MAX_N) {
    nebula_fail("expected an integer n between 0 and %d, got %s", MAX_N, nebula_quote(input));
  }
  size_t count;
  uint32_t *limbs = factorial(n, &count);
  nebula_output(to_decimal(limbs, count));
  nebula_main_end();
  return 0;
}
