// SPDX-License-Identifier: BSD-2-Clause
/* tests/unit: the tailored BTF: kept members and offsets, struct sizes, void pointers, determinism. */
#include <stdlib.h>
#include <bpf/btf.h>

#include "unit_support.h"

#define NRELO(a) (sizeof(a) / sizeof((a)[0]))

/*
 * Kernel: int, long int, struct other { int o; } (8 bytes), struct big { int a; int b;
 * struct other *p; char pad[100]; struct other emb; } (128 bytes), struct unused { int z; }.
 */
struct kern {
	struct btf *btf;
	int kint, klong, kother, kptr, kchr, kpad, kbig, kunused;
};

static int kern_build(struct kern *kb)
{
	struct btf *k = btf__new_empty();

	kb->btf = k;
	if (!k)
		return -1;
	kb->kint = btf__add_int(k, "int", 4, BTF_INT_SIGNED);
	kb->klong = btf__add_int(k, "long int", 8, BTF_INT_SIGNED);
	kb->kother = btf__add_struct(k, "other", 8);
	btf__add_field(k, "o", kb->kint, 0, 0);
	kb->kptr = btf__add_ptr(k, kb->kother);
	kb->kchr = btf__add_int(k, "char", 1, BTF_INT_SIGNED);
	kb->kpad = btf__add_array(k, kb->kint, kb->kchr, 100);
	kb->kbig = btf__add_struct(k, "big", 128);
	btf__add_field(k, "a", kb->kint, 0, 0);
	btf__add_field(k, "b", kb->kint, 32, 0);
	btf__add_field(k, "p", kb->kptr, 64, 0);
	btf__add_field(k, "pad", kb->kpad, 128, 0);
	btf__add_field(k, "emb", kb->kother, 928, 0);
	kb->kunused = btf__add_struct(k, "unused", 4);
	return btf__add_field(k, "z", kb->kint, 0, 0) ? -1 : 0;
}

/* Local: struct other { int o; }, struct big { int b; struct other *p; struct other emb; }. */
struct local {
	struct btf *btf;
	int lbig;
};

static int local_build(struct local *lb)
{
	struct btf *l = btf__new_empty();
	int lint, lother, lptr;

	lb->btf = l;
	if (!l)
		return -1;
	lint = btf__add_int(l, "int", 4, BTF_INT_SIGNED);
	lother = btf__add_struct(l, "other", 4);
	btf__add_field(l, "o", lint, 0, 0);
	lptr = btf__add_ptr(l, lother);
	lb->lbig = btf__add_struct(l, "big", 24);
	btf__add_field(l, "b", lint, 0, 0);
	btf__add_field(l, "p", lptr, 64, 0);
	return btf__add_field(l, "emb", lother, 128, 0) ? -1 : 0;
}

static const struct btf_member *member(const struct btf *btf, const struct btf_type *t,
				       const char *name, int *idx)
{
	for (int i = 0; i < btf_vlen(t); i++) {
		if (!strcmp(btf__name_by_offset(btf, btf_members(t)[i].name_off), name)) {
			*idx = i;
			return btf_members(t) + i;
		}
	}
	return NULL;
}

/* Reading b and p keeps big (size 128) with b and p only; p points to void. */
static void test_members_and_void_pointer(void)
{
	struct kern kb = {};
	struct local lb = {};
	struct btf *out_btf = NULL;
	struct core_relo_result res[2];
	const struct btf_member *m;
	const struct btf_type *t, *pt;
	__u32 id;
	int idx;

	REQUIRE(kern_build(&kb) == 0 && local_build(&lb) == 0);
	struct unit_relo relos[] = {
		{ lb.lbig, "0:0", BPF_CORE_FIELD_BYTE_OFFSET },
		{ lb.lbig, "0:1", BPF_CORE_FIELD_BYTE_OFFSET },
	};
	if (!CHECK_INT(unit_resolve(kb.btf, lb.btf, relos, 2, res, 0, &out_btf), 0))
		goto out;
	CHECK_RES(res[0], CORE_RELO_RESOLVED, false, 4);
	CHECK_RES(res[1], CORE_RELO_RESOLVED, false, 8);

	id = unit_find(out_btf, "big", BTF_KIND_STRUCT);
	if (!id)
		goto out;
	t = btf__type_by_id(out_btf, id);
	CHECK_U64(t->size, 128);
	CHECK_U64(btf_vlen(t), 2);
	m = member(out_btf, t, "b", &idx);
	if (CHECK(m))
		CHECK_U64(btf_member_bit_offset(t, idx), 32);
	m = member(out_btf, t, "p", &idx);
	if (CHECK(m)) {
		CHECK_U64(btf_member_bit_offset(t, idx), 64);
		pt = btf__type_by_id(out_btf, m->type);
		if (CHECK(pt && btf_is_ptr(pt)))
			CHECK_U64(pt->type, 0); /* struct other was not needed: void * */
	}
	CHECK(!member(out_btf, t, "a", &idx));
	CHECK(!member(out_btf, t, "pad", &idx));
	CHECK(btf__find_by_name_kind(out_btf, "other", BTF_KIND_STRUCT) < 0);
	CHECK(btf__find_by_name_kind(out_btf, "unused", BTF_KIND_STRUCT) < 0);
	CHECK(btf__find_by_name_kind(out_btf, "int", BTF_KIND_INT) > 0);
out:
	btf__free(out_btf);
	btf__free(lb.btf);
	btf__free(kb.btf);
}

/* Reading emb.o keeps struct other, and then p, kept by another read, points to it. */
static void test_pointer_to_kept_type(void)
{
	struct kern kb = {};
	struct local lb = {};
	struct btf *out_btf = NULL;
	struct core_relo_result res[2];
	const struct btf_member *m;
	const struct btf_type *t, *pt = NULL;
	__u32 id, other;
	int idx;

	REQUIRE(kern_build(&kb) == 0 && local_build(&lb) == 0);
	struct unit_relo relos[] = {
		{ lb.lbig, "0:1", BPF_CORE_FIELD_BYTE_OFFSET },
		{ lb.lbig, "0:2:0", BPF_CORE_FIELD_BYTE_OFFSET },
	};
	if (!CHECK_INT(unit_resolve(kb.btf, lb.btf, relos, 2, res, 0, &out_btf), 0))
		goto out;
	CHECK_RES(res[0], CORE_RELO_RESOLVED, false, 8);
	CHECK_RES(res[1], CORE_RELO_RESOLVED, false, 116);
	id = unit_find(out_btf, "big", BTF_KIND_STRUCT);
	other = unit_find(out_btf, "other", BTF_KIND_STRUCT);
	if (!id || !other)
		goto out;
	t = btf__type_by_id(out_btf, id);
	CHECK_U64(btf_vlen(t), 2);
	m = member(out_btf, t, "emb", &idx);
	if (CHECK(m)) {
		CHECK_U64(btf_member_bit_offset(t, idx), 928);
		CHECK_U64(m->type, other);
	}
	m = member(out_btf, t, "p", &idx);
	if (CHECK(m)) {
		pt = btf__type_by_id(out_btf, m->type);
		if (CHECK(pt && btf_is_ptr(pt)))
			CHECK_U64(pt->type, other);
	}
	CHECK_U64(btf__type_by_id(out_btf, other)->size, 8);
	/* kept types keep their source order: int < other < ptr < big */
	CHECK(unit_find(out_btf, "int", BTF_KIND_INT) < other && other < id);
	CHECK(pt && m && m->type > other && m->type < id);
out:
	btf__free(out_btf);
	btf__free(lb.btf);
	btf__free(kb.btf);
}

static int emit_once(const struct btf *k, const struct core_object *obj, void **data, __u32 *size)
{
	struct kernel_index *ki = kernel_index__new(k);
	struct core_tailor *t = ki ? core_tailor__new(ki) : NULL;
	int err = -1;

	if (t && !core_tailor__add_object(t, obj, NULL))
		err = core_tailor__emit(t, data, size);
	core_tailor__free(t);
	kernel_index__free(ki);
	return err;
}

/*
 * Emitting is a function of the inputs: twice from one tailor and from a fresh tailor the
 * bytes are the same, in the kernel BTF's byte order; from a copy of the kernel BTF in the
 * other byte order, the output is in that order and swaps back to the same bytes.
 */
static void test_deterministic(void)
{
	struct kern kb = {};
	struct local lb = {};
	struct core_object *obj = NULL;
	struct kernel_index *ki = NULL;
	struct core_tailor *t = NULL;
	struct btf *be = NULL, *swapped = NULL, *parsed = NULL;
	void *d1 = NULL, *d2 = NULL, *d3 = NULL, *d4 = NULL;
	__u32 s1 = 0, s2 = 0, s3 = 0, s4 = 0, be_size;
	const void *be_raw;
	char err[256] = "";

	REQUIRE(kern_build(&kb) == 0 && local_build(&lb) == 0);
	struct unit_relo relos[] = {
		{ lb.lbig, "0:1", BPF_CORE_FIELD_BYTE_OFFSET },
		{ lb.lbig, "0:2:0", BPF_CORE_FIELD_BYTE_OFFSET },
		{ lb.lbig, "0", BPF_CORE_TYPE_SIZE },
	};
	obj = unit_obj__open(lb.btf, relos, NRELO(relos));
	ki = kernel_index__new(kb.btf);
	t = ki ? core_tailor__new(ki) : NULL;
	if (!CHECK(obj && t) || !CHECK_INT(core_tailor__add_object(t, obj, NULL), 0))
		goto out;
	if (!CHECK_INT(core_tailor__emit(t, &d1, &s1), 0) ||
	    !CHECK_INT(core_tailor__emit(t, &d2, &s2), 0))
		goto out;
	CHECK(s1 == s2 && !memcmp(d1, d2, s1));
	if (CHECK_INT(emit_once(kb.btf, obj, &d3, &s3), 0))
		CHECK(s1 == s3 && !memcmp(d1, d3, s1));

	parsed = btf__new(d1, s1);
	if (CHECK(parsed))
		CHECK(btf__endianness(parsed) == (__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ ?
							  BTF_LITTLE_ENDIAN :
							  BTF_BIG_ENDIAN));

	/* a kernel BTF of the other byte order, through core_btf_from_mem */
	be = unit_btf_copy(kb.btf);
	if (!CHECK(be) ||
	    !CHECK_INT(btf__set_endianness(be, BTF_BIG_ENDIAN ^ btf__endianness(kb.btf)), 0))
		goto out;
	be_raw = btf__raw_data(be, &be_size);
	if (!CHECK(be_raw))
		goto out;
	swapped = core_btf_from_mem(be_raw, be_size, err, sizeof(err));
	if (!swapped) {
		unit_fail(__FILE__, __LINE__, "core_btf_from_mem (swapped): %s", err);
		goto out;
	}
	CHECK_U64(btf__type_cnt(swapped), btf__type_cnt(kb.btf));
	/* the output keeps the input's byte order: the other one, same content */
	if (CHECK_INT(emit_once(swapped, obj, &d4, &s4), 0)) {
		struct btf *back = btf__new(d4, s4);
		const void *host_raw;
		__u32 host_size = 0;

		CHECK(s1 == s4 && memcmp(d1, d4, s1));
		if (CHECK(back)) {
			CHECK(btf__endianness(back) == btf__endianness(be));
			CHECK_INT(btf__set_endianness(back, btf__endianness(kb.btf)), 0);
			host_raw = btf__raw_data(back, &host_size);
			CHECK(host_raw && host_size == s1 && !memcmp(host_raw, d1, s1));
		}
		btf__free(back);
	}
out:
	free(d4);
	free(d3);
	free(d2);
	free(d1);
	btf__free(parsed);
	btf__free(swapped);
	btf__free(be);
	core_tailor__free(t);
	kernel_index__free(ki);
	core_object__free(obj);
	btf__free(lb.btf);
	btf__free(kb.btf);
}

/* Nothing used, nothing kept: header and the empty string (bpftool's 25 bytes). */
static void test_empty(void)
{
	struct kern kb = {};
	struct local lb = {};
	struct core_object *obj = NULL;
	struct kernel_index *ki = NULL;
	struct core_tailor *t = NULL;
	struct btf *parsed = NULL;
	void *d = NULL;
	__u32 s = 0;
	char err[256] = "";

	REQUIRE(kern_build(&kb) == 0 && local_build(&lb) == 0);
	ki = kernel_index__new(kb.btf);
	t = ki ? core_tailor__new(ki) : NULL;
	if (!CHECK(t))
		goto out;
	/* no object at all */
	if (!CHECK_INT(core_tailor__emit(t, &d, &s), 0))
		goto out;
	CHECK_U64(s, 25);
	parsed = btf__new(d, s);
	if (CHECK(parsed))
		CHECK_U64(btf__type_cnt(parsed), 1);
	CHECK_INT(core_tailor__verify(t, d, s, err, sizeof(err)), 0);
	free(d);
	d = NULL;
	btf__free(parsed);
	parsed = NULL;

	/* an object whose only relocation is type_id_local needs nothing either */
	struct unit_relo relos[] = { { lb.lbig, "0", BPF_CORE_TYPE_ID_LOCAL } };
	obj = unit_obj__open(lb.btf, relos, 1);
	if (!CHECK(obj) || !CHECK_INT(core_tailor__add_object(t, obj, NULL), 0) ||
	    !CHECK_INT(core_tailor__emit(t, &d, &s), 0))
		goto out;
	parsed = btf__new(d, s);
	if (CHECK(parsed))
		CHECK_U64(btf__type_cnt(parsed), 1);
out:
	btf__free(parsed);
	free(d);
	core_tailor__free(t);
	kernel_index__free(ki);
	core_object__free(obj);
	btf__free(lb.btf);
	btf__free(kb.btf);
}

/* A union keeps only the used member; a type relocation on a struct keeps its size. */
static void test_union_and_type_size(void)
{
	struct btf *k = btf__new_empty(), *l = btf__new_empty(), *out_btf = NULL;
	struct core_relo_result res[2];
	const struct btf_type *t;
	int kint, klong, lint, lu, ls;
	__u32 id;

	REQUIRE(k && l);
	kint = btf__add_int(k, "int", 4, BTF_INT_SIGNED);
	klong = btf__add_int(k, "long int", 8, BTF_INT_SIGNED);
	btf__add_union(k, "u", 8);
	btf__add_field(k, "i", kint, 0, 0);
	btf__add_field(k, "l", klong, 0, 0);
	btf__add_struct(k, "s", 40);
	REQUIRE(btf__add_field(k, "x", kint, 0, 0) == 0);
	lint = btf__add_int(l, "int", 4, BTF_INT_SIGNED);
	lu = btf__add_union(l, "u", 4);
	btf__add_field(l, "i", lint, 0, 0);
	ls = btf__add_struct(l, "s", 4);
	btf__add_field(l, "x", lint, 0, 0);
	REQUIRE(lu > 0 && ls > 0);

	struct unit_relo relos[] = {
		{ lu, "0:0", BPF_CORE_FIELD_BYTE_SIZE },
		{ ls, "0", BPF_CORE_TYPE_SIZE },
	};
	if (!CHECK_INT(unit_resolve(k, l, relos, 2, res, 0, &out_btf), 0))
		goto out;
	CHECK_RES(res[0], CORE_RELO_RESOLVED, false, 4);
	CHECK_RES(res[1], CORE_RELO_RESOLVED, false, 40);
	id = unit_find(out_btf, "u", BTF_KIND_UNION);
	if (id) {
		t = btf__type_by_id(out_btf, id);
		CHECK_U64(t->size, 8);
		if (CHECK_U64(btf_vlen(t), 1))
			CHECK_STR(btf__name_by_offset(out_btf, btf_members(t)[0].name_off), "i");
	}
	id = unit_find(out_btf, "s", BTF_KIND_STRUCT);
	if (id)
		CHECK_U64(btf__type_by_id(out_btf, id)->size, 40);
out:
	btf__free(out_btf);
	btf__free(l);
	btf__free(k);
}

int main(void)
{
	RUN_TEST(test_members_and_void_pointer);
	RUN_TEST(test_pointer_to_kept_type);
	RUN_TEST(test_deterministic);
	RUN_TEST(test_empty);
	RUN_TEST(test_union_and_type_size);
	return unit_finish();
}
