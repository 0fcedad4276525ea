/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tests: the one check harness for C tests (tests/harness, library btfgen_test_harness).
 * Every failed CHECK prints file:line and the running test's name, and fails the run;
 * RUN_TEST prints "ok"/"FAIL" per test; main returns harness_finish().
 * (tests/unit uses it through unit_harness.h, under its old names; the bundle tests' own
 * checks move to it in phase B.)
 */
#ifndef BTFGEN_TEST_HARNESS_H
#define BTFGEN_TEST_HARNESS_H

#include <string.h>

void harness_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void harness_run(const char *name, void (*fn)(void));
/* Prints the summary; returns the process exit status (0: every check passed). */
int harness_finish(void);

/* Each CHECK evaluates to 1 on success, so a test can stop early: if (!CHECK(x)) return; */
#define CHECK(cond)                                                                  \
	({                                                                           \
		int __ok = !!(cond);                                                 \
		if (!__ok)                                                           \
			harness_fail(__FILE__, __LINE__, "CHECK(%s) failed", #cond); \
		__ok;                                                                \
	})

#define CHECK_INT(got, want)                                                                   \
	({                                                                                     \
		long long __g = (long long)(got);                                              \
		long long __w = (long long)(want);                                             \
		if (__g != __w)                                                                \
			harness_fail(__FILE__, __LINE__, "%s: got %lld, want %s = %lld", #got, \
				     __g, #want, __w);                                         \
		__g == __w;                                                                    \
	})

#define CHECK_U64(got, want)                                                                      \
	({                                                                                        \
		unsigned long long __g = (unsigned long long)(got);                               \
		unsigned long long __w = (unsigned long long)(want);                              \
		if (__g != __w)                                                                   \
			harness_fail(__FILE__, __LINE__,                                          \
				     "%s: got %llu (0x%llx), want %s = %llu (0x%llx)", #got, __g, \
				     __g, #want, __w, __w);                                       \
		__g == __w;                                                                       \
	})

#define CHECK_STR(got, want)                                                                  \
	({                                                                                    \
		const char *__g = (got);                                                      \
		const char *__w = (want);                                                     \
		int __ok = __g && __w && !strcmp(__g, __w);                                   \
		if (!__ok)                                                                    \
			harness_fail(__FILE__, __LINE__, "%s: got \"%s\", want \"%s\"", #got, \
				     __g ? __g : "(null)", __w ? __w : "(null)");             \
		__ok;                                                                         \
	})

/* Like CHECK but ends the current test function (returning void) on failure. */
#define REQUIRE(cond)             \
	do {                      \
		if (!CHECK(cond)) \
			return;   \
	} while (0)

#define RUN_TEST(fn) harness_run(#fn, fn)

#endif
