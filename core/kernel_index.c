// SPDX-License-Identifier: BSD-2-Clause
/* core: the essential-name index of a kernel BTF's candidate types. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "btfgen_util.h"
#include "core_internal.h"

/*
 * libbpf's flavour rule: "task_struct___v2" is a flavour of "task_struct".
 * The rightmost X___Y with X and Y not '_' ends the essential name;
 * "a___b___c" -> "a___b", "foo____bar" has no flavour. Returns the hash of the
 * essential name and its length, in one pass: the index hashes every named type
 * of a kernel, ~100k names, so it reads each once.
 */
__u32 kernel_index_hash(const char *name, size_t *ess_len)
{
	__u32 h = BTFGEN_FNV1A32_INIT, ess_h = 0;
	size_t i, ess = 0;
	bool flavour = false;

	for (i = 0; name[i]; i++) {
		/* rightmost X___Y (X, Y not '_') ends the essential name after X */
		if (name[i] != '_' && name[i + 1] == '_' && name[i + 2] == '_' &&
		    name[i + 3] == '_' && name[i + 4] && name[i + 4] != '_') {
			flavour = true;
			ess = i + 1;
			ess_h = btfgen_fnv1a32_byte(h, (unsigned char)name[i]);
		}
		h = btfgen_fnv1a32_byte(h, (unsigned char)name[i]);
	}
	*ess_len = flavour ? ess : i;
	return flavour ? ess_h : h;
}

size_t kernel_index_essential_len(const char *name)
{
	size_t len;

	kernel_index_hash(name, &len);
	return len;
}

/*
 * Candidates are types with the local type's essential name and a
 * core-compatible kind (ENUM and ENUM64 are one class). Every named type
 * is chained in a hash bucket of its essential name; chains are built in
 * descending id order so that walking them yields ascending ids, the order
 * libbpf's linear scan gives.
 */
struct kernel_index {
	const struct btf *btf;
	__u32 nr_buckets; /* power of two */
	__u32 *heads; /* bucket -> first type id, 0 = empty */
	__u32 *next; /* type id -> next id in chain */
	__u32 *hash; /* type id -> hash of its essential name */
};

/* Kinds a local relocation root can have: clang roots CO-RE relocations on types only. */
static bool is_candidate_kind(__u16 kind)
{
	return kind != BTF_KIND_FUNC && kind != BTF_KIND_VAR && kind != BTF_KIND_DATASEC &&
	       kind != BTF_KIND_DECL_TAG;
}

struct kernel_index *kernel_index__new(const struct btf *btf)
{
	struct kernel_index *ki = calloc(1, sizeof(*ki));
	__u32 n = btf__type_cnt(btf);

	if (!ki)
		return NULL;
	ki->btf = btf;
	ki->nr_buckets = 1024;
	while (ki->nr_buckets < n)
		ki->nr_buckets <<= 1;
	ki->heads = calloc(ki->nr_buckets, sizeof(*ki->heads));
	ki->next = calloc(n, sizeof(*ki->next));
	ki->hash = calloc(n, sizeof(*ki->hash));
	if (!ki->heads || !ki->next || !ki->hash) {
		kernel_index__free(ki);
		errno = ENOMEM;
		return NULL;
	}
	for (__u32 id = n - 1; id >= 1; id--) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		const char *name;
		size_t len;
		__u32 b;

		/* functions and variables are never CO-RE roots: half a kernel's names skipped */
		if (!t->name_off || !is_candidate_kind(btf_kind(t)))
			continue;
		name = btf__name_by_offset(btf, t->name_off);
		if (!name || !name[0])
			continue;
		ki->hash[id] = kernel_index_hash(name, &len);
		b = ki->hash[id] & (ki->nr_buckets - 1);
		ki->next[id] = ki->heads[b];
		ki->heads[b] = id;
	}
	return ki;
}

void kernel_index__free(struct kernel_index *ki)
{
	if (!ki)
		return;
	free(ki->heads);
	free(ki->next);
	free(ki->hash);
	free(ki);
}

const struct btf *kernel_index__btf(const struct kernel_index *ki)
{
	return ki->btf;
}

static bool kinds_core_compat(__u16 a, __u16 b)
{
	bool a_enum = a == BTF_KIND_ENUM || a == BTF_KIND_ENUM64;
	bool b_enum = b == BTF_KIND_ENUM || b == BTF_KIND_ENUM64;

	return a == b || (a_enum && b_enum);
}

__u32 kernel_index_cands(const struct kernel_index *ki, const char *name, __u16 kind, __u32 *ids,
			 __u32 cap)
{
	size_t len;
	__u32 h = kernel_index_hash(name, &len), cnt = 0;

	if (!is_candidate_kind(kind)) {
		/* not indexed; a hand-made object may still ask: scan, as libbpf does */
		for (__u32 id = 1; id < btf__type_cnt(ki->btf); id++) {
			const struct btf_type *t = btf__type_by_id(ki->btf, id);
			const char *tname = btf__name_by_offset(ki->btf, t->name_off);

			if (btf_kind(t) != kind || !tname || !tname[0] ||
			    kernel_index_essential_len(tname) != len || strncmp(tname, name, len))
				continue;
			if (cnt < cap)
				ids[cnt] = id;
			cnt++;
		}
		return cnt;
	}
	for (__u32 id = ki->heads[h & (ki->nr_buckets - 1)]; id; id = ki->next[id]) {
		const struct btf_type *t;
		const char *tname;

		if (ki->hash[id] != h)
			continue;
		t = btf__type_by_id(ki->btf, id);
		if (!kinds_core_compat(btf_kind(t), kind))
			continue;
		tname = btf__name_by_offset(ki->btf, t->name_off);
		if (kernel_index_essential_len(tname) != len || strncmp(tname, name, len))
			continue;
		if (cnt < cap)
			ids[cnt] = id;
		cnt++;
	}
	return cnt;
}
