/* SPDX-License-Identifier: BSD-2-Clause */
/* tests/unit: a minimal check harness; every failed CHECK prints file:line and fails the run. */
#ifndef UNIT_HARNESS_H
#define UNIT_HARNESS_H

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* Failures so far and the running test's name, defined in unit_support.c. */
extern int unit_failures;
extern const char *unit_current;

void unit_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Each CHECK evaluates to 1 on success so a test can stop early: if (!CHECK(x)) return; */
#define CHECK(cond)                                                                  \
	({                                                                           \
		int __ok = !!(cond);                                                 \
		if (!__ok)                                                           \
			unit_fail(__FILE__, __LINE__, "CHECK(%s) failed", #cond);   \
		__ok;                                                                \
	})

#define CHECK_U64(got, want)                                                         \
	({                                                                           \
		unsigned long long __g = (unsigned long long)(got);                  \
		unsigned long long __w = (unsigned long long)(want);                 \
		if (__g != __w)                                                      \
			unit_fail(__FILE__, __LINE__,                                \
				  "%s: got %llu (0x%llx), want %s = %llu (0x%llx)", #got, \
				  __g, __g, #want, __w, __w);                        \
		__g == __w;                                                          \
	})

#define CHECK_INT(got, want)                                                         \
	({                                                                           \
		long long __g = (long long)(got);                                    \
		long long __w = (long long)(want);                                   \
		if (__g != __w)                                                      \
			unit_fail(__FILE__, __LINE__, "%s: got %lld, want %s = %lld",  \
				  #got, __g, #want, __w);                            \
		__g == __w;                                                          \
	})

#define CHECK_STR(got, want)                                                         \
	({                                                                           \
		const char *__g = (got);                                             \
		const char *__w = (want);                                            \
		int __ok = __g && __w && !strcmp(__g, __w);                          \
		if (!__ok)                                                           \
			unit_fail(__FILE__, __LINE__, "%s: got \"%s\", want \"%s\"",   \
				  #got, __g ? __g : "(null)", __w ? __w : "(null)");   \
		__ok;                                                                \
	})

/* Like CHECK but ends the current test function (returning void) on failure. */
#define REQUIRE(cond)                                                                \
	do {                                                                         \
		if (!CHECK(cond))                                                    \
			return;                                                      \
	} while (0)

#define RUN_TEST(fn) unit_run_test(#fn, fn)

void unit_run_test(const char *name, void (*fn)(void));

/* Prints the summary; returns the process exit status (0 all passed). */
int unit_finish(void);

#endif /* UNIT_HARNESS_H */
