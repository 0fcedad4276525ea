// SPDX-License-Identifier: BSD-2-Clause
/* tests: the check harness (harness.h). */
#include <stdarg.h>
#include <stdio.h>

#include "harness.h"

static int failures, failed_tests;
static const char *current = "(setup)";

void harness_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s:%d: %s: ", file, line, current);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	failures++;
}

void harness_run(const char *name, void (*fn)(void))
{
	int before = failures;

	current = name;
	fn();
	if (failures != before) {
		failed_tests++;
		printf("FAIL %s\n", name);
	} else {
		printf("ok   %s\n", name);
	}
	fflush(stdout);
	current = "(setup)";
}

int harness_finish(void)
{
	printf("%s: %d check(s) failed in %d test(s)\n", failures ? "FAILED" : "PASSED", failures,
	       failed_tests);
	return failures ? 1 : 0;
}
