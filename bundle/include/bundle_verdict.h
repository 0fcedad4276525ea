/* SPDX-License-Identifier: BSD-2-Clause */
/* bundle: program verdicts per kernel, read from a bundle (docs/verdicts.md). */
#ifndef BTFGEN_BUNDLE_VERDICT_H
#define BTFGEN_BUNDLE_VERDICT_H

#include <stddef.h>

#include "bundle.h"

/* By increasing severity; BUNDLE_VERDICT_NA: the kernel is not "ok", nothing was decided. */
enum bundle_verdict {
	BUNDLE_VERDICT_LOADS,
	BUNDLE_VERDICT_PROBES,
	BUNDLE_VERDICT_GUARDED,
	BUNDLE_VERDICT_FAILS,
	BUNDLE_VERDICT_REFUSED,
	BUNDLE_VERDICT_NA,
	BUNDLE_VERDICT_CNT,
};

const char *btfgen_bundle_verdict__str(enum bundle_verdict v);
/* A record's "verdict" ("probe", "guarded", ...) as a program verdict; "unused"/"": LOADS. */
enum bundle_verdict btfgen_bundle_verdict__of_record(const char *verdict);
/* True if some record makes a program fail or the object refused (index "failing_kernels"). */
int btfgen_bundle_unsatisfied__any_failing(const struct bundle_unsatisfied *u, size_t n);

/*
 * Programs of the bundle, numbered across objects: object i's program j is number
 * btfgen_bundle__program_base(b, i) + j; btfgen_bundle__program_total(b) in all.
 */
size_t btfgen_bundle__program_total(const struct bundle *b);
size_t btfgen_bundle__program_base(const struct bundle *b, size_t obj);

/*
 * The verdict of every program on kernel e (docs/verdicts.md rules): out[n] for program n,
 * BUNDLE_VERDICT_NA for programs of other arches and on kernels that are not "ok".
 * why[n] (may be NULL): index in e's unsatisfied records of the record that decided
 * (the first of the program's most severe ones), or -1. Loads matrix.json: 0 or -errno
 * (message in btfgen_bundle__error).
 */
int btfgen_bundle__verdicts(struct bundle *b, const struct bundle_entry *e,
			    enum bundle_verdict *out, long *why);

#endif
