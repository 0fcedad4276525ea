/* SPDX-License-Identifier: BSD-2-Clause */
/* tests/harness: a growing text buffer, for capturing libbpf's log (libc only). */
#ifndef BTFGEN_TEST_LOG_H
#define BTFGEN_TEST_LOG_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

/* buf is NUL-terminated once anything was appended; zero-initialize, free(buf) when done. */
struct test_log {
	char *buf;
	size_t len, cap;
};

/* Appends s[0..n); 0 or -ENOMEM (the log then stays as it was). */
int test_log__append(struct test_log *log, const char *s, size_t n);
/*
 * Appends the formatted text, cut at 4 KiB (a libbpf log line is far shorter); the text is
 * also copied to echo unless NULL. Returns the length appended, or vsnprintf's error.
 */
int test_log__vprintf(struct test_log *log, FILE *echo, const char *fmt, va_list args);

#endif
