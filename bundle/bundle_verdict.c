// SPDX-License-Identifier: BSD-2-Clause
/* bundle: program verdicts per kernel from index.json programs and matrix.json records. */
#include <errno.h>
#include <string.h>

#include "bundle_verdict.h"

const char *btfgen_bundle_verdict__str(enum bundle_verdict v)
{
	static const char *const names[] = {
		"loads", "probes", "guarded", "fails", "refused", "n/a"
	};

	return (unsigned)v < BUNDLE_VERDICT_CNT ? names[v] : "?";
}

enum bundle_verdict btfgen_bundle_verdict__of_record(const char *verdict)
{
	if (!verdict)
		return BUNDLE_VERDICT_LOADS;
	if (!strcmp(verdict, "probe"))
		return BUNDLE_VERDICT_PROBES;
	if (!strcmp(verdict, "guarded"))
		return BUNDLE_VERDICT_GUARDED;
	if (!strcmp(verdict, "fails"))
		return BUNDLE_VERDICT_FAILS;
	if (!strcmp(verdict, "refused"))
		return BUNDLE_VERDICT_REFUSED;
	return BUNDLE_VERDICT_LOADS;
}

int btfgen_bundle_unsatisfied__any_failing(const struct bundle_unsatisfied *u, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (btfgen_bundle_verdict__of_record(u[i].verdict) >= BUNDLE_VERDICT_FAILS)
			return 1;
	return 0;
}

size_t btfgen_bundle__program_total(const struct bundle *b)
{
	return btfgen_bundle__program_base(b, btfgen_bundle__object_cnt(b));
}

size_t btfgen_bundle__program_base(const struct bundle *b, size_t obj)
{
	size_t n = 0;

	for (size_t i = 0; i < obj && i < btfgen_bundle__object_cnt(b); i++)
		n += btfgen_bundle__object(b, i)->program_cnt;
	return n;
}

/* Object of e's arch named 'name', or -1. */
static long object_of(const struct bundle *b, const struct bundle_entry *e, const char *name)
{
	for (size_t i = 0; i < btfgen_bundle__object_cnt(b); i++) {
		const struct bundle_object *o = btfgen_bundle__object(b, i);

		if (!strcmp(o->name, name) && !strcmp(o->arch, e->arch))
			return (long)i;
	}
	return -1;
}

static long program_of(const struct bundle_object *o, const char *name)
{
	for (size_t j = 0; j < o->program_cnt; j++)
		if (!strcmp(o->programs[j], name))
			return (long)j;
	return -1;
}

int btfgen_bundle__verdicts(struct bundle *b, const struct bundle_entry *e,
			    enum bundle_verdict *out, long *why)
{
	size_t total = btfgen_bundle__program_total(b);
	int ok = !strcmp(e->status, "ok");

	for (size_t i = 0, n = 0; i < btfgen_bundle__object_cnt(b); i++) {
		const struct bundle_object *o = btfgen_bundle__object(b, i);

		for (size_t j = 0; j < o->program_cnt; j++, n++) {
			out[n] = ok && !strcmp(o->arch, e->arch) ? BUNDLE_VERDICT_LOADS :
								   BUNDLE_VERDICT_NA;
			if (why)
				why[n] = -1;
		}
	}
	for (size_t k = 0; ok && k < e->unsatisfied_cnt; k++) {
		struct bundle_unsatisfied u;
		enum bundle_verdict v;
		long oi, pj;
		size_t base;
		int ret = btfgen_bundle__unsatisfied(b, e, k, &u);

		if (ret)
			return ret;
		v = btfgen_bundle_verdict__of_record(u.verdict);
		oi = object_of(b, e, u.object);
		if (oi < 0 || v == BUNDLE_VERDICT_LOADS)
			continue;
		base = btfgen_bundle__program_base(b, oi);
		/* a refused object: every program, decided by the first refused record */
		for (size_t j = 0; j < btfgen_bundle__object(b, oi)->program_cnt; j++) {
			pj = v == BUNDLE_VERDICT_REFUSED ?
				     (long)j :
				     program_of(btfgen_bundle__object(b, oi), u.program);
			if (pj < 0 || base + pj >= total)
				break;
			if (v > out[base + pj]) {
				out[base + pj] = v;
				if (why)
					why[base + pj] = (long)k;
			}
			if (v != BUNDLE_VERDICT_REFUSED)
				break;
		}
	}
	return 0;
}
