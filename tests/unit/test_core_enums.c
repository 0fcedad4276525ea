// SPDX-License-Identifier: BSD-2-Clause
/* tests/unit: enumval_exists/enumval_value on ENUM and ENUM64, signed, 64-bit and flavoured names. */
#include <stdlib.h>
#include <bpf/btf.h>

#include "unit_support.h"

#define NRELO(a) (sizeof(a) / sizeof((a)[0]))

static void test_enumvals(void)
{
	struct btf *k = btf__new_empty(), *l = btf__new_empty();
	struct core_relo_result res[13];
	int ke, kue, k64, k64s, le, lue, l64, l64s, lnope, lt;

	REQUIRE(k && l);
	/* kernel: enum ke { KA = 1, KB = -5 } (signed), enum kue { KUBIG = 0x80000000 },
	 * enum64 k64 { BIG = 0x123456789abcdef0 }, signed enum64 k64s { NEG = -2 } */
	ke = btf__add_enum(k, "ke", 4);
	btf__add_enum_value(k, "KA", 1);
	btf__add_enum_value(k, "KB", -5);
	btf__add_enum_value(k, "KD___new", 9); /* kernel-side flavour: local KD finds it */
	kue = btf__add_enum(k, "kue", 4);
	btf__add_enum_value(k, "KUBIG", 0x80000000LL);
	k64 = btf__add_enum64(k, "k64", 8, false);
	btf__add_enum64_value(k, "BIG", 0x123456789abcdef0ULL);
	k64s = btf__add_enum64(k, "k64s", 8, true);
	btf__add_enum64_value(k, "NEG", (__u64)-2LL);
	REQUIRE(ke > 0 && kue > 0 && k64 > 0 && k64s > 0);

	/* local: enum ke { KB, KA, KC, KA___old } */
	le = btf__add_enum(l, "ke", 4);
	btf__add_enum_value(l, "KB", 0);
	btf__add_enum_value(l, "KA", 1);
	btf__add_enum_value(l, "KC", 2);
	btf__add_enum_value(l, "KA___old", 3);
	btf__add_enum_value(l, "KD", 4);
	lue = btf__add_enum(l, "kue", 4);
	btf__add_enum_value(l, "KUBIG", 0);
	l64 = btf__add_enum64(l, "k64", 8, false);
	btf__add_enum64_value(l, "BIG", 1);
	l64s = btf__add_enum(l, "k64s___local", 4); /* a 4-byte ENUM finds the ENUM64 */
	btf__add_enum_value(l, "NEG", 0);
	lnope = btf__add_enum(l, "nope", 4);
	btf__add_enum_value(l, "NOPE", 0);
	lt = btf__add_typedef(l, "ke_t", le);
	REQUIRE(lnope > 0 && lt > 0);

	struct unit_relo relos[] = {
		{ le, "1", BPF_CORE_ENUMVAL_EXISTS }, /* KA */
		{ le, "1", BPF_CORE_ENUMVAL_VALUE },
		{ le, "0", BPF_CORE_ENUMVAL_VALUE }, /* KB = -5, sign-extended */
		{ le, "2", BPF_CORE_ENUMVAL_EXISTS }, /* KC: absent */
		{ le, "2", BPF_CORE_ENUMVAL_VALUE },
		{ lue, "0", BPF_CORE_ENUMVAL_VALUE }, /* 5 */
		{ l64, "0", BPF_CORE_ENUMVAL_VALUE },
		{ l64s, "0", BPF_CORE_ENUMVAL_VALUE },
		{ le, "3", BPF_CORE_ENUMVAL_VALUE }, /* KA___old is KA */
		{ lnope, "0", BPF_CORE_ENUMVAL_EXISTS },
		{ le, "5", BPF_CORE_ENUMVAL_EXISTS }, /* 10: no local enumerator 5 */
		{ le, "0:1", BPF_CORE_ENUMVAL_EXISTS }, /* one index only */
		{ le, "4", BPF_CORE_ENUMVAL_VALUE }, /* KD is KD___new */
	};
	if (!CHECK_INT(unit_resolve(k, l, relos, NRELO(relos), res, 0, NULL), 0))
		goto out;
	CHECK_RES(res[0], CORE_RELO_RESOLVED, false, 1);
	CHECK_U64(res[0].target_id, ke);
	CHECK_RES(res[1], CORE_RELO_RESOLVED, false, 1);
	CHECK_RES(res[2], CORE_RELO_RESOLVED, false, 0xfffffffffffffffbULL);
	CHECK_RES(res[3], CORE_RELO_NOT_FOUND, false, 0);
	CHECK_RES(res[4], CORE_RELO_NOT_FOUND, true, 0);
	/* libbpf reads a 32-bit enumerator as __s32: 0x80000000 becomes 0xffffffff80000000 */
	CHECK_RES(res[5], CORE_RELO_RESOLVED, false, 0xffffffff80000000ULL);
	CHECK_RES(res[6], CORE_RELO_RESOLVED, false, 0x123456789abcdef0ULL);
	CHECK_RES(res[7], CORE_RELO_RESOLVED, false, 0xfffffffffffffffeULL);
	CHECK_U64(res[7].target_id, k64s);
	CHECK_RES(res[8], CORE_RELO_RESOLVED, false, 1);
	CHECK_RES(res[9], CORE_RELO_NOT_FOUND, false, 0);
	CHECK_FAILED(res[10]);
	CHECK_FAILED(res[11]);
	CHECK_RES(res[12], CORE_RELO_RESOLVED, false, 9);
out:
	btf__free(l);
	btf__free(k);
}

/* Two kernel enums of one essential name giving different values: decision ambiguity. */
static void test_enum_ambiguity(void)
{
	struct btf *k = btf__new_empty(), *l = btf__new_empty();
	struct core_relo_result res[3];
	int ld;

	REQUIRE(k && l);
	btf__add_enum(k, "dup", 4);
	btf__add_enum_value(k, "DX", 1);
	btf__add_enum(k, "dup___2", 4);
	btf__add_enum_value(k, "DY", 7);
	REQUIRE(btf__add_enum_value(k, "DX", 2) == 0);
	ld = btf__add_enum(l, "dup", 4);
	btf__add_enum_value(l, "DX", 0);
	btf__add_enum_value(l, "DY", 0);
	REQUIRE(ld > 0);

	struct unit_relo relos[] = {
		{ ld, "0", BPF_CORE_ENUMVAL_EXISTS }, /* both have DX: 1 == 1 */
		{ ld, "0", BPF_CORE_ENUMVAL_VALUE }, /* 1 != 2 */
		{ ld, "1", BPF_CORE_ENUMVAL_VALUE }, /* only dup___2 has DY */
	};
	if (!CHECK_INT(unit_resolve(k, l, relos, NRELO(relos), res, 0, NULL), 0))
		goto out;
	CHECK_RES(res[0], CORE_RELO_RESOLVED, false, 1);
	CHECK_FAILED(res[1]);
	CHECK_RES(res[2], CORE_RELO_RESOLVED, false, 7);
out:
	btf__free(l);
	btf__free(k);
}

int main(void)
{
	RUN_TEST(test_enumvals);
	RUN_TEST(test_enum_ambiguity);
	return unit_finish();
}
