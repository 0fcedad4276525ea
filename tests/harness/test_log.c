// SPDX-License-Identifier: BSD-2-Clause
/* tests/harness: a growing text buffer (test_log.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_log.h"

int test_log__append(struct test_log *log, const char *s, size_t n)
{
	if (log->len + n + 1 > log->cap) {
		size_t cap = log->cap ? log->cap * 2 : 65536;
		char *p;

		while (cap < log->len + n + 1)
			cap *= 2;
		p = realloc(log->buf, cap);
		if (!p)
			return -ENOMEM;
		log->buf = p;
		log->cap = cap;
	}
	memcpy(log->buf + log->len, s, n);
	log->len += n;
	log->buf[log->len] = '\0';
	return 0;
}

int test_log__vprintf(struct test_log *log, FILE *echo, const char *fmt, va_list args)
{
	char tmp[4096];
	int n = vsnprintf(tmp, sizeof(tmp), fmt, args);

	if (n < 0)
		return n;
	if ((size_t)n >= sizeof(tmp))
		n = sizeof(tmp) - 1;
	if (echo)
		fputs(tmp, echo);
	test_log__append(log, tmp, n);
	return n;
}
