// SPDX-License-Identifier: BSD-2-Clause
/* tests/unit: essential names and flavours ("foo___v2" is foo, "foo____bar" is not) and kind classes. */
#include <stdlib.h>
#include <bpf/btf.h>

#include "unit_support.h"

/* struct NAME { int a; } (or a union), size 4. */
static int add_one(struct btf *btf, const char *name, int int_id, bool is_union)
{
	int id = is_union ? btf__add_union(btf, name, 4) : btf__add_struct(btf, name, 4);

	if (id > 0 && btf__add_field(btf, "a", int_id, 0, 0))
		return -1;
	return id;
}

static void test_flavours(void)
{
	struct btf *k = btf__new_empty(), *l = btf__new_empty();
	struct core_relo_result res[8];
	int ki, k_foo, k_foo_v2, k_foo4, k_ab, k_un, k_e64, li;
	int l_foo, l_foo_v1, l_foo4, l_abc, l_un_s, l_only, l_un_x, l_e;

	REQUIRE(k && l);
	ki = btf__add_int(k, "int", 4, BTF_INT_SIGNED);
	k_foo = add_one(k, "foo", ki, false);
	k_foo_v2 = btf__add_struct(k, "foo___v2", 8);
	btf__add_field(k, "a", ki, 0, 0);
	btf__add_field(k, "b", ki, 32, 0);
	k_foo4 = add_one(k, "foo____bar", ki, false);
	add_one(k, "a___b", ki, false); /* essential name "a" */
	k_ab = add_one(k, "a___b___x", ki, false);
	k_un = add_one(k, "un", ki, true);
	add_one(k, "only____four", ki, false);
	k_e64 = btf__add_enum64(k, "e", 8, false);
	btf__add_enum64_value(k, "E1", 1);
	REQUIRE(k_foo > 0 && k_foo_v2 > 0 && k_foo4 > 0 && k_ab > 0 && k_un > 0 && k_e64 > 0);

	li = btf__add_int(l, "int", 4, BTF_INT_SIGNED);
	l_foo = add_one(l, "foo", li, false);
	l_foo_v1 = add_one(l, "foo___v1", li, false);
	l_foo4 = add_one(l, "foo____bar", li, false);
	l_abc = add_one(l, "a___b___c", li, false);
	l_un_s = add_one(l, "un", li, false);
	l_only = add_one(l, "only", li, false);
	l_un_x = add_one(l, "un___x", li, true);
	l_e = btf__add_enum(l, "e", 4);
	btf__add_enum_value(l, "E1", 1);
	REQUIRE(l_e > 0);

	struct unit_relo relos[] = {
		{ l_foo, "0", BPF_CORE_TYPE_EXISTS },  { l_foo_v1, "0", BPF_CORE_TYPE_EXISTS },
		{ l_foo4, "0", BPF_CORE_TYPE_EXISTS }, { l_abc, "0", BPF_CORE_TYPE_EXISTS },
		{ l_un_s, "0", BPF_CORE_TYPE_EXISTS }, { l_only, "0", BPF_CORE_TYPE_EXISTS },
		{ l_un_x, "0", BPF_CORE_TYPE_EXISTS }, { l_e, "0", BPF_CORE_TYPE_EXISTS },
	};
	if (!CHECK_INT(unit_resolve(k, l, relos, 8, res, 0, NULL), 0))
		goto out;
	/* foo: candidates foo and foo___v2; the first (lowest id) is reported. */
	CHECK_RES(res[0], CORE_RELO_RESOLVED, false, 1);
	CHECK_U64(res[0].target_id, k_foo);
	/* The local flavour is cut too: foo___v1 is foo. */
	CHECK_RES(res[1], CORE_RELO_RESOLVED, false, 1);
	CHECK_U64(res[1].target_id, k_foo);
	/* Four underscores is no flavour: foo____bar matches only itself, never foo. */
	CHECK_RES(res[2], CORE_RELO_RESOLVED, false, 1);
	CHECK_U64(res[2].target_id, k_foo4);
	/* Only the rightmost flavour is cut: a___b___c is a___b, as is a___b___x, not a___b. */
	CHECK_RES(res[3], CORE_RELO_RESOLVED, false, 1);
	CHECK_U64(res[3].target_id, k_ab);
	/* A struct never matches a union of the same name. */
	CHECK_RES(res[4], CORE_RELO_NOT_FOUND, false, 0);
	CHECK_U64(res[4].target_id, 0);
	/* only____four's essential name is itself, not "only". */
	CHECK_RES(res[5], CORE_RELO_NOT_FOUND, false, 0);
	/* Unions have flavours too. */
	CHECK_RES(res[6], CORE_RELO_RESOLVED, false, 1);
	CHECK_U64(res[6].target_id, k_un);
	/* ENUM and ENUM64 are one kind class. */
	CHECK_RES(res[7], CORE_RELO_RESOLVED, false, 1);
	CHECK_U64(res[7].target_id, k_e64);
out:
	btf__free(l);
	btf__free(k);
}

/* A local name without flavour finds a kernel type that only exists with one. */
static void test_kernel_flavour_only(void)
{
	struct btf *k = btf__new_empty(), *l = btf__new_empty();
	struct core_relo_result res[2];
	int ki, k_bar, li, l_bar, l_bar_v;

	REQUIRE(k && l);
	ki = btf__add_int(k, "int", 4, BTF_INT_SIGNED);
	add_one(k, "bar_", ki, false); /* "bar_" is not "bar" */
	k_bar = add_one(k, "bar___v3", ki, false);
	li = btf__add_int(l, "int", 4, BTF_INT_SIGNED);
	l_bar = add_one(l, "bar", li, false);
	l_bar_v = add_one(l, "bar___", li, false); /* trailing "___" is no flavour */
	REQUIRE(k_bar > 0 && l_bar > 0 && l_bar_v > 0);

	struct unit_relo relos[] = {
		{ l_bar, "0", BPF_CORE_TYPE_ID_TARGET },
		{ l_bar_v, "0", BPF_CORE_TYPE_EXISTS },
	};
	if (!CHECK_INT(unit_resolve(k, l, relos, 2, res, 0, NULL), 0))
		goto out;
	CHECK_RES(res[0], CORE_RELO_RESOLVED, false, k_bar);
	CHECK_U64(res[0].target_id, k_bar);
	CHECK_RES(res[1], CORE_RELO_NOT_FOUND, false, 0);
out:
	btf__free(l);
	btf__free(k);
}

int main(void)
{
	RUN_TEST(test_flavours);
	RUN_TEST(test_kernel_flavour_only);
	return unit_finish();
}
