// SPDX-License-Identifier: BSD-2-Clause
/* tests/unit: field relocations: offsets through typedef/const, anonymous members, arrays, bitfields. */
#include <stdlib.h>
#include <bpf/btf.h>

#include "unit_support.h"

#define NRELO(a) (sizeof(a) / sizeof((a)[0]))

/* Common base types, added in the same order to kernel and local BTFs. */
struct base {
	int i32, u32, chr, uchr, s16, s64, u64;
};

static void add_base(struct btf *btf, struct base *b)
{
	b->i32 = btf__add_int(btf, "int", 4, BTF_INT_SIGNED);
	b->u32 = btf__add_int(btf, "unsigned int", 4, 0);
	b->chr = btf__add_int(btf, "char", 1, BTF_INT_SIGNED | BTF_INT_CHAR);
	b->uchr = btf__add_int(btf, "unsigned char", 1, 0);
	b->s16 = btf__add_int(btf, "short int", 2, BTF_INT_SIGNED);
	b->s64 = btf__add_int(btf, "long int", 8, BTF_INT_SIGNED);
	b->u64 = btf__add_int(btf, "long unsigned int", 8, 0);
}

/*
 * Kernel: struct inner { char x; int y; short z; } (12 bytes), typedef inner_t,
 * struct outer { int a; long b; const inner_t in; } (32 bytes, in at 16), typedef outer_t.
 * Local: outer { const inner_t in; } with inner { short z; }: in.z is at 16 + 8 = 24.
 */
static void test_typedef_const(void)
{
	struct btf *k = btf__new_empty(), *l = btf__new_empty();
	struct core_relo_result res[7];
	struct base kb, lb;
	int id, k_outer, k_outer_t, l_outer, l_outer_t;

	REQUIRE(k && l);
	add_base(k, &kb);
	id = btf__add_struct(k, "inner", 12);
	btf__add_field(k, "x", kb.chr, 0, 0);
	btf__add_field(k, "y", kb.i32, 32, 0);
	btf__add_field(k, "z", kb.s16, 64, 0);
	id = btf__add_typedef(k, "inner_t", id);
	id = btf__add_const(k, id);
	REQUIRE(id > 0);
	k_outer = btf__add_struct(k, "outer", 32);
	btf__add_field(k, "a", kb.i32, 0, 0);
	btf__add_field(k, "b", kb.s64, 64, 0);
	REQUIRE(btf__add_field(k, "in", id, 128, 0) == 0);
	k_outer_t = btf__add_typedef(k, "outer_t", k_outer);
	REQUIRE(k_outer > 0 && k_outer_t > 0);

	add_base(l, &lb);
	id = btf__add_struct(l, "inner", 2);
	btf__add_field(l, "z", lb.s16, 0, 0);
	id = btf__add_const(l, btf__add_typedef(l, "inner_t", id));
	l_outer = btf__add_struct(l, "outer", 2);
	btf__add_field(l, "in", id, 0, 0);
	l_outer_t = btf__add_typedef(l, "outer_t", l_outer);
	REQUIRE(l_outer > 0 && l_outer_t > 0);

	struct unit_relo relos[] = {
		{ l_outer, "0:0:0", BPF_CORE_FIELD_BYTE_OFFSET },
		{ l_outer, "0:0:0", BPF_CORE_FIELD_BYTE_SIZE },
		{ l_outer, "0:0:0", BPF_CORE_FIELD_EXISTS },
		{ l_outer, "0:0:0", BPF_CORE_FIELD_SIGNED },
		{ l_outer, "1:0:0", BPF_CORE_FIELD_BYTE_OFFSET }, /* p[1].in.z: 32 + 24 */
		{ l_outer_t, "0:0:0", BPF_CORE_FIELD_BYTE_OFFSET }, /* typedef root */
		{ l_outer, "0:0", BPF_CORE_FIELD_BYTE_SIZE }, /* sizeof(in) through const+typedef */
	};
	if (!CHECK_INT(unit_resolve(k, l, relos, NRELO(relos), res, 0, NULL), 0))
		goto out;
	CHECK_RES(res[0], CORE_RELO_RESOLVED, false, 24);
	CHECK_RES(res[1], CORE_RELO_RESOLVED, false, 2);
	CHECK_RES(res[2], CORE_RELO_RESOLVED, false, 1);
	CHECK_RES(res[3], CORE_RELO_RESOLVED, false, 1);
	CHECK_RES(res[4], CORE_RELO_RESOLVED, false, 56);
	CHECK_RES(res[5], CORE_RELO_RESOLVED, false, 24);
	CHECK_U64(res[5].target_id, k_outer_t);
	CHECK_U64(res[0].target_id, k_outer);
	CHECK_RES(res[6], CORE_RELO_RESOLVED, false, 12);
out:
	btf__free(l);
	btf__free(k);
}

/*
 * Kernel: struct anon { int x; union { int u1; long u2; }; struct { char c1; char c2; }; }
 * with the union at 8 and the struct at 16 (24 bytes). Local types name members that the
 * kernel keeps in anonymous members, and the other way round.
 */
static void test_anonymous_members(void)
{
	struct btf *k = btf__new_empty(), *l = btf__new_empty();
	struct core_relo_result res[5];
	struct base kb, lb;
	int un, st, anon, l_flat, l_nest, lun;

	REQUIRE(k && l);
	add_base(k, &kb);
	un = btf__add_union(k, NULL, 8);
	btf__add_field(k, "u1", kb.i32, 0, 0);
	btf__add_field(k, "u2", kb.s64, 0, 0);
	st = btf__add_struct(k, NULL, 2);
	btf__add_field(k, "c1", kb.chr, 0, 0);
	btf__add_field(k, "c2", kb.chr, 8, 0);
	anon = btf__add_struct(k, "anon", 24);
	btf__add_field(k, "x", kb.i32, 0, 0);
	btf__add_field(k, NULL, un, 64, 0);
	btf__add_field(k, NULL, st, 128, 0);
	REQUIRE(anon > 0);

	add_base(l, &lb);
	/* local flat: struct anon___flat { long u2; char c2; } */
	l_flat = btf__add_struct(l, "anon___flat", 16);
	btf__add_field(l, "u2", lb.s64, 0, 0);
	btf__add_field(l, "c2", lb.chr, 64, 0);
	/* local nested: struct anon { int x; union { int u1; long u2; }; } */
	lun = btf__add_union(l, NULL, 8);
	btf__add_field(l, "u1", lb.i32, 0, 0);
	btf__add_field(l, "u2", lb.s64, 0, 0);
	l_nest = btf__add_struct(l, "anon", 16);
	btf__add_field(l, "x", lb.i32, 0, 0);
	btf__add_field(l, NULL, lun, 64, 0);
	REQUIRE(l_flat > 0 && l_nest > 0);

	struct unit_relo relos[] = {
		{ l_flat, "0:0", BPF_CORE_FIELD_BYTE_OFFSET },
		{ l_flat, "0:1", BPF_CORE_FIELD_BYTE_OFFSET },
		{ l_nest, "0:1:1", BPF_CORE_FIELD_BYTE_OFFSET },
		{ l_nest, "0:1:1", BPF_CORE_FIELD_BYTE_SIZE },
		{ l_nest, "0:1", BPF_CORE_FIELD_BYTE_OFFSET }, /* the anonymous union itself */
	};
	if (!CHECK_INT(unit_resolve(k, l, relos, NRELO(relos), res, 0, NULL), 0))
		goto out;
	CHECK_RES(res[0], CORE_RELO_RESOLVED, false, 8);
	CHECK_RES(res[1], CORE_RELO_RESOLVED, false, 17);
	CHECK_RES(res[2], CORE_RELO_RESOLVED, false, 8);
	CHECK_RES(res[3], CORE_RELO_RESOLVED, false, 8);
	/*
	 * "0:1" ends on an anonymous member, which libbpf does not keep as an accessor: the
	 * high-level spec is the root alone, the target spec is the candidate's root at bit 0,
	 * and byte_off is computed on that root accessor: 0, not the local 8.
	 */
	CHECK_RES(res[4], CORE_RELO_RESOLVED, false, 0);
out:
	btf__free(l);
	btf__free(k);
}

/*
 * Kernel: struct arr { int pad; int a[4]; int m[2][3]; int flex[]; }: a at 4, m at 20,
 * flex at 44 (44 bytes). Local: struct arr { int a[10]; int m[2][3]; int flex[]; }.
 */
static void test_arrays(void)
{
	struct btf *k = btf__new_empty(), *l = btf__new_empty();
	struct core_relo_result res[11];
	struct base kb, lb;
	int a4, a3, a23, a0, l_arr, la10, la3, la23, la0, l_sig;

	REQUIRE(k && l);
	add_base(k, &kb);
	a4 = btf__add_array(k, kb.i32, kb.i32, 4);
	a3 = btf__add_array(k, kb.i32, kb.i32, 3);
	a23 = btf__add_array(k, kb.i32, a3, 2);
	a0 = btf__add_array(k, kb.i32, kb.i32, 0);
	btf__add_struct(k, "arr", 44);
	btf__add_field(k, "pad", kb.i32, 0, 0);
	btf__add_field(k, "a", a4, 32, 0);
	btf__add_field(k, "m", a23, 160, 0);
	REQUIRE(btf__add_field(k, "flex", a0, 352, 0) == 0);

	add_base(l, &lb);
	la10 = btf__add_array(l, lb.i32, lb.i32, 10);
	la3 = btf__add_array(l, lb.i32, lb.i32, 3);
	la23 = btf__add_array(l, lb.i32, la3, 2);
	la0 = btf__add_array(l, lb.i32, lb.i32, 0);
	l_arr = btf__add_struct(l, "arr", 64);
	btf__add_field(l, "a", la10, 0, 0);
	btf__add_field(l, "m", la23, 320, 0);
	btf__add_field(l, "flex", la0, 512, 0);
	/* a separate root so the failing relocation cannot interfere with arr's candidates */
	l_sig = btf__add_struct(l, "arr___sig", 64);
	btf__add_field(l, "a", la10, 0, 0);
	REQUIRE(l_arr > 0 && l_sig > 0);

	struct unit_relo relos[] = {
		{ l_arr, "0:0:2", BPF_CORE_FIELD_BYTE_OFFSET }, /* a[2]: 4 + 8 */
		{ l_arr, "0:0:2", BPF_CORE_FIELD_BYTE_SIZE }, /* element size */
		{ l_arr, "0:1:1:2", BPF_CORE_FIELD_BYTE_OFFSET }, /* m[1][2]: 20 + 12 + 8 */
		{ l_arr, "0:1:1", BPF_CORE_FIELD_BYTE_OFFSET }, /* m[1]: 20 + 12 */
		{ l_arr, "0:1:1", BPF_CORE_FIELD_BYTE_SIZE }, /* sizeof(int[3]) */
		{ l_arr, "0:2:5", BPF_CORE_FIELD_BYTE_OFFSET }, /* flex[5]: 44 + 20 */
		{ l_arr, "0:0", BPF_CORE_FIELD_BYTE_SIZE }, /* the kernel's a[4] */
		{ l_arr, "0:0:7", BPF_CORE_FIELD_BYTE_OFFSET }, /* beyond the kernel's a[4] */
		{ l_arr, "0:0:7", BPF_CORE_FIELD_EXISTS },
		{ l_arr, "0:0:3", BPF_CORE_FIELD_EXISTS },
		{ l_sig, "0:0:2", BPF_CORE_FIELD_SIGNED }, /* not for array elements */
	};
	if (!CHECK_INT(unit_resolve(k, l, relos, NRELO(relos), res, 0, NULL), 0))
		goto out;
	CHECK_RES(res[0], CORE_RELO_RESOLVED, false, 12);
	CHECK_RES(res[1], CORE_RELO_RESOLVED, false, 4);
	CHECK_RES(res[2], CORE_RELO_RESOLVED, false, 40);
	CHECK_RES(res[3], CORE_RELO_RESOLVED, false, 32);
	CHECK_RES(res[4], CORE_RELO_RESOLVED, false, 12);
	CHECK_RES(res[5], CORE_RELO_RESOLVED, false, 64);
	CHECK_RES(res[6], CORE_RELO_RESOLVED, false, 16);
	CHECK_RES(res[7], CORE_RELO_NOT_FOUND, true, 0);
	CHECK_RES(res[8], CORE_RELO_NOT_FOUND, false, 0);
	CHECK_RES(res[9], CORE_RELO_RESOLVED, false, 1);
	CHECK_FAILED(res[10]);
out:
	btf__free(l);
	btf__free(k);
}

/* Index checks are on the local side too: a local a[10] cannot be read at 10. */
static void test_local_bounds(void)
{
	struct btf *k = btf__new_empty(), *l = btf__new_empty();
	struct core_relo_result res[3];
	struct base kb, lb;
	int a, l_arr;

	REQUIRE(k && l);
	add_base(k, &kb);
	a = btf__add_array(k, kb.i32, kb.i32, 20);
	btf__add_struct(k, "lb", 80);
	REQUIRE(btf__add_field(k, "a", a, 0, 0) == 0);
	add_base(l, &lb);
	a = btf__add_array(l, lb.i32, lb.i32, 10);
	l_arr = btf__add_struct(l, "lb", 40);
	btf__add_field(l, "a", a, 0, 0);
	REQUIRE(l_arr > 0);

	struct unit_relo relos[] = {
		{ l_arr, "0:0:10", BPF_CORE_FIELD_BYTE_OFFSET }, /* local a[10] out of range */
		{ l_arr, "0:1", BPF_CORE_FIELD_BYTE_OFFSET }, /* local member 1 does not exist */
		{ l_arr, "0:0:9", BPF_CORE_FIELD_BYTE_OFFSET },
	};
	if (!CHECK_INT(unit_resolve(k, l, relos, NRELO(relos), res, 0, NULL), 0))
		goto out;
	CHECK_FAILED(res[0]);
	CHECK_FAILED(res[1]);
	CHECK_RES(res[2], CORE_RELO_RESOLVED, false, 36);
out:
	btf__free(l);
	btf__free(k);
}

/*
 * Kernel (kflag=1): struct bf { int pad; unsigned int a:3; int b:5; unsigned char c:4; }
 * with a at bit 32, b at 35, c at 46 (8 bytes). c straddles a byte: libbpf doubles the load
 * size until it covers bits 46..49 -> 4 bytes at 4.
 */
static void test_bitfields(void)
{
	struct btf *k = btf__new_empty(), *l = btf__new_empty();
	struct core_relo_result res[15];
	struct base kb, lb;
	int l_bf;

	REQUIRE(k && l);
	add_base(k, &kb);
	btf__add_struct(k, "bf", 8);
	btf__add_field(k, "pad", kb.i32, 0, 0);
	btf__add_field(k, "a", kb.u32, 32, 3);
	btf__add_field(k, "b", kb.i32, 35, 5);
	REQUIRE(btf__add_field(k, "c", kb.uchr, 46, 4) == 0);

	add_base(l, &lb);
	l_bf = btf__add_struct(l, "bf", 4);
	btf__add_field(l, "a", lb.u32, 0, 3);
	btf__add_field(l, "b", lb.i32, 3, 5);
	btf__add_field(l, "c", lb.uchr, 8, 4);
	REQUIRE(l_bf > 0);

	struct unit_relo relos[] = {
		{ l_bf, "0:0", BPF_CORE_FIELD_BYTE_OFFSET },
		{ l_bf, "0:0", BPF_CORE_FIELD_BYTE_SIZE },
		{ l_bf, "0:0", BPF_CORE_FIELD_LSHIFT_U64 },
		{ l_bf, "0:0", BPF_CORE_FIELD_RSHIFT_U64 },
		{ l_bf, "0:0", BPF_CORE_FIELD_SIGNED },
		{ l_bf, "0:1", BPF_CORE_FIELD_BYTE_OFFSET },
		{ l_bf, "0:1", BPF_CORE_FIELD_BYTE_SIZE },
		{ l_bf, "0:1", BPF_CORE_FIELD_LSHIFT_U64 },
		{ l_bf, "0:1", BPF_CORE_FIELD_RSHIFT_U64 },
		{ l_bf, "0:1", BPF_CORE_FIELD_SIGNED },
		{ l_bf, "0:2", BPF_CORE_FIELD_BYTE_OFFSET },
		{ l_bf, "0:2", BPF_CORE_FIELD_BYTE_SIZE },
		{ l_bf, "0:2", BPF_CORE_FIELD_LSHIFT_U64 },
		{ l_bf, "0:2", BPF_CORE_FIELD_RSHIFT_U64 },
		{ l_bf, "0:2", BPF_CORE_FIELD_SIGNED },
	};
	if (!CHECK_INT(unit_resolve(k, l, relos, NRELO(relos), res, 0, NULL), 0))
		goto out;
	/* a: bits 32..34 of a 4-byte load at 4: lshift 64 - (32 + 3 - 32), rshift 64 - 3 */
	CHECK_RES(res[0], CORE_RELO_RESOLVED, false, 4);
	CHECK_RES(res[1], CORE_RELO_RESOLVED, false, 4);
	CHECK_RES(res[2], CORE_RELO_RESOLVED, false, 61);
	CHECK_RES(res[3], CORE_RELO_RESOLVED, false, 61);
	CHECK_RES(res[4], CORE_RELO_RESOLVED, false, 0);
	/* b: bits 35..39: lshift 64 - (35 + 5 - 32) = 56, rshift 59, signed */
	CHECK_RES(res[5], CORE_RELO_RESOLVED, false, 4);
	CHECK_RES(res[6], CORE_RELO_RESOLVED, false, 4);
	CHECK_RES(res[7], CORE_RELO_RESOLVED, false, 56);
	CHECK_RES(res[8], CORE_RELO_RESOLVED, false, 59);
	CHECK_RES(res[9], CORE_RELO_RESOLVED, false, 1);
	/* c: 1 byte at 5 is too small, 2 bytes at 4 too, 4 bytes at 4 fit: lshift 46, rshift 60 */
	CHECK_RES(res[10], CORE_RELO_RESOLVED, false, 4);
	CHECK_RES(res[11], CORE_RELO_RESOLVED, false, 4);
	CHECK_RES(res[12], CORE_RELO_RESOLVED, false, 46);
	CHECK_RES(res[13], CORE_RELO_RESOLVED, false, 60);
	CHECK_RES(res[14], CORE_RELO_RESOLVED, false, 0);
out:
	btf__free(l);
	btf__free(k);
}

/* A bitfield that no 8-byte load covers: libbpf fails the relocation (-E2BIG). */
static void test_bitfield_too_big(void)
{
	struct btf *k = btf__new_empty(), *l = btf__new_empty();
	struct core_relo_result res[3];
	struct base kb, lb;
	int l_big;

	REQUIRE(k && l);
	add_base(k, &kb);
	btf__add_struct(k, "big", 16);
	btf__add_field(k, "pad", kb.u64, 0, 60);
	REQUIRE(btf__add_field(k, "x", kb.u64, 60, 8) == 0);
	add_base(l, &lb);
	l_big = btf__add_struct(l, "big", 8);
	btf__add_field(l, "x", lb.u64, 0, 8);
	REQUIRE(l_big > 0);

	struct unit_relo relos[] = {
		{ l_big, "0:0", BPF_CORE_FIELD_BYTE_OFFSET },
		{ l_big, "0:0", BPF_CORE_FIELD_RSHIFT_U64 },
		{ l_big, "0:0", BPF_CORE_FIELD_EXISTS },
	};
	if (!CHECK_INT(unit_resolve(k, l, relos, NRELO(relos), res, 0, NULL), 0))
		goto out;
	CHECK_FAILED(res[0]);
	CHECK_FAILED(res[1]);
	CHECK_RES(res[2], CORE_RELO_RESOLVED, false, 1); /* existence needs no load size */
out:
	btf__free(l);
	btf__free(k);
}

/*
 * Old-style bitfields (kflag=0): the member offset is a plain bit offset and the INT carries
 * the width. libbpf's bitfield_size() is 0 then, so it treats the field as a whole int at
 * bit_off / 8: struct old { u3 e @0; u3 f @3 } gives f: byte_off 0, byte_sz 4,
 * lshift 64 - (3 + 32 - 0) = 29, rshift 32. The tailored BTF must keep that encoding.
 */
static void test_bitfields_kflag0(void)
{
	struct btf *k = btf__new_empty(), *l = btf__new_empty(), *out_btf = NULL;
	struct core_relo_result res[5];
	const struct btf_type *t;
	struct btf_type *mt;
	struct base kb, lb;
	int u3, old, l_old;
	__u32 id;

	REQUIRE(k && l);
	add_base(k, &kb);
	u3 = btf__add_int(k, "unsigned int", 4, 0);
	old = btf__add_struct(k, "old", 4);
	btf__add_field(k, "e", u3, 0, 0);
	REQUIRE(btf__add_field(k, "f", u3, 8, 0) == 0);
	/* patch in place what btf__add_* refuses to write: INT bits 3, member offset 3 */
	mt = (struct btf_type *)btf__type_by_id(k, u3);
	*(__u32 *)(mt + 1) = 3;
	t = btf__type_by_id(k, old);
	btf_members(t)[1].offset = 3;
	REQUIRE(btf_kflag(t) == 0 && btf_member_bit_offset(t, 1) == 3 && btf_int_bits(mt) == 3);

	add_base(l, &lb);
	l_old = btf__add_struct(l, "old", 4);
	btf__add_field(l, "e", lb.u32, 0, 3);
	btf__add_field(l, "f", lb.u32, 3, 3);
	REQUIRE(l_old > 0);

	struct unit_relo relos[] = {
		{ l_old, "0:1", BPF_CORE_FIELD_BYTE_OFFSET },
		{ l_old, "0:1", BPF_CORE_FIELD_BYTE_SIZE },
		{ l_old, "0:1", BPF_CORE_FIELD_LSHIFT_U64 },
		{ l_old, "0:1", BPF_CORE_FIELD_RSHIFT_U64 },
		{ l_old, "0:1", BPF_CORE_FIELD_SIGNED },
	};
	if (!CHECK_INT(unit_resolve(k, l, relos, NRELO(relos), res, 0, &out_btf), 0))
		goto out;
	CHECK_RES(res[0], CORE_RELO_RESOLVED, false, 0);
	CHECK_RES(res[1], CORE_RELO_RESOLVED, false, 4);
	CHECK_RES(res[2], CORE_RELO_RESOLVED, false, 29);
	CHECK_RES(res[3], CORE_RELO_RESOLVED, false, 32);
	CHECK_RES(res[4], CORE_RELO_RESOLVED, false, 0);

	id = unit_find(out_btf, "old", BTF_KIND_STRUCT);
	if (!id)
		goto out;
	t = btf__type_by_id(out_btf, id);
	CHECK_U64(t->size, 4);
	if (!CHECK_U64(btf_vlen(t), 1))
		goto out;
	CHECK_STR(btf__name_by_offset(out_btf, btf_members(t)[0].name_off), "f");
	/* offset 3 and no bitfield size, whatever the kflag encoding */
	CHECK_U64(btf_member_bit_offset(t, 0), 3);
	CHECK_U64(btf_member_bitfield_size(t, 0), 0);
	mt = (struct btf_type *)btf__type_by_id(out_btf, btf_members(t)[0].type);
	if (CHECK(mt && btf_is_int(mt)))
		CHECK_U64(btf_int_bits(mt), 3);
out:
	btf__free(out_btf);
	btf__free(l);
	btf__free(k);
}

/* field_exists and value kinds on a member the kernel lacks. */
static void test_field_exists(void)
{
	struct btf *k = btf__new_empty(), *l = btf__new_empty();
	struct core_relo_result res[6];
	struct base kb, lb;
	int l_fe;

	REQUIRE(k && l);
	add_base(k, &kb);
	btf__add_struct(k, "fe", 8);
	btf__add_field(k, "other", kb.i32, 0, 0);
	REQUIRE(btf__add_field(k, "present", kb.i32, 32, 0) == 0);
	add_base(l, &lb);
	l_fe = btf__add_struct(l, "fe", 8);
	btf__add_field(l, "present", lb.i32, 0, 0);
	btf__add_field(l, "gone", lb.i32, 32, 0);
	REQUIRE(l_fe > 0);

	struct unit_relo relos[] = {
		{ l_fe, "0:0", BPF_CORE_FIELD_EXISTS },
		{ l_fe, "0:1", BPF_CORE_FIELD_EXISTS },
		{ l_fe, "0:1", BPF_CORE_FIELD_BYTE_OFFSET },
		{ l_fe, "0:1", BPF_CORE_FIELD_LSHIFT_U64 },
		{ l_fe, "0:1", BPF_CORE_FIELD_SIGNED },
		{ l_fe, "0:0", BPF_CORE_FIELD_BYTE_OFFSET },
	};
	if (!CHECK_INT(unit_resolve(k, l, relos, NRELO(relos), res, 0, NULL), 0))
		goto out;
	CHECK_RES(res[0], CORE_RELO_RESOLVED, false, 1);
	CHECK_RES(res[1], CORE_RELO_NOT_FOUND, false, 0);
	CHECK_RES(res[2], CORE_RELO_NOT_FOUND, true, 0);
	CHECK_RES(res[3], CORE_RELO_NOT_FOUND, true, 0);
	CHECK_RES(res[4], CORE_RELO_NOT_FOUND, true, 0);
	CHECK_RES(res[5], CORE_RELO_RESOLVED, false, 4);
	CHECK(res[1].reason[0] != '\0');
out:
	btf__free(l);
	btf__free(k);
}

/*
 * Member compatibility: int vs struct and array vs int fail; pointers match whatever they
 * point to; the member search stops at the first member of the right name even when it is
 * incompatible (a later anonymous union holding a compatible "a" is not considered).
 */
static void test_field_compat(void)
{
	struct btf *k = btf__new_empty(), *l = btf__new_empty();
	struct core_relo_result res[6];
	struct base kb, lb;
	int inner, kptr, un, lptr, la2, l_cf, l_stop, sen, uen, lsen, luen, l_sg;

	REQUIRE(k && l);
	add_base(k, &kb);
	inner = btf__add_struct(k, "inner", 4);
	btf__add_field(k, "v", kb.i32, 0, 0);
	kptr = btf__add_ptr(k, inner);
	btf__add_struct(k, "cf", 24);
	btf__add_field(k, "x", inner, 0, 0);
	btf__add_field(k, "arr", kb.i32, 32, 0);
	btf__add_field(k, "p", kptr, 64, 0);
	un = btf__add_union(k, NULL, 4);
	btf__add_field(k, "a", kb.i32, 0, 0);
	btf__add_struct(k, "stop", 8);
	btf__add_field(k, "a", inner, 0, 0);
	btf__add_field(k, NULL, un, 32, 0);
	sen = btf__add_enum(k, "sen", 4);
	btf__add_enum_value(k, "SEN_NEG", -1);
	uen = btf__add_enum(k, "uen", 4);
	btf__add_enum_value(k, "UEN_ONE", 1);
	btf__add_struct(k, "sg", 16);
	btf__add_field(k, "e", sen, 0, 0);
	btf__add_field(k, "u", uen, 32, 0);
	REQUIRE(btf__add_field(k, "p", kptr, 64, 0) == 0);

	add_base(l, &lb);
	la2 = btf__add_array(l, lb.i32, lb.i32, 2);
	lptr = btf__add_ptr(l, lb.s64);
	l_cf = btf__add_struct(l, "cf", 24);
	btf__add_field(l, "x", lb.i32, 0, 0);
	btf__add_field(l, "arr", la2, 32, 0);
	btf__add_field(l, "p", lptr, 128, 0);
	l_stop = btf__add_struct(l, "stop", 4);
	btf__add_field(l, "a", lb.i32, 0, 0);
	lsen = btf__add_enum(l, "sen", 4);
	btf__add_enum_value(l, "SEN_NEG", -1);
	luen = btf__add_enum(l, "uen", 4);
	btf__add_enum_value(l, "UEN_ONE", 1);
	l_sg = btf__add_struct(l, "sg", 16);
	btf__add_field(l, "e", lsen, 0, 0);
	btf__add_field(l, "u", luen, 32, 0);
	btf__add_field(l, "p", lptr, 64, 0);
	REQUIRE(l_cf > 0 && l_stop > 0 && l_sg > 0);

	struct unit_relo relos[] = {
		{ l_cf, "0:0", BPF_CORE_FIELD_BYTE_OFFSET }, /* int vs struct */
		{ l_cf, "0:1:1", BPF_CORE_FIELD_BYTE_OFFSET }, /* int[2] vs int */
		{ l_cf, "0:2", BPF_CORE_FIELD_BYTE_OFFSET }, /* long * vs struct inner * */
		{ l_stop, "0:0", BPF_CORE_FIELD_EXISTS },
		{ l_sg, "0:0", BPF_CORE_FIELD_SIGNED }, /* enum with kflag (negative value) */
		{ l_sg, "0:1", BPF_CORE_FIELD_SIGNED }, /* unsigned enum */
	};
	if (!CHECK_INT(unit_resolve(k, l, relos, NRELO(relos), res, 0, NULL), 0))
		goto out;
	CHECK_RES(res[0], CORE_RELO_NOT_FOUND, true, 0);
	CHECK_RES(res[1], CORE_RELO_NOT_FOUND, true, 0);
	CHECK_RES(res[2], CORE_RELO_RESOLVED, false, 8);
	CHECK_RES(res[3], CORE_RELO_NOT_FOUND, false, 0);
	CHECK_RES(res[4], CORE_RELO_RESOLVED, false, 1);
	CHECK_RES(res[5], CORE_RELO_RESOLVED, false, 0);
out:
	btf__free(l);
	btf__free(k);
}

/* signed on a pointer member is 0 (libbpf >= 1.3 reads the encoding of INTs only). */
static void test_signed_pointer(void)
{
	struct btf *k = btf__new_empty(), *l = btf__new_empty();
	struct core_relo_result res[1];
	struct base kb, lb;
	int l_sp, p;

	REQUIRE(k && l);
	add_base(k, &kb);
	p = btf__add_ptr(k, kb.i32);
	btf__add_struct(k, "sp", 8);
	REQUIRE(btf__add_field(k, "p", p, 0, 0) == 0);
	add_base(l, &lb);
	p = btf__add_ptr(l, lb.i32);
	l_sp = btf__add_struct(l, "sp", 8);
	REQUIRE(btf__add_field(l, "p", p, 0, 0) == 0);
	REQUIRE(l_sp > 0);

	struct unit_relo relos[] = { { l_sp, "0:0", BPF_CORE_FIELD_SIGNED } };
	if (!CHECK_INT(unit_resolve(k, l, relos, 1, res, 0, NULL), 0))
		goto out;
	CHECK_RES(res[0], CORE_RELO_RESOLVED, false, 0);
out:
	btf__free(l);
	btf__free(k);
}

/* Access strings libbpf refuses to parse fail the relocation (and only it). */
static void test_bad_specs(void)
{
	struct btf *k = btf__new_empty(), *l = btf__new_empty();
	struct core_relo_result res[9];
	struct base kb, lb;
	int l_bs, arr;

	REQUIRE(k && l);
	add_base(k, &kb);
	arr = btf__add_array(k, kb.i32, kb.i32, 4);
	btf__add_struct(k, "bs", 20);
	btf__add_field(k, "a", kb.i32, 0, 0);
	REQUIRE(btf__add_field(k, "arr", arr, 32, 0) == 0);
	add_base(l, &lb);
	arr = btf__add_array(l, lb.i32, lb.i32, 4);
	l_bs = btf__add_struct(l, "bs", 20);
	btf__add_field(l, "a", lb.i32, 0, 0);
	REQUIRE(btf__add_field(l, "arr", arr, 32, 0) == 0);

	struct unit_relo relos[] = {
		{ l_bs, "", BPF_CORE_FIELD_BYTE_OFFSET }, /* empty */
		{ l_bs, ":0", BPF_CORE_FIELD_BYTE_OFFSET }, /* leading colon */
		{ l_bs, "0:-1", BPF_CORE_FIELD_BYTE_OFFSET }, /* negative member */
		{ l_bs, "0:1:-1", BPF_CORE_FIELD_BYTE_OFFSET }, /* negative element */
		{ l_bs, "0:0:0", BPF_CORE_FIELD_BYTE_OFFSET }, /* an index into an int */
		{ l_bs, "0:x", BPF_CORE_FIELD_BYTE_OFFSET }, /* not a number */
		{ l_bs, "0:1:4", BPF_CORE_FIELD_EXISTS }, /* past the local array */
		{ l_bs, "0", BPF_CORE_ENUMVAL_EXISTS }, /* enum kind on a struct */
		{ l_bs, "0:1:3", BPF_CORE_FIELD_BYTE_OFFSET }, /* and a good one still works */
	};
	if (!CHECK_INT(unit_resolve(k, l, relos, NRELO(relos), res, 0, NULL), 0))
		goto out;
	for (int i = 0; i < 8; i++)
		CHECK_FAILED(res[i]);
	CHECK_RES(res[8], CORE_RELO_RESOLVED, false, 16);
out:
	btf__free(l);
	btf__free(k);
}

/*
 * A spec holds at most 64 indices (BPF_CORE_SPEC_MAX_LEN): with structs nested 70 deep,
 * s63.x.x...x (63 members, 64 indices) resolves, one more level fails. Kernel levels have
 * an int before x, so each level adds 4 bytes.
 */
static void test_spec_max_len(void)
{
	struct btf *k = btf__new_empty(), *l = btf__new_empty();
	struct core_relo_result res[2];
	struct base kb, lb;
	char name[16], acc64[140], acc65[140];
	int kprev, lprev, l63 = 0, l64 = 0;

	REQUIRE(k && l);
	add_base(k, &kb);
	add_base(l, &lb);
	kprev = kb.i32;
	lprev = lb.i32;
	for (int i = 0; i < 70; i++) {
		int kid, lid;

		snprintf(name, sizeof(name), "s%d", i);
		kid = btf__add_struct(k, name, 4 * (i + 2));
		REQUIRE(kid > 0 && !btf__add_field(k, "pad", kb.i32, 0, 0) &&
			!btf__add_field(k, "x", kprev, 32, 0));
		lid = btf__add_struct(l, name, 4);
		REQUIRE(lid > 0 && !btf__add_field(l, "x", lprev, 0, 0));
		kprev = kid;
		lprev = lid;
		if (i == 62)
			l63 = lid; /* s62: 63 nested members down to the int */
		if (i == 63)
			l64 = lid;
	}
	REQUIRE(l63 > 0 && l64 > 0);
	/* "0" and 63 (64) member indices */
	strcpy(acc64, "0");
	for (int i = 0; i < 63; i++)
		strcat(acc64, ":0");
	strcpy(acc65, acc64);
	strcat(acc65, ":0");

	struct unit_relo relos[] = {
		{ l63, acc64, BPF_CORE_FIELD_BYTE_OFFSET },
		{ l64, acc65, BPF_CORE_FIELD_BYTE_OFFSET },
	};
	if (!CHECK_INT(unit_resolve(k, l, relos, 2, res, 0, NULL), 0))
		goto out;
	CHECK_RES(res[0], CORE_RELO_RESOLVED, false, 63 * 4);
	CHECK_FAILED(res[1]);
out:
	btf__free(l);
	btf__free(k);
}

/* Arrays behind typedefs and const, and the sign of an ENUM64 member. */
static void test_array_typedefs_enum64(void)
{
	struct btf *k = btf__new_empty(), *l = btf__new_empty();
	struct core_relo_result res[6];
	struct base kb, lb;
	int a4, a3, td, carr, e64, l_at;

	REQUIRE(k && l);
	add_base(k, &kb);
	a4 = btf__add_array(k, kb.i32, kb.i32, 4);
	td = btf__add_typedef(k, "arr_t", a4);
	a3 = btf__add_array(k, kb.i32, btf__add_const(k, kb.i32), 3);
	carr = btf__add_const(k, btf__add_typedef(k, "arr3_t", a3));
	e64 = btf__add_enum64(k, "big_e", 8, true);
	btf__add_enum64_value(k, "BIG_NEG", (__u64)-1LL);
	btf__add_struct(k, "at", 40);
	btf__add_field(k, "pad", kb.i32, 0, 0);
	btf__add_field(k, "td", td, 32, 0);
	btf__add_field(k, "c", carr, 160, 0);
	REQUIRE(btf__add_field(k, "e", e64, 256, 0) == 0);

	add_base(l, &lb);
	a4 = btf__add_array(l, lb.i32, lb.i32, 4);
	td = btf__add_typedef(l, "arr_t", a4);
	a3 = btf__add_array(l, lb.i32, lb.i32, 3);
	e64 = btf__add_enum64(l, "big_e", 8, true);
	btf__add_enum64_value(l, "BIG_NEG", (__u64)-1LL);
	l_at = btf__add_struct(l, "at", 40);
	btf__add_field(l, "td", td, 0, 0);
	btf__add_field(l, "c", a3, 128, 0);
	REQUIRE(btf__add_field(l, "e", e64, 256, 0) == 0);

	struct unit_relo relos[] = {
		{ l_at, "0:0:3", BPF_CORE_FIELD_BYTE_OFFSET }, /* td[3]: 4 + 12 */
		{ l_at, "0:1:2", BPF_CORE_FIELD_BYTE_OFFSET }, /* c[2]: 20 + 8 */
		{ l_at, "0:1", BPF_CORE_FIELD_BYTE_SIZE }, /* const arr3_t: 12 */
		{ l_at, "0:0", BPF_CORE_FIELD_BYTE_SIZE }, /* arr_t: 16 */
		{ l_at, "0:2", BPF_CORE_FIELD_SIGNED }, /* signed ENUM64 */
		{ l_at, "0:2", BPF_CORE_FIELD_BYTE_OFFSET },
	};
	if (!CHECK_INT(unit_resolve(k, l, relos, NRELO(relos), res, 0, NULL), 0))
		goto out;
	CHECK_RES(res[0], CORE_RELO_RESOLVED, false, 16);
	CHECK_RES(res[1], CORE_RELO_RESOLVED, false, 28);
	CHECK_RES(res[2], CORE_RELO_RESOLVED, false, 12);
	CHECK_RES(res[3], CORE_RELO_RESOLVED, false, 16);
	CHECK_RES(res[4], CORE_RELO_RESOLVED, false, 1);
	CHECK_RES(res[5], CORE_RELO_RESOLVED, false, 32);
out:
	btf__free(l);
	btf__free(k);
}

/* Member names are compared whole: flavours are cut from type names only. */
static void test_member_names_exact(void)
{
	struct btf *k = btf__new_empty(), *l = btf__new_empty();
	struct core_relo_result res[2];
	struct base kb, lb;
	int l_mn;

	REQUIRE(k && l);
	add_base(k, &kb);
	btf__add_struct(k, "mn", 8);
	btf__add_field(k, "x", kb.i32, 0, 0);
	REQUIRE(btf__add_field(k, "y___v2", kb.i32, 32, 0) == 0);
	add_base(l, &lb);
	l_mn = btf__add_struct(l, "mn", 8);
	btf__add_field(l, "x___v1", lb.i32, 0, 0);
	btf__add_field(l, "y", lb.i32, 32, 0);
	REQUIRE(l_mn > 0);

	struct unit_relo relos[] = {
		{ l_mn, "0:0", BPF_CORE_FIELD_EXISTS },
		{ l_mn, "0:1", BPF_CORE_FIELD_EXISTS },
	};
	if (!CHECK_INT(unit_resolve(k, l, relos, NRELO(relos), res, 0, NULL), 0))
		goto out;
	CHECK_RES(res[0], CORE_RELO_NOT_FOUND, false, 0);
	CHECK_RES(res[1], CORE_RELO_NOT_FOUND, false, 0);
out:
	btf__free(l);
	btf__free(k);
}

/*
 * A zero-length array is flexible only as the last member. In the kernel's
 * struct fm { int n; int arr[0]; int after; } arr[5] is out of range (not found); the
 * tailored BTF must not make arr the last member and so flexible (found).
 */
static void test_zero_length_array_mid_struct(void)
{
	struct btf *k = btf__new_empty(), *l = btf__new_empty();
	struct core_relo_result res[3];
	struct base kb, lb;
	int a0, l_fm;

	REQUIRE(k && l);
	add_base(k, &kb);
	a0 = btf__add_array(k, kb.i32, kb.i32, 0);
	btf__add_struct(k, "fm", 8);
	btf__add_field(k, "n", kb.i32, 0, 0);
	btf__add_field(k, "arr", a0, 32, 0);
	REQUIRE(btf__add_field(k, "after", kb.i32, 32, 0) == 0);
	add_base(l, &lb);
	a0 = btf__add_array(l, lb.i32, lb.i32, 0);
	l_fm = btf__add_struct(l, "fm", 4);
	btf__add_field(l, "n", lb.i32, 0, 0);
	REQUIRE(btf__add_field(l, "arr", a0, 32, 0) == 0 && l_fm > 0);

	struct unit_relo relos[] = {
		{ l_fm, "0:1", BPF_CORE_FIELD_BYTE_OFFSET }, /* arr itself: found, marked */
		{ l_fm, "0:1:5", BPF_CORE_FIELD_BYTE_OFFSET }, /* arr[5]: not flexible here */
		{ l_fm, "0:1:5", BPF_CORE_FIELD_EXISTS },
	};
	if (!CHECK_INT(unit_resolve(k, l, relos, NRELO(relos), res, 0, NULL), 0))
		goto out;
	CHECK_RES(res[0], CORE_RELO_RESOLVED, false, 4);
	CHECK_RES(res[1], CORE_RELO_NOT_FOUND, true, 0);
	CHECK_RES(res[2], CORE_RELO_NOT_FOUND, false, 0);
out:
	btf__free(l);
	btf__free(k);
}

int main(void)
{
	RUN_TEST(test_typedef_const);
	RUN_TEST(test_anonymous_members);
	RUN_TEST(test_arrays);
	RUN_TEST(test_local_bounds);
	RUN_TEST(test_bitfields);
	RUN_TEST(test_bitfield_too_big);
	RUN_TEST(test_bitfields_kflag0);
	RUN_TEST(test_field_exists);
	RUN_TEST(test_field_compat);
	RUN_TEST(test_signed_pointer);
	RUN_TEST(test_bad_specs);
	RUN_TEST(test_spec_max_len);
	RUN_TEST(test_array_typedefs_enum64);
	RUN_TEST(test_member_names_exact);
	RUN_TEST(test_zero_length_array_mid_struct);
	return unit_finish();
}
