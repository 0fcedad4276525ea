// SPDX-License-Identifier: BSD-2-Clause
/* tests/unit: several candidates: ambiguity failures, compatible duplicates, candidate pruning. */
#include <stdlib.h>
#include <bpf/btf.h>

#include "unit_support.h"

#define NRELO(a) (sizeof(a) / sizeof((a)[0]))

/* struct NAME { int m0 @off0; int m1 @off1; } of 8 bytes */
static int add2(struct btf *btf, const char *name, int int_id, const char *m0, int off0,
		const char *m1, int off1)
{
	int id = btf__add_struct(btf, name, 8);

	if (id < 0 || btf__add_field(btf, m0, int_id, off0, 0) ||
	    (m1 && btf__add_field(btf, m1, int_id, off1, 0)))
		return -1;
	return id;
}

static void test_ambiguity(void)
{
	struct btf *k = btf__new_empty(), *l = btf__new_empty();
	struct core_relo_result res[9];
	int ki, kl, ksame, lint, llong, lamb, lsame, lsz, lbs;

	REQUIRE(k && l);
	ki = btf__add_int(k, "int", 4, BTF_INT_SIGNED);
	kl = btf__add_int(k, "long int", 8, BTF_INT_SIGNED);
	/* amb: a at 0 in one flavour, at 4 in the other */
	add2(k, "amb", ki, "a", 0, "b", 32);
	add2(k, "amb___v2", ki, "b", 0, "a", 32);
	/* same: a at 0 in both, other members differ */
	ksame = add2(k, "same", ki, "a", 0, "b", 32);
	add2(k, "same___2", ki, "a", 0, "c", 32);
	/* sz: different sizes */
	btf__add_struct(k, "sz", 4);
	btf__add_struct(k, "sz___2", 8);
	/* bs: f at 0 in both, 4 vs 8 bytes */
	btf__add_struct(k, "bs", 8);
	btf__add_field(k, "f", ki, 0, 0);
	btf__add_struct(k, "bs___2", 8);
	REQUIRE(btf__add_field(k, "f", kl, 0, 0) == 0);
	REQUIRE(ksame > 0);

	lint = btf__add_int(l, "int", 4, BTF_INT_SIGNED);
	llong = btf__add_int(l, "long int", 8, BTF_INT_SIGNED);
	lamb = add2(l, "amb", lint, "a", 0, NULL, 0);
	lsame = add2(l, "same", lint, "a", 0, NULL, 0);
	lsz = btf__add_struct(l, "sz", 4);
	lbs = btf__add_struct(l, "bs", 8);
	btf__add_field(l, "f", llong, 0, 0);
	REQUIRE(lamb > 0 && lsame > 0 && lsz > 0 && lbs > 0);

	struct unit_relo relos[] = {
		{ lamb, "0:0", BPF_CORE_FIELD_BYTE_OFFSET }, /* field offset ambiguity */
		{ lamb, "0:0", BPF_CORE_FIELD_EXISTS }, /* offsets differ: fails too */
		{ lsame, "0:0", BPF_CORE_FIELD_BYTE_OFFSET }, /* compatible duplicates */
		{ lsame, "0", BPF_CORE_TYPE_EXISTS },
		{ lsame, "0", BPF_CORE_TYPE_ID_TARGET }, /* ids always differ */
		{ lsz, "0", BPF_CORE_TYPE_SIZE }, /* 4 vs 8 */
		{ lsz, "0", BPF_CORE_TYPE_EXISTS },
		{ lbs, "0:0", BPF_CORE_FIELD_BYTE_OFFSET }, /* 0 in both */
		{ lbs, "0:0", BPF_CORE_FIELD_BYTE_SIZE }, /* 4 vs 8 */
	};
	if (!CHECK_INT(unit_resolve(k, l, relos, NRELO(relos), res, 0, NULL), 0))
		goto out;
	CHECK_FAILED(res[0]);
	CHECK_FAILED(res[1]);
	CHECK_RES(res[2], CORE_RELO_RESOLVED, false, 0);
	CHECK_U64(res[2].target_id, ksame);
	CHECK_RES(res[3], CORE_RELO_RESOLVED, false, 1);
	CHECK_FAILED(res[4]);
	CHECK_FAILED(res[5]);
	CHECK_RES(res[6], CORE_RELO_RESOLVED, false, 1);
	CHECK_RES(res[7], CORE_RELO_RESOLVED, false, 0);
	CHECK_FAILED(res[8]);
out:
	btf__free(l);
	btf__free(k);
}

/*
 * The pruning case (brief, finding 1): kernel foo { a, y } and foo___2 { a, x }; the program
 * reads a (both candidates match and stay), then x (only foo___2: the list is pruned to it),
 * then y (foo is gone: not found), then a again (now from foo___2). The tailored BTF must give
 * the same outcomes, which bpftool's "first candidate only" marking does not.
 */
static void test_pruning(void)
{
	struct btf *k = btf__new_empty(), *l = btf__new_empty(), *out_btf = NULL, *copy = NULL;
	struct core_relo_result res[4], res2[4];
	const struct btf_type *t;
	int ki, kfoo, kfoo2, lint, lfoo;
	__u32 id;

	REQUIRE(k && l);
	ki = btf__add_int(k, "int", 4, BTF_INT_SIGNED);
	kfoo = add2(k, "foo", ki, "a", 0, "y", 32);
	kfoo2 = add2(k, "foo___2", ki, "a", 0, "x", 32);
	lint = btf__add_int(l, "int", 4, BTF_INT_SIGNED);
	lfoo = btf__add_struct(l, "foo", 12);
	btf__add_field(l, "a", lint, 0, 0);
	btf__add_field(l, "x", lint, 32, 0);
	btf__add_field(l, "y", lint, 64, 0);
	REQUIRE(kfoo > 0 && kfoo2 > 0 && lfoo > 0);

	struct unit_relo relos[] = {
		{ lfoo, "0:0", BPF_CORE_FIELD_BYTE_OFFSET },
		{ lfoo, "0:1", BPF_CORE_FIELD_BYTE_OFFSET },
		{ lfoo, "0:2", BPF_CORE_FIELD_BYTE_OFFSET },
		{ lfoo, "0:0", BPF_CORE_FIELD_BYTE_OFFSET },
	};
	if (!CHECK_INT(unit_resolve(k, l, relos, 4, res, 0, &out_btf), 0))
		goto out;
	CHECK_RES(res[0], CORE_RELO_RESOLVED, false, 0);
	CHECK_U64(res[0].target_id, kfoo);
	CHECK_RES(res[1], CORE_RELO_RESOLVED, false, 4);
	CHECK_U64(res[1].target_id, kfoo2);
	CHECK_RES(res[2], CORE_RELO_NOT_FOUND, true, 0);
	CHECK_RES(res[3], CORE_RELO_RESOLVED, false, 0);
	CHECK_U64(res[3].target_id, kfoo2);

	/* The tailored BTF holds foo___2 with a and x at their offsets. */
	id = unit_find(out_btf, "foo___2", BTF_KIND_STRUCT);
	t = id ? btf__type_by_id(out_btf, id) : NULL;
	if (CHECK(t) && CHECK_U64(btf_vlen(t), 2)) {
		CHECK_STR(btf__name_by_offset(out_btf, btf_members(t)[0].name_off), "a");
		CHECK_U64(btf_member_bit_offset(t, 0), 0);
		CHECK_STR(btf__name_by_offset(out_btf, btf_members(t)[1].name_off), "x");
		CHECK_U64(btf_member_bit_offset(t, 1), 32);
	}
	/* Re-resolving on a fresh parse of the emitted bytes gives the same values. */
	copy = unit_btf_copy(out_btf);
	if (CHECK(copy) &&
	    CHECK_INT(unit_resolve(copy, l, relos, 4, res2, UNIT_NO_TAILOR, NULL), 0)) {
		CHECK_RES(res2[0], CORE_RELO_RESOLVED, false, 0);
		CHECK_RES(res2[1], CORE_RELO_RESOLVED, false, 4);
		CHECK_RES(res2[2], CORE_RELO_NOT_FOUND, true, 0);
		CHECK_RES(res2[3], CORE_RELO_RESOLVED, false, 0);
	}
out:
	btf__free(copy);
	btf__free(out_btf);
	btf__free(l);
	btf__free(k);
}

/* Candidate lists are per object: another object reading y still finds foo. */
static void test_pruning_per_object(void)
{
	struct btf *k = btf__new_empty(), *l = btf__new_empty(), *tb = NULL;
	struct core_relo_result r1[2], r2[1], rt1[2], rt2[1];
	struct core_object *o1 = NULL, *o2 = NULL;
	struct kernel_index *ki = NULL, *kt = NULL;
	struct core_tailor *t = NULL;
	char err[256] = "";
	void *data = NULL;
	__u32 size = 0;
	int kint, kfoo, kfoo2, lint, lfoo;

	REQUIRE(k && l);
	kint = btf__add_int(k, "int", 4, BTF_INT_SIGNED);
	kfoo = add2(k, "foo", kint, "a", 0, "y", 32);
	kfoo2 = add2(k, "foo___2", kint, "a", 0, "x", 32);
	lint = btf__add_int(l, "int", 4, BTF_INT_SIGNED);
	lfoo = btf__add_struct(l, "foo", 12);
	btf__add_field(l, "a", lint, 0, 0);
	btf__add_field(l, "x", lint, 32, 0);
	btf__add_field(l, "y", lint, 64, 0);
	REQUIRE(kfoo > 0 && kfoo2 > 0 && lfoo > 0);

	/* object 1 reads x then y (y not found after pruning); object 2 reads y alone */
	struct unit_relo relos1[] = {
		{ lfoo, "0:1", BPF_CORE_FIELD_BYTE_OFFSET },
		{ lfoo, "0:2", BPF_CORE_FIELD_BYTE_OFFSET },
	};
	struct unit_relo relos2[] = { { lfoo, "0:2", BPF_CORE_FIELD_BYTE_OFFSET } };

	o1 = unit_obj__open(l, relos1, 2);
	o2 = unit_obj__open(l, relos2, 1);
	ki = kernel_index__new(k);
	t = ki ? core_tailor__new(ki) : NULL;
	if (!CHECK(o1 && o2 && ki && t))
		goto out;
	if (!CHECK_INT(core_tailor__add_object(t, o1, r1), 0) ||
	    !CHECK_INT(core_tailor__add_object(t, o2, r2), 0))
		goto out;
	CHECK_RES(r1[0], CORE_RELO_RESOLVED, false, 4);
	CHECK_U64(r1[0].target_id, kfoo2);
	CHECK_RES(r1[1], CORE_RELO_NOT_FOUND, true, 0);
	CHECK_RES(r2[0], CORE_RELO_RESOLVED, false, 4);
	CHECK_U64(r2[0].target_id, kfoo);

	if (!CHECK_INT(core_tailor__emit(t, &data, &size), 0))
		goto out;
	if (core_tailor__verify(t, data, size, err, sizeof(err))) {
		unit_fail(__FILE__, __LINE__, "core_tailor__verify: %s", err);
		goto out;
	}
	tb = btf__new(data, size);
	kt = tb ? kernel_index__new(tb) : NULL;
	if (!CHECK(tb && kt))
		goto out;
	if (CHECK_INT(core_object__resolve(kt, o1, rt1), 0)) {
		CHECK_RES(rt1[0], CORE_RELO_RESOLVED, false, 4);
		CHECK_RES(rt1[1], CORE_RELO_NOT_FOUND, true, 0);
	}
	if (CHECK_INT(core_object__resolve(kt, o2, rt2), 0))
		CHECK_RES(rt2[0], CORE_RELO_RESOLVED, false, 4);
out:
	kernel_index__free(kt);
	btf__free(tb);
	free(data);
	core_tailor__free(t);
	kernel_index__free(ki);
	core_object__free(o2);
	core_object__free(o1);
	btf__free(l);
	btf__free(k);
}

/*
 * Verification must catch a tailored BTF that differs: feed core_tailor__verify the BTF
 * tailored for another object (which lacks what this one needs) and expect -EPROTO.
 */
static void test_verify_detects_difference(void)
{
	struct btf *k = btf__new_empty(), *l = btf__new_empty();
	struct core_object *o1 = NULL, *o2 = NULL;
	struct core_tailor *t1 = NULL, *t2 = NULL;
	struct kernel_index *ki = NULL;
	void *d1 = NULL, *d2 = NULL;
	__u32 s1 = 0, s2 = 0;
	char err[256] = "";
	int kint, lint, lfoo;

	REQUIRE(k && l);
	kint = btf__add_int(k, "int", 4, BTF_INT_SIGNED);
	add2(k, "foo", kint, "a", 0, "b", 32);
	lint = btf__add_int(l, "int", 4, BTF_INT_SIGNED);
	lfoo = add2(l, "foo", lint, "a", 0, "b", 32);
	REQUIRE(lfoo > 0);

	struct unit_relo relos1[] = { { lfoo, "0:0", BPF_CORE_FIELD_BYTE_OFFSET } };
	struct unit_relo relos2[] = { { lfoo, "0:1", BPF_CORE_FIELD_BYTE_OFFSET } };

	o1 = unit_obj__open(l, relos1, 1);
	o2 = unit_obj__open(l, relos2, 1);
	ki = kernel_index__new(k);
	t1 = ki ? core_tailor__new(ki) : NULL;
	t2 = ki ? core_tailor__new(ki) : NULL;
	if (!CHECK(o1 && o2 && t1 && t2))
		goto out;
	if (!CHECK_INT(core_tailor__add_object(t1, o1, NULL), 0) ||
	    !CHECK_INT(core_tailor__add_object(t2, o2, NULL), 0) ||
	    !CHECK_INT(core_tailor__emit(t1, &d1, &s1), 0) ||
	    !CHECK_INT(core_tailor__emit(t2, &d2, &s2), 0))
		goto out;
	CHECK_INT(core_tailor__verify(t1, d1, s1, err, sizeof(err)), 0);
	err[0] = '\0';
	/* t2's object reads b, which t1's BTF does not have */
	CHECK_INT(core_tailor__verify(t2, d1, s1, err, sizeof(err)), -EPROTO);
	CHECK(err[0] != '\0');
out:
	free(d2);
	free(d1);
	core_tailor__free(t2);
	core_tailor__free(t1);
	kernel_index__free(ki);
	core_object__free(o2);
	core_object__free(o1);
	btf__free(l);
	btf__free(k);
}

/* core_tailor__verify on bytes that are not a BTF, or a cut one, fails cleanly. */
static void test_verify_garbage(void)
{
	struct btf *k = btf__new_empty(), *l = btf__new_empty();
	struct core_object *o = NULL;
	struct core_tailor *t = NULL;
	struct kernel_index *ki = NULL;
	void *d = NULL, *junk = NULL;
	__u32 s = 0;
	char err[256] = "";
	int kint, lint, lfoo;

	REQUIRE(k && l);
	kint = btf__add_int(k, "int", 4, BTF_INT_SIGNED);
	add2(k, "foo", kint, "a", 0, "b", 32);
	lint = btf__add_int(l, "int", 4, BTF_INT_SIGNED);
	lfoo = add2(l, "foo", lint, "a", 0, "b", 32);
	REQUIRE(lfoo > 0);

	struct unit_relo relos[] = { { lfoo, "0:1", BPF_CORE_FIELD_BYTE_OFFSET } };

	o = unit_obj__open(l, relos, 1);
	ki = kernel_index__new(k);
	t = ki ? core_tailor__new(ki) : NULL;
	if (!CHECK(o && t) || !CHECK_INT(core_tailor__add_object(t, o, NULL), 0) ||
	    !CHECK_INT(core_tailor__emit(t, &d, &s), 0))
		goto out;
	junk = calloc(1, s + 64);
	if (!CHECK(junk))
		goto out;
	memset(junk, 0xa5, s + 64);
	CHECK(core_tailor__verify(t, junk, s + 64, err, sizeof(err)) < 0);
	CHECK(err[0] != '\0');
	err[0] = '\0';
	CHECK(core_tailor__verify(t, d, s / 2, err, sizeof(err)) < 0);
	CHECK(err[0] != '\0');
	err[0] = '\0';
	CHECK(core_tailor__verify(t, d, 0, err, sizeof(err)) < 0);
	CHECK(err[0] != '\0');
	CHECK_INT(core_tailor__verify(t, d, s, err, sizeof(err)), 0);
out:
	free(junk);
	free(d);
	core_tailor__free(t);
	kernel_index__free(ki);
	core_object__free(o);
	btf__free(l);
	btf__free(k);
}

/*
 * libbpf fails a relocation when matching a candidate errors out, not only on ambiguity:
 * a pointer chain longer than its 32-step compatibility walk (type relocation), and a member
 * buried under more anonymous structs than a 64-index spec holds (field relocation). The
 * tailored BTF must fail them too, not turn them into "not found".
 */
static void test_match_errors(void)
{
	struct btf *k = btf__new_empty(), *l = btf__new_empty();
	struct core_relo_result res[3];
	int kint, lint, kp, lp, ldeep, kprev, lwrap, id;

	REQUIRE(k && l);
	kint = btf__add_int(k, "int", 4, BTF_INT_SIGNED);
	lint = btf__add_int(l, "int", 4, BTF_INT_SIGNED);
	kp = kint;
	lp = lint;
	for (int i = 0; i < 40; i++) {
		kp = btf__add_ptr(k, kp);
		lp = btf__add_ptr(l, lp);
	}
	REQUIRE(btf__add_typedef(k, "deep_t", kp) > 0);
	ldeep = btf__add_typedef(l, "deep_t", lp);
	/* kernel: struct wrap { struct { struct { ... { int v; } } } } 70 anonymous levels */
	kprev = btf__add_struct(k, NULL, 4);
	REQUIRE(btf__add_field(k, "v", kint, 0, 0) == 0);
	for (int i = 0; i < 70; i++) {
		id = btf__add_struct(k, i == 69 ? "wrap" : NULL, 4);
		REQUIRE(id > 0 && btf__add_field(k, NULL, kprev, 0, 0) == 0);
		kprev = id;
	}
	lwrap = btf__add_struct(l, "wrap", 4);
	REQUIRE(btf__add_field(l, "v", lint, 0, 0) == 0 && ldeep > 0);

	struct unit_relo relos[] = {
		{ ldeep, "0", BPF_CORE_TYPE_EXISTS },
		{ lwrap, "0:0", BPF_CORE_FIELD_BYTE_OFFSET },
		{ lwrap, "0:0", BPF_CORE_FIELD_EXISTS },
	};
	if (!CHECK_INT(unit_resolve(k, l, relos, NRELO(relos), res, 0, NULL), 0))
		goto out;
	CHECK_FAILED(res[0]);
	CHECK_FAILED(res[1]);
	CHECK_FAILED(res[2]);
out:
	btf__free(l);
	btf__free(k);
}

/* A failed or unmatched relocation leaves the candidate list as it was. */
static void test_failed_does_not_prune(void)
{
	struct btf *k = btf__new_empty(), *l = btf__new_empty();
	struct core_relo_result res[4];
	int kint, kfoo2, lint, lfoo;

	REQUIRE(k && l);
	kint = btf__add_int(k, "int", 4, BTF_INT_SIGNED);
	add2(k, "foo", kint, "a", 0, "b", 32);
	kfoo2 = btf__add_struct(k, "foo___2", 12);
	btf__add_field(k, "b", kint, 0, 0);
	btf__add_field(k, "a", kint, 32, 0);
	REQUIRE(btf__add_field(k, "c", kint, 64, 0) == 0);
	lint = btf__add_int(l, "int", 4, BTF_INT_SIGNED);
	lfoo = btf__add_struct(l, "foo", 16);
	btf__add_field(l, "a", lint, 0, 0);
	btf__add_field(l, "c", lint, 32, 0);
	REQUIRE(btf__add_field(l, "d", lint, 64, 0) == 0);

	struct unit_relo relos[] = {
		{ lfoo, "0:0", BPF_CORE_FIELD_BYTE_OFFSET }, /* a: 0 vs 4, ambiguous */
		{ lfoo, "0:2", BPF_CORE_FIELD_BYTE_OFFSET }, /* d: nowhere */
		{ lfoo, "0:1", BPF_CORE_FIELD_BYTE_OFFSET }, /* c: foo___2 is still a candidate */
		{ lfoo, "0:0", BPF_CORE_FIELD_BYTE_OFFSET }, /* a: now only foo___2 is left */
	};
	if (!CHECK_INT(unit_resolve(k, l, relos, 4, res, 0, NULL), 0))
		goto out;
	CHECK_FAILED(res[0]);
	CHECK_RES(res[1], CORE_RELO_NOT_FOUND, true, 0);
	CHECK_RES(res[2], CORE_RELO_RESOLVED, false, 8);
	CHECK_U64(res[2].target_id, kfoo2);
	CHECK_RES(res[3], CORE_RELO_RESOLVED, false, 4);
out:
	btf__free(l);
	btf__free(k);
}

/* How many structs of the essential name "foo" a BTF holds. */
static int count_foo(const struct btf *btf)
{
	int n = 0;

	for (__u32 id = 1; id < btf__type_cnt(btf); id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		const char *name = btf__name_by_offset(btf, t->name_off);

		n += btf_is_struct(t) && name && !strncmp(name, "foo", 3) &&
		     (!name[3] || !strncmp(name + 3, "___", 3));
	}
	return n;
}

/*
 * Compatible duplicate candidates (issue 8, item 6): when one candidate alone gives libbpf the
 * same outcome for every relocation of the local type, only it is kept; when they disagree
 * (ambiguity) or prune differently, every one that counts is kept.
 */
static void test_single_candidate(void)
{
	struct btf *k = btf__new_empty(), *l = btf__new_empty(), *out = NULL;
	struct core_relo_result res[3];
	int ki, kfoo, kfoo2, kfoo3, lint, lfoo, lbar;

	REQUIRE(k && l);
	ki = btf__add_int(k, "int", 4, BTF_INT_SIGNED);
	kfoo = add2(k, "foo", ki, "a", 0, "y", 32);
	kfoo2 = add2(k, "foo___2", ki, "a", 0, "x", 32);
	kfoo3 = add2(k, "bar", ki, "a", 0, NULL, 0);
	add2(k, "bar___2", ki, "a", 32, NULL, 0);
	lint = btf__add_int(l, "int", 4, BTF_INT_SIGNED);
	lfoo = btf__add_struct(l, "foo", 8);
	btf__add_field(l, "a", lint, 0, 0);
	btf__add_field(l, "y", lint, 32, 0);
	lbar = btf__add_struct(l, "bar", 4);
	btf__add_field(l, "a", lint, 0, 0);
	REQUIRE(kfoo > 0 && kfoo2 > 0 && kfoo3 > 0 && lfoo > 0 && lbar > 0);

	/* a only: both foo and foo___2 give 0: one is enough */
	struct unit_relo only_a[] = {
		{ lfoo, "0:0", BPF_CORE_FIELD_BYTE_OFFSET },
		{ lfoo, "0:0", BPF_CORE_FIELD_EXISTS },
	};
	if (CHECK_INT(unit_resolve(k, l, only_a, NRELO(only_a), res, 0, &out), 0)) {
		CHECK_RES(res[0], CORE_RELO_RESOLVED, false, 0);
		CHECK_INT(count_foo(out), 1);
		CHECK(unit_find(out, "foo", BTF_KIND_STRUCT));
	}
	btf__free(out);
	out = NULL;

	/* a, then y: foo___2 alone would not find y; foo alone gives the same outcomes */
	struct unit_relo a_y[] = {
		{ lfoo, "0:0", BPF_CORE_FIELD_BYTE_OFFSET },
		{ lfoo, "0:1", BPF_CORE_FIELD_BYTE_OFFSET },
	};
	if (CHECK_INT(unit_resolve(k, l, a_y, NRELO(a_y), res, 0, &out), 0)) {
		CHECK_RES(res[1], CORE_RELO_RESOLVED, false, 4);
		CHECK_INT(count_foo(out), 1);
	}
	btf__free(out);
	out = NULL;

	/* bar.a at offsets 0 and 4: libbpf fails (ambiguity); both stay so that it fails again */
	struct unit_relo amb[] = { { lbar, "0:0", BPF_CORE_FIELD_BYTE_OFFSET } };
	if (CHECK_INT(unit_resolve(k, l, amb, NRELO(amb), res, 0, &out), 0)) {
		CHECK_FAILED(res[0]);
		CHECK(unit_find(out, "bar", BTF_KIND_STRUCT));
		CHECK(unit_find(out, "bar___2", BTF_KIND_STRUCT));
	}
	btf__free(out);
	btf__free(l);
	btf__free(k);
}

int main(void)
{
	RUN_TEST(test_ambiguity);
	RUN_TEST(test_pruning);
	RUN_TEST(test_pruning_per_object);
	RUN_TEST(test_verify_detects_difference);
	RUN_TEST(test_verify_garbage);
	RUN_TEST(test_failed_does_not_prune);
	RUN_TEST(test_match_errors);
	RUN_TEST(test_single_candidate);
	return unit_finish();
}
