/* c-prime-number: the n-th prime (n = 1 gives 2) by trial division; n = 0 gives 0 (no prime). */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>

#include "nebula_mark.h"

#define MAX_N 200000

static bool is_prime(uint64_t k) {
  if (k < 2) return false;
  if (k % 2 == 0) return k == 2;
  for (uint64_t d = 3; d * d <= k; d += 2) {
    if (k % d == 0) return false;
  }
  return true;
}

static uint64_t nth_prime(uint32_t n) {
  if (n == 0) return 0;
  uint32_t count = 0;
  for (uint64_t k = 2;; k++) {
    if (is_prime(k) && ++count == n) return k;
  }
}

int main(void) {
  nebula_main_start();
  const char *input = nebula_read_input();
  uint32_t n;
  if (nebula_parse_u32(input, &n) != 0 || n > MAX_N) {
    nebula_fail("expected an integer n between 0 and %d, got %s", MAX_N, nebula_quote(input));
  }
  char result[24];
  snprintf(result, sizeof result, "%" PRIu64, nth_prime(n));
  nebula_output(result);
  nebula_main_end();
  return 0;
}
