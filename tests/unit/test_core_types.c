// SPDX-License-Identifier: BSD-2-Clause
/* tests/unit: type-based relocations: exists/size/ids, compatibility, FWD and TYPE_TAG, type_matches. */
#include <stdlib.h>
#include <bpf/btf.h>

#include "unit_support.h"

#define NRELO(a) (sizeof(a) / sizeof((a)[0]))

/* Follow typedefs' and pointers' target, skipping TYPE_TAGs: the type 'id' leads to. */
static const struct btf_type *follow(const struct btf *btf, __u32 id, __u32 *out_id)
{
	const struct btf_type *t = btf__type_by_id(btf, id);

	while (t && (btf_is_typedef(t) || btf_is_ptr(t) || btf_is_type_tag(t))) {
		id = t->type;
		t = btf__type_by_id(btf, id);
	}
	if (out_id)
		*out_id = id;
	return t;
}

static void test_type_relos(void)
{
	struct btf *k = btf__new_empty(), *l = btf__new_empty(), *out_btf = NULL;
	struct core_relo_result res[22];
	int kint, klong, kfoo, kfoo_t, kfwd, kproto, kproto2;
	int lint, llong, lfoo, lfoo_t, lfwd, lopaque_p, luptr, lcb, lcb2, lmism, lnope, lanon;
	int lproto, lproto1, id;
	const struct btf_type *t;
	__u32 tid;

	REQUIRE(k && l);
	kint = btf__add_int(k, "int", 4, BTF_INT_SIGNED);
	klong = btf__add_int(k, "long int", 8, BTF_INT_SIGNED);
	kfoo = btf__add_struct(k, "foo", 16);
	btf__add_field(k, "a", kint, 0, 0);
	kfoo_t = btf__add_typedef(k, "foo_t", kfoo);
	kfwd = btf__add_fwd(k, "opaque", BTF_FWD_STRUCT);
	btf__add_typedef(k, "opaque_p", btf__add_ptr(k, kfwd));
	btf__add_typedef(k, "uptr_t", btf__add_ptr(k, btf__add_type_tag(k, "user", kint)));
	kproto = btf__add_func_proto(k, kint);
	btf__add_func_param(k, "x", kint);
	btf__add_func_param(k, "y", klong);
	btf__add_typedef(k, "cb_t", btf__add_ptr(k, kproto));
	kproto2 = btf__add_func_proto(k, kint);
	btf__add_func_param(k, "x", kint);
	btf__add_func_param(k, "y", klong);
	btf__add_typedef(k, "cb2_t", btf__add_ptr(k, kproto2));
	id = btf__add_typedef(k, "mism_t", kfoo);
	REQUIRE(kfoo_t > 0 && id > 0);

	lint = btf__add_int(l, "int", 4, BTF_INT_SIGNED);
	llong = btf__add_int(l, "long int", 8, BTF_INT_SIGNED);
	lfoo = btf__add_struct(l, "foo", 4);
	btf__add_field(l, "a", lint, 0, 0);
	lfoo_t = btf__add_typedef(l, "foo_t", lfoo);
	lfwd = btf__add_fwd(l, "opaque", BTF_FWD_STRUCT);
	lopaque_p = btf__add_typedef(l, "opaque_p", btf__add_ptr(l, lfwd));
	luptr = btf__add_typedef(l, "uptr_t", btf__add_ptr(l, lint));
	lproto = btf__add_func_proto(l, lint);
	btf__add_func_param(l, "x", lint);
	btf__add_func_param(l, "y", llong);
	lcb = btf__add_typedef(l, "cb_t", btf__add_ptr(l, lproto));
	lproto1 = btf__add_func_proto(l, lint);
	btf__add_func_param(l, "x", lint);
	lcb2 = btf__add_typedef(l, "cb2_t", btf__add_ptr(l, lproto1));
	lmism = btf__add_typedef(l, "mism_t", lint);
	lnope = btf__add_struct(l, "nope", 4);
	btf__add_field(l, "a", lint, 0, 0);
	lanon = btf__add_struct(l, NULL, 4);
	btf__add_field(l, "a", lint, 0, 0);
	REQUIRE(lmism > 0 && lnope > 0 && lanon > 0);

	struct unit_relo relos[] = {
		{ lfoo, "0", BPF_CORE_TYPE_EXISTS }, /* 0 */
		{ lfoo, "0", BPF_CORE_TYPE_SIZE }, /* the kernel's size, 16 */
		{ lfoo, "0", BPF_CORE_TYPE_ID_TARGET },
		{ lfoo, "0", BPF_CORE_TYPE_ID_LOCAL },
		{ lfoo_t, "0", BPF_CORE_TYPE_EXISTS }, /* typedef matches typedef */
		{ lopaque_p, "0", BPF_CORE_TYPE_EXISTS }, /* 5: reaches a FWD */
		{ luptr, "0", BPF_CORE_TYPE_EXISTS }, /* reaches a TYPE_TAG */
		{ luptr, "0", BPF_CORE_TYPE_SIZE },
		{ lcb, "0", BPF_CORE_TYPE_EXISTS }, /* func proto, same params */
		{ lcb2, "0", BPF_CORE_TYPE_EXISTS }, /* func proto, 1 param vs 2 */
		{ lmism, "0", BPF_CORE_TYPE_EXISTS }, /* 10: int vs struct */
		{ lnope, "0", BPF_CORE_TYPE_SIZE }, /* absent: 0, not poisoned */
		{ lnope, "0", BPF_CORE_TYPE_ID_TARGET },
		{ lanon, "0", BPF_CORE_TYPE_EXISTS }, /* anonymous root */
		{ lanon, "0", BPF_CORE_TYPE_ID_LOCAL },
		{ lanon, "0:0", BPF_CORE_FIELD_BYTE_OFFSET }, /* 15 */
		{ lint, "0", BPF_CORE_TYPE_EXISTS },
		{ llong, "0", BPF_CORE_TYPE_SIZE },
		{ lfwd, "0", BPF_CORE_TYPE_EXISTS }, /* a FWD root matches a FWD */
		{ lfoo, "0:0", BPF_CORE_TYPE_EXISTS }, /* type-based access must be "0" */
		{ lnope, "0", BPF_CORE_TYPE_EXISTS }, /* 20 */
		{ lfoo, "1", BPF_CORE_TYPE_SIZE },
	};
	if (!CHECK_INT(unit_resolve(k, l, relos, NRELO(relos), res, 0, &out_btf), 0))
		goto out;
	CHECK_RES(res[0], CORE_RELO_RESOLVED, false, 1);
	CHECK_U64(res[0].target_id, kfoo);
	CHECK_RES(res[1], CORE_RELO_RESOLVED, false, 16);
	CHECK_RES(res[2], CORE_RELO_RESOLVED, false, kfoo);
	CHECK_RES(res[3], CORE_RELO_LOCAL, false, lfoo);
	CHECK_RES(res[4], CORE_RELO_RESOLVED, false, 1);
	CHECK_U64(res[4].target_id, kfoo_t);
	CHECK_RES(res[5], CORE_RELO_RESOLVED, false, 1);
	CHECK_RES(res[6], CORE_RELO_RESOLVED, false, 1);
	CHECK_RES(res[7], CORE_RELO_RESOLVED, false, 8);
	CHECK_RES(res[8], CORE_RELO_RESOLVED, false, 1);
	CHECK_RES(res[9], CORE_RELO_NOT_FOUND, false, 0);
	CHECK_RES(res[10], CORE_RELO_NOT_FOUND, false, 0);
	CHECK_RES(res[11], CORE_RELO_NOT_FOUND, false, 0);
	CHECK_RES(res[12], CORE_RELO_NOT_FOUND, false, 0);
	CHECK_FAILED(res[13]);
	CHECK_RES(res[14], CORE_RELO_LOCAL, false, lanon);
	CHECK_FAILED(res[15]);
	CHECK_RES(res[16], CORE_RELO_RESOLVED, false, 1);
	CHECK_U64(res[16].target_id, kint);
	CHECK_RES(res[17], CORE_RELO_RESOLVED, false, 8);
	CHECK_RES(res[18], CORE_RELO_RESOLVED, false, 1);
	CHECK_U64(res[18].target_id, kfwd);
	CHECK_FAILED(res[19]);
	CHECK_RES(res[20], CORE_RELO_NOT_FOUND, false, 0);
	CHECK_FAILED(res[21]);

	/* The tailored BTF keeps what the type relocations walked through pointers. */
	tid = unit_find(out_btf, "opaque_p", BTF_KIND_TYPEDEF);
	t = tid ? follow(out_btf, tid, NULL) : NULL;
	if (CHECK(t && btf_is_fwd(t)))
		CHECK_STR(btf__name_by_offset(out_btf, t->name_off), "opaque");
	tid = unit_find(out_btf, "uptr_t", BTF_KIND_TYPEDEF);
	t = tid ? follow(out_btf, tid, NULL) : NULL;
	if (CHECK(t && btf_is_int(t)))
		CHECK_STR(btf__name_by_offset(out_btf, t->name_off), "int");
	tid = unit_find(out_btf, "cb_t", BTF_KIND_TYPEDEF);
	t = tid ? follow(out_btf, tid, NULL) : NULL;
	if (CHECK(t && btf_is_func_proto(t)))
		CHECK_U64(btf_vlen(t), 2);
	/* type_id_target on the tailored BTF names the tailored foo */
	{
		struct core_relo_result r2[NRELO(relos)];

		if (CHECK_INT(unit_resolve(out_btf, l, relos, NRELO(relos), r2, UNIT_NO_TAILOR,
					   NULL),
			      0))
			CHECK_RES(r2[2], CORE_RELO_RESOLVED, false,
				  unit_find(out_btf, "foo", BTF_KIND_STRUCT));
	}
out:
	btf__free(out_btf);
	btf__free(l);
	btf__free(k);
}

/*
 * type_matches (kind 12): names are compared at every level ("long" is not "long int"),
 * ints by size and sign, structs member by member, pointees loosely (a struct matches a FWD).
 */
static void test_type_matches(void)
{
	struct btf *k = btf__new_empty(), *l = btf__new_empty();
	struct core_relo_result res[7];
	int kint, klong, kfwd, kfl, lint, llong, lclong, lopq, ltm, ltm2, ltm3, ltmt, ltmp, ltmf;
	int ltmu, id, kptag, kpfwd, lp;

	REQUIRE(k && l);
	kint = btf__add_int(k, "int", 4, BTF_INT_SIGNED);
	klong = btf__add_int(k, "long int", 8, BTF_INT_SIGNED);
	kfwd = btf__add_fwd(k, "opaque", BTF_FWD_STRUCT);
	kfl = btf__add_float(k, "double", 8);
	btf__add_struct(k, "tm", 16);
	btf__add_field(k, "a", kint, 0, 0);
	btf__add_field(k, "b", klong, 64, 0);
	btf__add_struct(k, "tm2", 4);
	btf__add_field(k, "a", kint, 0, 0);
	btf__add_struct(k, "tm3", 8);
	btf__add_field(k, "b", klong, 0, 0);
	kptag = btf__add_ptr(k, btf__add_type_tag(k, "user", kint));
	kpfwd = btf__add_ptr(k, kfwd);
	btf__add_struct(k, "tmt", 8);
	btf__add_field(k, "p", kptag, 0, 0);
	btf__add_struct(k, "tmp", 8);
	btf__add_field(k, "o", kpfwd, 0, 0);
	btf__add_struct(k, "tmf", 8);
	btf__add_field(k, "d", kfl, 0, 0);
	btf__add_struct(k, "tmu", 8);
	id = btf__add_field(k, "o", kpfwd, 0, 0);
	REQUIRE(id == 0);

	lint = btf__add_int(l, "int", 4, BTF_INT_SIGNED);
	llong = btf__add_int(l, "long int", 8, BTF_INT_SIGNED);
	lclong = btf__add_int(l, "long", 8, BTF_INT_SIGNED); /* clang's spelling */
	ltm = btf__add_struct(l, "tm", 4);
	btf__add_field(l, "a", lint, 0, 0);
	ltm2 = btf__add_struct(l, "tm2", 8);
	btf__add_field(l, "a", llong, 0, 0);
	ltm3 = btf__add_struct(l, "tm3", 8);
	btf__add_field(l, "b", lclong, 0, 0);
	lp = btf__add_ptr(l, lint);
	ltmt = btf__add_struct(l, "tmt", 8);
	btf__add_field(l, "p", lp, 0, 0);
	lopq = btf__add_struct(l, "opaque", 4);
	btf__add_field(l, "x", lint, 0, 0);
	lp = btf__add_ptr(l, lopq);
	ltmp = btf__add_struct(l, "tmp", 8);
	btf__add_field(l, "o", lp, 0, 0);
	lp = btf__add_float(l, "double", 8);
	ltmf = btf__add_struct(l, "tmf", 8);
	btf__add_field(l, "d", lp, 0, 0);
	/* a union behind the pointer does not match a struct FWD */
	id = btf__add_union(l, "opaque", 4);
	btf__add_field(l, "x", lint, 0, 0);
	lp = btf__add_ptr(l, id);
	ltmu = btf__add_struct(l, "tmu", 8);
	REQUIRE(btf__add_field(l, "o", lp, 0, 0) == 0);
	REQUIRE(ltmu > 0);

	struct unit_relo relos[] = {
		{ ltm, "0", BPF_CORE_TYPE_MATCHES }, /* local members are a subset */
		{ ltm2, "0", BPF_CORE_TYPE_MATCHES }, /* 8-byte vs 4-byte int */
		{ ltm3, "0", BPF_CORE_TYPE_MATCHES }, /* "long" vs "long int" */
		{ ltmt, "0", BPF_CORE_TYPE_MATCHES }, /* int * vs int __user * */
		{ ltmp, "0", BPF_CORE_TYPE_MATCHES }, /* struct behind a pointer vs FWD */
		{ ltmf, "0", BPF_CORE_TYPE_MATCHES }, /* FLOAT never matches */
		{ ltmu, "0", BPF_CORE_TYPE_MATCHES }, /* union behind a pointer vs struct FWD */
	};
	if (!CHECK_INT(unit_resolve(k, l, relos, NRELO(relos), res, 0, NULL), 0))
		goto out;
	CHECK_RES(res[0], CORE_RELO_RESOLVED, false, 1);
	CHECK_RES(res[1], CORE_RELO_NOT_FOUND, false, 0);
	CHECK_RES(res[2], CORE_RELO_NOT_FOUND, false, 0);
	CHECK_RES(res[3], CORE_RELO_RESOLVED, false, 1);
	CHECK_RES(res[4], CORE_RELO_RESOLVED, false, 1);
	CHECK_RES(res[5], CORE_RELO_NOT_FOUND, false, 0);
	CHECK_RES(res[6], CORE_RELO_NOT_FOUND, false, 0);
out:
	btf__free(l);
	btf__free(k);
}

/*
 * Root kinds are not typedef-stripped (a typedef matches only a typedef); RESTRICT is skipped
 * like CONST; self-referential types end the walks (marking, matching) without looping.
 */
static void test_kinds_restrict_cycles(void)
{
	struct btf *k = btf__new_empty(), *l = btf__new_empty(), *out_btf = NULL;
	struct core_relo_result res[8];
	int kint, knode, kptr, lint, lfoo_t, lbar, lrptr, lnode, lnode_p, lptr;
	const struct btf_type *t;
	__u32 tid;

	REQUIRE(k && l);
	kint = btf__add_int(k, "int", 4, BTF_INT_SIGNED);
	btf__add_struct(k, "foo_t", 4); /* a struct named like a typedef */
	btf__add_field(k, "a", kint, 0, 0);
	btf__add_typedef(k, "bar", kint); /* a typedef named like a struct */
	btf__add_typedef(k, "rptr_t", btf__add_restrict(k, btf__add_ptr(k, kint)));
	/* struct node { struct node *next; int v; }: node = n, its pointer n + 1, referenced
	 * before it exists (btf__add_field only range-checks ids) */
	knode = btf__type_cnt(k);
	btf__add_struct(k, "node", 16);
	btf__add_field(k, "next", knode + 1, 0, 0);
	btf__add_field(k, "v", kint, 64, 0);
	kptr = btf__add_ptr(k, knode);
	REQUIRE(kptr == knode + 1);
	REQUIRE(btf__add_typedef(k, "node_p", kptr) > 0);

	lint = btf__add_int(l, "int", 4, BTF_INT_SIGNED);
	lfoo_t = btf__add_typedef(l, "foo_t", lint);
	lbar = btf__add_struct(l, "bar", 4);
	btf__add_field(l, "a", lint, 0, 0);
	lrptr = btf__add_typedef(l, "rptr_t", btf__add_ptr(l, lint));
	lnode = btf__type_cnt(l);
	btf__add_struct(l, "node", 8);
	btf__add_field(l, "next", lnode + 1, 0, 0);
	lptr = btf__add_ptr(l, lnode);
	lnode_p = btf__add_typedef(l, "node_p", lptr);
	REQUIRE(lptr == lnode + 1 && lnode_p > 0 && lfoo_t > 0 && lbar > 0 && lrptr > 0);

	struct unit_relo relos[] = {
		{ lfoo_t, "0", BPF_CORE_TYPE_EXISTS }, /* typedef vs struct */
		{ lbar, "0", BPF_CORE_TYPE_EXISTS }, /* struct vs typedef */
		{ lrptr, "0", BPF_CORE_TYPE_EXISTS }, /* through RESTRICT */
		{ lnode_p, "0", BPF_CORE_TYPE_EXISTS }, /* pointer cycle */
		{ lnode, "0", BPF_CORE_TYPE_MATCHES }, /* match through the cycle */
		{ lnode, "0:0", BPF_CORE_FIELD_BYTE_OFFSET }, { lnode, "0", BPF_CORE_TYPE_SIZE },
		{ lnode_p, "0", BPF_CORE_TYPE_SIZE },
	};
	if (!CHECK_INT(unit_resolve(k, l, relos, NRELO(relos), res, 0, &out_btf), 0))
		goto out;
	CHECK_RES(res[0], CORE_RELO_NOT_FOUND, false, 0);
	CHECK_RES(res[1], CORE_RELO_NOT_FOUND, false, 0);
	CHECK_RES(res[2], CORE_RELO_RESOLVED, false, 1);
	CHECK_RES(res[3], CORE_RELO_RESOLVED, false, 1);
	CHECK_RES(res[4], CORE_RELO_RESOLVED, false, 1);
	CHECK_RES(res[5], CORE_RELO_RESOLVED, false, 0);
	CHECK_RES(res[6], CORE_RELO_RESOLVED, false, 16);
	CHECK_RES(res[7], CORE_RELO_RESOLVED, false, 8);
	/* node's next still points at node in the tailored BTF */
	tid = unit_find(out_btf, "node", BTF_KIND_STRUCT);
	t = tid ? btf__type_by_id(out_btf, tid) : NULL;
	if (t && CHECK(btf_vlen(t) >= 1)) {
		const struct btf_type *pt = btf__type_by_id(out_btf, btf_members(t)[0].type);

		if (CHECK(pt && btf_is_ptr(pt)))
			CHECK_U64(pt->type, tid);
	}
out:
	btf__free(out_btf);
	btf__free(l);
	btf__free(k);
}

/* type compatibility: array typedefs (sizes ignored), prototypes' parameters, ptr vs array. */
static void test_compat_more(void)
{
	struct btf *k = btf__new_empty(), *l = btf__new_empty();
	struct core_relo_result res[4];
	int kint, kfoo, kproto, lint, lfoo, lproto, lt_arr, lt_cb, lt_pa, lt_cbok;

	REQUIRE(k && l);
	kint = btf__add_int(k, "int", 4, BTF_INT_SIGNED);
	kfoo = btf__add_struct(k, "foo", 4);
	btf__add_field(k, "a", kint, 0, 0);
	btf__add_typedef(k, "tarr_t", btf__add_array(k, kint, kint, 10));
	kproto = btf__add_func_proto(k, kint);
	btf__add_func_param(k, "f", kfoo);
	btf__add_typedef(k, "cb3_t", btf__add_ptr(k, kproto));
	REQUIRE(btf__add_typedef(k, "pa_t", btf__add_ptr(k, kint)) > 0);

	lint = btf__add_int(l, "int", 4, BTF_INT_SIGNED);
	lfoo = btf__add_struct(l, "foo", 4);
	btf__add_field(l, "a", lint, 0, 0);
	lt_arr = btf__add_typedef(l, "tarr_t", btf__add_array(l, lint, lint, 3));
	lproto = btf__add_func_proto(l, lint);
	btf__add_func_param(l, "f", lint);
	lt_cb = btf__add_typedef(l, "cb3_t", btf__add_ptr(l, lproto));
	lt_pa = btf__add_typedef(l, "pa_t", btf__add_array(l, lint, lint, 2));
	lproto = btf__add_func_proto(l, lint);
	btf__add_func_param(l, "f", lfoo);
	lt_cbok = btf__add_typedef(l, "cbok_t", btf__add_ptr(l, lproto));
	REQUIRE(lt_arr > 0 && lt_cb > 0 && lt_pa > 0 && lt_cbok > 0);

	struct unit_relo relos[] = {
		{ lt_arr, "0", BPF_CORE_TYPE_SIZE }, /* the kernel's int[10]: 40 */
		{ lt_cb, "0", BPF_CORE_TYPE_EXISTS }, /* param int vs struct foo */
		{ lt_pa, "0", BPF_CORE_TYPE_EXISTS }, /* int[2] vs int * */
		{ lt_cbok, "0", BPF_CORE_TYPE_EXISTS }, /* no kernel cbok_t */
	};
	if (!CHECK_INT(unit_resolve(k, l, relos, NRELO(relos), res, 0, NULL), 0))
		goto out;
	CHECK_RES(res[0], CORE_RELO_RESOLVED, false, 40);
	CHECK_RES(res[1], CORE_RELO_NOT_FOUND, false, 0);
	CHECK_RES(res[2], CORE_RELO_NOT_FOUND, false, 0);
	CHECK_RES(res[3], CORE_RELO_NOT_FOUND, false, 0);
out:
	btf__free(l);
	btf__free(k);
}

/*
 * type_matches checks enumerator names even behind a pointer (libbpf has no behind_ptr case
 * for enums), and propagates behind_ptr into function pointer parameters: the tailored BTF
 * must keep those enumerators.
 */
static void test_type_matches_enums_behind_pointers(void)
{
	struct btf *k = btf__new_empty(), *l = btf__new_empty();
	struct core_relo_result res[4];
	int kint, ke, ke2, kp, kproto, lint, le, le2, lp, lproto, ltme, ltmf, ltmn;

	REQUIRE(k && l);
	kint = btf__add_int(k, "int", 4, BTF_INT_SIGNED);
	ke = btf__add_enum(k, "E", 4);
	btf__add_enum_value(k, "EA", 0);
	btf__add_enum_value(k, "EB", 1);
	btf__add_enum_value(k, "EC", 2);
	ke2 = btf__add_enum(k, "E2", 4);
	btf__add_enum_value(k, "FA", 0);
	kp = btf__add_ptr(k, ke);
	kproto = btf__add_func_proto(k, kint);
	btf__add_func_param(k, "e", ke);
	btf__add_struct(k, "tme", 8);
	btf__add_field(k, "pe", kp, 0, 0);
	kproto = btf__add_ptr(k, kproto);
	btf__add_struct(k, "tmf", 8);
	btf__add_field(k, "fn", kproto, 0, 0);
	kp = btf__add_ptr(k, ke2);
	btf__add_struct(k, "tmn", 8);
	REQUIRE(btf__add_field(k, "pe", kp, 0, 0) == 0);

	lint = btf__add_int(l, "int", 4, BTF_INT_SIGNED);
	le = btf__add_enum(l, "E", 4);
	btf__add_enum_value(l, "EA", 0);
	btf__add_enum_value(l, "EB", 1);
	le2 = btf__add_enum(l, "E2", 4);
	btf__add_enum_value(l, "FA", 0);
	btf__add_enum_value(l, "FZ", 1); /* the kernel's E2 has no FZ */
	lp = btf__add_ptr(l, le);
	lproto = btf__add_func_proto(l, lint);
	btf__add_func_param(l, "e", le);
	ltme = btf__add_struct(l, "tme", 8);
	btf__add_field(l, "pe", lp, 0, 0);
	lproto = btf__add_ptr(l, lproto);
	ltmf = btf__add_struct(l, "tmf", 8);
	btf__add_field(l, "fn", lproto, 0, 0);
	lp = btf__add_ptr(l, le2);
	ltmn = btf__add_struct(l, "tmn", 8);
	REQUIRE(btf__add_field(l, "pe", lp, 0, 0) == 0 && ltme > 0 && ltmf > 0);

	struct unit_relo relos[] = {
		{ ltme, "0", BPF_CORE_TYPE_MATCHES },
		{ ltmf, "0", BPF_CORE_TYPE_MATCHES },
		{ ltmn, "0", BPF_CORE_TYPE_MATCHES },
		{ le, "0", BPF_CORE_ENUMVAL_VALUE }, /* marks EA alone from another relocation */
	};
	if (!CHECK_INT(unit_resolve(k, l, relos, NRELO(relos), res, 0, NULL), 0))
		goto out;
	CHECK_RES(res[0], CORE_RELO_RESOLVED, false, 1);
	CHECK_RES(res[1], CORE_RELO_RESOLVED, false, 1);
	CHECK_RES(res[2], CORE_RELO_NOT_FOUND, false, 0);
	CHECK_RES(res[3], CORE_RELO_RESOLVED, false, 0);
out:
	btf__free(l);
	btf__free(k);
}

int main(void)
{
	RUN_TEST(test_type_relos);
	RUN_TEST(test_type_matches);
	RUN_TEST(test_kinds_restrict_cycles);
	RUN_TEST(test_compat_more);
	RUN_TEST(test_type_matches_enums_behind_pointers);
	return unit_finish();
}
