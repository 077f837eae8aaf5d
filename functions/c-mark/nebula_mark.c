#include "nebula_mark.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

uint64_t nebula_monotonic_ns(void) {
  struct timespec ts;
  if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0) return 0;
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void write_mark(const char *label, uint64_t ns) {
  fprintf(stderr, "@nebula %s %llu\n", label, (unsigned long long)ns);
  fflush(stderr);
}

/* input_read's reading, kept until the next mark (0: none): printed at once, the cost of one
 * stderr write would fall inside the compute phase; printed later, it falls in output. */
static uint64_t pending_input_read = 0;

static void flush_pending(void) {
  if (pending_input_read != 0) write_mark("input_read", pending_input_read);
  pending_input_read = 0;
}

void nebula_main_start(void) { write_mark("main_start", nebula_monotonic_ns()); }

void nebula_input_read(void) { pending_input_read = nebula_monotonic_ns(); }

void nebula_computed(void) {
  uint64_t ns = nebula_monotonic_ns();
  flush_pending();
  write_mark("computed", ns);
}

void nebula_main_end(void) {
  uint64_t ns = nebula_monotonic_ns();
  flush_pending();
  write_mark("main_end", ns);
}

char *nebula_read_stdin(size_t *len) {
  size_t cap = 4096, used = 0;
  char *buf = malloc(cap);
  if (!buf) nebula_fail("out of memory reading stdin");
  for (;;) {
    if (cap - used < 2) {
      cap *= 2;
      char *grown = realloc(buf, cap);
      if (!grown) nebula_fail("out of memory reading stdin");
      buf = grown;
    }
    size_t n = fread(buf + used, 1, cap - used - 1, stdin);
    used += n;
    if (n == 0) {
      if (ferror(stdin)) nebula_fail("could not read stdin");
      break;
    }
  }
  buf[used] = '\0';
  *len = used;
  return buf;
}

static int is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

char *nebula_read_input(void) {
  size_t len;
  char *buf = nebula_read_stdin(&len);
  char *start = buf;
  while (*start && is_space(*start)) start++;
  char *end = buf + len;
  while (end > start && is_space(end[-1])) end--;
  *end = '\0';
  nebula_input_read();
  return start;
}

void nebula_output(const char *result) {
  nebula_computed();
  if (fputs(result, stdout) == EOF || fputc('\n', stdout) == EOF || fflush(stdout) != 0) {
    nebula_fail("could not write the result to stdout");
  }
}

_Noreturn void nebula_fail(const char *format, ...) {
  va_list args;
  va_start(args, format);
  fputs("error: ", stderr);
  vfprintf(stderr, format, args);
  fputc('\n', stderr);
  va_end(args);
  fflush(stderr);
  nebula_main_end();
  fflush(stdout);
  exit(2);
}

const char *nebula_quote(const char *input) {
  enum { MAX = 60 };
  static char out[MAX * 6 + 8];
  size_t o = 0;
  out[o++] = '"';
  size_t chars = 0;
  const unsigned char *p = (const unsigned char *)input;
  while (*p && chars < MAX) {
    unsigned char c = *p;
    /* Count UTF-8 characters, not bytes, like Rust's chars(). */
    size_t width = c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
    if (c == '"' || c == '\\') {
      out[o++] = '\\';
      out[o++] = (char)c;
    } else if (c == '\n') {
      out[o++] = '\\';
      out[o++] = 'n';
    } else if (c == '\t') {
      out[o++] = '\\';
      out[o++] = 't';
    } else if (c == '\r') {
      out[o++] = '\\';
      out[o++] = 'r';
    } else if (c < 0x20 || c == 0x7f) {
      o += (size_t)snprintf(out + o, sizeof out - o, "\\u{%x}", c);
    } else {
      for (size_t i = 0; i < width && p[i]; i++) out[o++] = (char)p[i];
      p += width - 1;
    }
    p++;
    chars++;
  }
  if (*p) {
    memcpy(out + o, "...", 3);
    o += 3;
  }
  out[o++] = '"';
  out[o] = '\0';
  return out;
}

int nebula_parse_u32(const char *text, uint32_t *out) {
  const char *p = text;
  if (*p == '+') p++;
  if (!*p) return -1;
  uint64_t value = 0;
  for (; *p; p++) {
    if (*p < '0' || *p > '9') return -1;
    value = value * 10 + (uint64_t)(*p - '0');
    if (value > UINT32_MAX) return -1;
  }
  *out = (uint32_t)value;
  return 0;
}
