/*
 * Shared helper for Nebula's C functions, the same contract as the Rust crate nebula-mark:
 * timing marks `@nebula <label> <ns>` on stderr from the monotonic clock (CLOCK_MONOTONIC
 * natively; under WASI the host's monotonic clock), input on stdin, the result and a newline
 * on stdout, and `error: <message>` on stderr with exit code 2 for input it rejects.
 */
#ifndef NEBULA_MARK_H
#define NEBULA_MARK_H

#include <stddef.h>
#include <stdint.h>

/** First statement of main: `@nebula main_start <ns>`. */
void nebula_main_start(void);
/** Last statement of main (also on the error path): `@nebula main_end <ns>`. */
void nebula_main_end(void);
/** Raw monotonic clock reading in nanoseconds. */
uint64_t nebula_monotonic_ns(void);

/** Right after stdin is read: `input_read`, printed with the next mark (so compute holds no
 * write of ours). */
void nebula_input_read(void);
/** When the result is ready, before it is written: `computed`. */
void nebula_computed(void);

/** All of stdin as raw bytes (NUL-terminated too); marks nothing. */
char *nebula_read_stdin(size_t *len);
/** All of stdin with surrounding ASCII whitespace removed, then marks `input_read`. */
char *nebula_read_input(void);
/** Marks `computed`, then writes `result` and a newline to stdout and flushes it. */
void nebula_output(const char *result);
/** Prints `error: <message>` on stderr, the main_end mark, and exits with code 2. */
_Noreturn void nebula_fail(const char *format, ...) __attribute__((format(printf, 1, 2)));
/** The input shortened to 60 characters and quoted with escapes, like Rust's `{:?}`. */
const char *nebula_quote(const char *input);
/** Parses a whole decimal u32 (an optional leading +); 0 on success, -1 otherwise. */
int nebula_parse_u32(const char *text, uint32_t *out);

#endif
