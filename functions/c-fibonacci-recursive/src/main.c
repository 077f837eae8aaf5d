/* c-fibonacci-recursive: fib(n) by naive recursion, fib(0) = 0, fib(1) = 1. */
#include <inttypes.h>
#include <stdio.h>

#include "nebula_mark.h"

#define MAX_N 50

static uint64_t fib(uint32_t n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

int main(void) {
  nebula_main_start();
  const char *input = nebula_read_input();
  uint32_t n;
  if (nebula_parse_u32(input, &n) != 0 || n > MAX_N) {
    nebula_fail("expected an integer n between 0 and %d, got %s", MAX_N, nebula_quote(input));
  }
  char result[24];
  snprintf(result, sizeof result, "%" PRIu64, fib(n));
  nebula_output(result);
  nebula_main_end();
  return 0;
}
