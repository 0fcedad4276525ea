// SPDX-License-Identifier: BSD-2-Clause
/* tests/unit: one parsed object shared by threads that each tailor their own kernel. */
#include <pthread.h>
#include <stdlib.h>
#include <bpf/btf.h>

#include "unit_support.h"

#define NTHREADS 4
#define ROUNDS 25

struct job {
	const struct core_object *obj;
	const void *kraw;
	__u32 ksize;
	void *first; /* the first round's tailored BTF */
	__u32 first_size;
	int mismatches; /* rounds whose bytes or outcomes differ from the first */
	int errors;
	struct core_relo_result res[8], res_first[8];
};

static void *worker(void *arg)
{
	struct job *j = arg;

	for (int r = 0; r < ROUNDS; r++) {
		/* each thread parses its own kernel BTF: only the object is shared */
		struct btf *k = btf__new(j->kraw, j->ksize);
		struct kernel_index *ki = k ? kernel_index__new(k) : NULL;
		struct core_tailor *t = ki ? core_tailor__new(ki) : NULL;
		void *d = NULL;
		__u32 s = 0;

		if (!t || core_tailor__add_object(t, j->obj, j->res) ||
		    core_tailor__emit(t, &d, &s)) {
			j->errors++;
		} else if (!j->first) {
			j->first = d;
			j->first_size = s;
			memcpy(j->res_first, j->res, sizeof(j->res));
			d = NULL;
		} else if (s != j->first_size || memcmp(d, j->first, s) ||
			   memcmp(j->res, j->res_first, sizeof(j->res))) {
			j->mismatches++;
		}
		free(d);
		core_tailor__free(t);
		kernel_index__free(ki);
		btf__free(k);
	}
	return NULL;
}

/* The pruning case again: outcomes depend on per-object candidate state, which must not be
 * shared between threads (or rounds) through the object. */
static void test_shared_object(void)
{
	struct btf *k = btf__new_empty(), *l = btf__new_empty();
	struct core_object *obj = NULL;
	struct job jobs[NTHREADS] = {};
	pthread_t tids[NTHREADS];
	const void *raw;
	int kint, lint, lfoo, started = 0;

	REQUIRE(k && l);
	kint = btf__add_int(k, "int", 4, BTF_INT_SIGNED);
	btf__add_struct(k, "foo", 8);
	btf__add_field(k, "a", kint, 0, 0);
	btf__add_field(k, "y", kint, 32, 0);
	btf__add_struct(k, "foo___2", 8);
	btf__add_field(k, "a", kint, 0, 0);
	REQUIRE(btf__add_field(k, "x", kint, 32, 0) == 0);
	lint = btf__add_int(l, "int", 4, BTF_INT_SIGNED);
	lfoo = btf__add_struct(l, "foo", 12);
	btf__add_field(l, "a", lint, 0, 0);
	btf__add_field(l, "x", lint, 32, 0);
	REQUIRE(btf__add_field(l, "y", lint, 64, 0) == 0);

	struct unit_relo relos[8] = {
		{ lfoo, "0:0", BPF_CORE_FIELD_BYTE_OFFSET },
		{ lfoo, "0:1", BPF_CORE_FIELD_BYTE_OFFSET },
		{ lfoo, "0:2", BPF_CORE_FIELD_BYTE_OFFSET },
		{ lfoo, "0:0", BPF_CORE_FIELD_BYTE_OFFSET },
		{ lfoo, "0", BPF_CORE_TYPE_SIZE },
		{ lfoo, "0:2", BPF_CORE_FIELD_EXISTS },
		{ lfoo, "0:1", BPF_CORE_FIELD_EXISTS },
		{ lfoo, "0", BPF_CORE_TYPE_EXISTS },
	};
	obj = unit_obj__open(l, relos, 8);
	raw = obj ? btf__raw_data(k, &jobs[0].ksize) : NULL;
	if (!CHECK(raw))
		goto out;
	for (int i = 0; i < NTHREADS; i++) {
		jobs[i].obj = obj;
		jobs[i].kraw = raw;
		jobs[i].ksize = jobs[0].ksize;
		if (!CHECK_INT(pthread_create(&tids[i], NULL, worker, &jobs[i]), 0))
			break;
		started++;
	}
	for (int i = 0; i < started; i++)
		pthread_join(tids[i], NULL);
	for (int i = 0; i < started; i++) {
		CHECK_INT(jobs[i].errors, 0);
		CHECK_INT(jobs[i].mismatches, 0);
		if (i && jobs[i].first && jobs[0].first)
			CHECK(jobs[i].first_size == jobs[0].first_size &&
			      !memcmp(jobs[i].first, jobs[0].first, jobs[0].first_size));
	}
	/* and the outcomes are the pruning case's */
	CHECK_RES(jobs[0].res_first[1], CORE_RELO_RESOLVED, false, 4);
	CHECK_RES(jobs[0].res_first[2], CORE_RELO_NOT_FOUND, true, 0);
	CHECK_RES(jobs[0].res_first[5], CORE_RELO_NOT_FOUND, false, 0);
out:
	for (int i = 0; i < NTHREADS; i++)
		free(jobs[i].first);
	core_object__free(obj);
	btf__free(l);
	btf__free(k);
}

int main(void)
{
	RUN_TEST(test_shared_object);
	return unit_finish();
}
