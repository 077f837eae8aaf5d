/* c-exponential: e^x for a floating-point x, printed like Rust's `{}` of an f64 (the shortest
 * digits that read back as the same number, in plain decimal notation). */
#include <ctype.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "nebula_mark.h"

/* Rust's f64 grammar: sign? (inf | infinity | nan | digits? (. digits?)? (e sign? digits)?). */
static bool is_rust_float(const char *s) {
  if (*s == '+' || *s == '-') s++;
  if (!strcasecmp(s, "inf") || !strcasecmp(s, "infinity") || !strcasecmp(s, "nan")) return true;
  size_t digits = 0;
  while (isdigit((unsigned char)*s)) s++, digits++;
  if (*s == '.') {
    s++;
    while (isdigit((unsigned char)*s)) s++, digits++;
  }
  if (digits == 0) return false;
  if (*s == 'e' || *s == 'E') {
    s++;
    if (*s == '+' || *s == '-') s++;
    if (!isdigit((unsigned char)*s)) return false;
    while (isdigit((unsigned char)*s)) s++;
  }
  return *s == '\0';
}

/* y >= 0 and finite: the shortest round-trip digits, written without an exponent. */
static void format_shortest(double y, char *out, size_t size) {
  char sci[40];
  for (int precision = 0; precision < 17; precision++) {
    snprintf(sci, sizeof sci, "%.*e", precision, y);
    if (strtod(sci, NULL) == y) break;
  }
  char digits[24];
  size_t count = 0;
  const char *p = sci;
  for (; *p && *p != 'e'; p++) {
    if (isdigit((unsigned char)*p)) digits[count++] = *p;
  }
  digits[count] = '\0';
  while (count > 1 && digits[count - 1] == '0') digits[--count] = '\0';
  int exponent = atoi(p + 1);
  size_t o = 0;
  if (exponent >= (int)count - 1) {
    o += (size_t)snprintf(out, size, "%s", digits);
    for (int i = 0; i < exponent - (int)count + 1; i++) out[o++] = '0';
  } else if (exponent >= 0) {
    o += (size_t)snprintf(out, size, "%.*s.%s", exponent + 1, digits, digits + exponent + 1);
  } else {
    out[o++] = '0';
    out[o++] = '.';
    for (int i = 0; i < -exponent - 1; i++) out[o++] = '0';
    o += (size_t)snprintf(out + o, size - o, "%s", digits);
  }
  out[o] = '\0';
}

int main(void) {
  nebula_main_start();
  const char *input = nebula_read_input();
  if (!is_rust_float(input)) {
    nebula_fail("expected a number x such as 1 or -2.5, got %s", nebula_quote(input));
  }
  double x = strtod(input, NULL);
  if (!isfinite(x)) {
    nebula_fail("expected a finite number x, got %s (infinity and NaN are not accepted)",
                nebula_quote(input));
  }
  double y = exp(x);
  if (!isfinite(y)) {
    char shown[400];
    format_shortest(fabs(x), shown, sizeof shown);
    nebula_fail("e^%s%s overflows a 64-bit float; expected x at most about 709.78",
                signbit(x) ? "-" : "", shown);
  }
  char result[400];
  format_shortest(y, result, sizeof result);
  nebula_output(result);
  nebula_main_end();
  return 0;
}
