// SPDX-License-Identifier: BSD-2-Clause
/*
 * tests/unit: crafted kernel BTFs of issue 8 that the core must survive and reproduce libbpf
 * 1.1 on (tests/oracle/mkhostile.c has the same cases judged by libbpf itself).
 */
#include <stdlib.h>
#include <bpf/btf.h>

#include "unit_support.h"

#define NRELO(a) (sizeof(a) / sizeof((a)[0]))

/*
 * A name match with an incompatible type inside an anonymous member leaves a stale entry in
 * libbpf's raw spec, and its bit offset in the result: 4 bytes (blob state) + 24 (long state).
 * The tailor once replayed raw_spec as a path: member #5 of the anonymous struct.
 */
static void test_stale_raw_spec(void)
{
	struct btf *k = btf__new_empty(), *l = btf__new_empty(), *out = NULL;
	struct core_relo_result res[2];
	int lts;
	__u32 id;

	REQUIRE(k && l);
	lts = unit_hostile_stale_path(k, l);
	REQUIRE(lts > 0);
	struct unit_relo relos[] = {
		{ lts, "0:0", BPF_CORE_FIELD_BYTE_OFFSET },
		{ lts, "0:0", BPF_CORE_FIELD_BYTE_SIZE },
	};
	if (unit_resolve(k, l, relos, NRELO(relos), res, 0, &out) == 0) {
		CHECK_RES(res[0], CORE_RELO_RESOLVED, false, 28);
		CHECK_RES(res[1], CORE_RELO_RESOLVED, false, 8);
		/* the stale member's offset is part of the value: its struct stays, a-d go */
		id = unit_find(out, "task_struct", BTF_KIND_STRUCT);
		if (id)
			CHECK_U64(btf_vlen(btf__type_by_id(out, id)), 2);
		CHECK(unit_find(out, "blob", BTF_KIND_STRUCT));
	}
	btf__free(out);
	btf__free(k);
	btf__free(l);
}

/* libbpf 1.1's target walk keeps a type size in an int: a 2 GiB struct fails the object. */
static void test_huge_root(void)
{
	struct btf *k = btf__new_empty(), *l = btf__new_empty();
	struct core_relo_result res[2];
	int big[2] = {}, huge[2] = {};
	struct btf *b[2] = { k, l };

	REQUIRE(k && l);
	for (int i = 0; i < 2; i++) {
		int c = btf__add_int(b[i], "char", 1, BTF_INT_SIGNED);
		int in = btf__add_int(b[i], "int", 4, BTF_INT_SIGNED);
		int a = btf__add_array(b[i], in, c, 1u << 28);

		big[i] = btf__add_struct(b[i], "big", 0x7ff00000u);
		btf__add_field(b[i], "a", a, 0, 0);
		btf__add_field(b[i], "x", in, 1u << 31, 0);
		huge[i] = btf__add_struct(b[i], "huge", 0xf0000000u);
		btf__add_field(b[i], "x", in, 0, 0);
	}
	REQUIRE(big[1] > 0 && huge[1] > 0);
	struct unit_relo relos[] = {
		/* (2^31 - 1) * (2^31 - 2^20) * 8 bits: libbpf keeps the low 32 bits */
		{ big[1], "2147483647:1", BPF_CORE_FIELD_BYTE_OFFSET },
		{ huge[1], "0:0", BPF_CORE_FIELD_BYTE_OFFSET },
	};
	if (unit_resolve(k, l, relos, NRELO(relos), res, 0, NULL) == 0) {
		__u32 bits = (__u32)(2147483647ull * 0x7ff00000ull * 8) + (1u << 31);

		CHECK_RES(res[0], CORE_RELO_RESOLVED, false, bits / 8);
		CHECK_FAILED(res[1]);
		CHECK_INT(res[1].err, (int)0xf0000000u);
	}
	btf__free(k);
	btf__free(l);
}

/* A header length that is not a multiple of 4 would misalign every type: refused. */
static void test_header_len(void)
{
	struct btf *k = btf__new_empty(), *b;
	const unsigned char *raw;
	unsigned char *bad;
	__u32 size, hl;
	char err[256] = "";

	REQUIRE(k);
	btf__add_int(k, "int", 4, BTF_INT_SIGNED);
	raw = btf__raw_data(k, &size);
	REQUIRE(raw);
	for (hl = 25; hl <= 28; hl++) {
		bad = calloc(1, size + 4);
		REQUIRE(bad);
		memcpy(bad, raw, 24);
		memcpy(bad + hl, raw + 24, size - 24);
		memcpy(bad + 4, &hl, 4);
		b = core_btf_from_mem(bad, size - 24 + hl, err, sizeof(err));
		if (hl % 4) {
			CHECK(!b);
			CHECK(strstr(err, "not a multiple of 4"));
		} else {
			/* extra header bytes, zero: libbpf takes them, and so do we */
			CHECK(b && btf__type_cnt(b) == 2);
		}
		btf__free(b);
		free(bad);
	}
	btf__free(k);
}

/* An ARRAY chain of 300,000 through index_type: marking it no longer recurses per link. */
static void test_deep_index_chain(void)
{
	struct btf *k = btf__new_empty(), *l = btf__new_empty();
	struct core_relo_result res[1];
	int ls;

	REQUIRE(k && l);
	ls = unit_hostile_deep_chain(k, l);
	REQUIRE(ls > 0);
	struct unit_relo relos[] = { { ls, "0:0:0", BPF_CORE_FIELD_BYTE_OFFSET } };
	if (unit_resolve(k, l, relos, NRELO(relos), res, 0, NULL) == 0)
		CHECK_RES(res[0], CORE_RELO_RESOLVED, false, 0);
	btf__free(k);
	btf__free(l);
}

/* A typedef cycle makes libbpf loop forever: the kernel BTF is refused, in linear time. */
static void test_typedef_cycle(void)
{
	struct btf *k = btf__new_empty(), *b = NULL;
	const void *raw;
	__u32 size;
	int kint, a;
	char err[256] = "";

	REQUIRE(k);
	kint = btf__add_int(k, "int", 4, BTF_INT_SIGNED);
	btf__add_typedef(k, "ok_t", kint);
	a = btf__type_cnt(k);
	REQUIRE(btf__add_typedef(k, "a_t", a + 1) == a);
	REQUIRE(btf__add_const(k, a) == a + 1);
	raw = btf__raw_data(k, &size);
	REQUIRE(raw);
	b = core_btf_from_mem(raw, size, err, sizeof(err));
	CHECK(!b);
	CHECK(strstr(err, "cycle of modifiers and typedefs"));
	btf__free(b);
	btf__free(k);
}

/* The BTF_INT_SIGNED bit of the word libbpf 1.1 reads after type id's header (FIELD_SIGNED). */
static int sign_word_bit(const struct btf *btf, __u32 id)
{
	const struct btf_type *t = btf__type_by_id(btf, id);
	__u32 word;

	if (btf_is_ptr(t) && id + 1 < btf__type_cnt(btf))
		word = btf__type_by_id(btf, id + 1)->name_off;
	else if (btf_is_ptr(t))
		memcpy(&word, btf__name_by_offset(btf, 0), 4);
	else
		memcpy(&word, t + 1, 4);
	return (BTF_INT_ENCODING(word) & BTF_INT_SIGNED) != 0;
}

/*
 * FIELD_SIGNED of a pointer member: libbpf 1.1 reads the word after the PTR's header, in the
 * source the next type's name offset (unsigned). Emitted last, the pointer would read the
 * strings, "\0sbi": signed. The emitter appends an anonymous pointer so it reads 0.
 */
static void test_sign_word_ptr(void)
{
	struct btf *k = btf__new_empty(), *l = btf__new_empty(), *out = NULL;
	struct core_relo_result res[1];
	int kint, kptr, s, lint, lptr, ls;
	const struct btf_type *t;
	__u32 id;

	REQUIRE(k && l);
	s = btf__add_struct(k, "sbits", 8);
	btf__add_field(k, "p", 3, 0, 0);
	kint = btf__add_int(k, "int", 4, BTF_INT_SIGNED);
	kptr = btf__add_ptr(k, kint);
	btf__add_int(k, "long int", 8, BTF_INT_SIGNED);
	lint = btf__add_int(l, "int", 4, BTF_INT_SIGNED);
	lptr = btf__add_ptr(l, lint);
	ls = btf__add_struct(l, "sbits", 8);
	btf__add_field(l, "p", lptr, 0, 0);
	REQUIRE(s == 1 && kptr == 3 && ls > 0);
	CHECK_INT(sign_word_bit(k, kptr), 0);
	struct unit_relo relos[] = { { ls, "0:0", BPF_CORE_FIELD_SIGNED } };
	if (unit_resolve(k, l, relos, NRELO(relos), res, 0, &out) == 0) {
		CHECK_RES(res[0], CORE_RELO_RESOLVED, false, 0);
		id = unit_find(out, "sbits", BTF_KIND_STRUCT);
		t = id ? btf__type_by_id(out, id) : NULL;
		if (CHECK(t && btf_vlen(t) == 1))
			CHECK_INT(sign_word_bit(out, btf_members(t)[0].type), 0);
	}
	btf__free(out);
	btf__free(k);
	btf__free(l);
}

int main(void)
{
	RUN_TEST(test_sign_word_ptr);
	RUN_TEST(test_typedef_cycle);
	RUN_TEST(test_stale_raw_spec);
	RUN_TEST(test_huge_root);
	RUN_TEST(test_header_len);
	RUN_TEST(test_deep_index_chain);
	return unit_finish();
}
