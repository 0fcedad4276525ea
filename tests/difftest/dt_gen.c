// SPDX-License-Identifier: BSD-2-Clause
/* tests/difftest: the case generator (target BTF, local view, relocations), from a seed only. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/btf.h>
#include <bpf/libbpf_version.h>

#include "dt_gen.h"

/* splitmix64: the whole case is a function of the seed, whatever libc does */
struct rng {
	__u64 s;
};

static __u64 rng_next(struct rng *r)
{
	__u64 z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* uniform-enough integer in [0, n) */
static __u32 rnd(struct rng *r, __u32 n)
{
	return n ? (__u32)(rng_next(r) % n) : 0;
}

static bool chance(struct rng *r, __u32 percent)
{
	return rnd(r, 100) < percent;
}

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Small pools make essential-name collisions (foo, foo___v2) and renamed members likely. */
static const char *const comp_names[] = { "foo", "foo___v2", "bar",	  "bar___x",
					  "baz", "task",     "task___old" };
static const char *const member_names[] = { "a", "b", "c", "d", "state", "x", "y", "z" };
static const char *const enum_names[] = { "e", "e___v2", "f", "f___x" };
static const char *const enumerator_names[] = { "A", "B", "C", "D", "A___x", "E" };
static const char *const typedef_names[] = { "u_t", "s_t", "foo_t", "u_t___x" };

struct gen {
	struct rng r;
	struct btf *b;
	__u32 scalars[64]; /* int/enum ids and typedef/modifier chains over them */
	int n_scalars;
	__u32 comps[32]; /* named and anonymous composites */
	int n_comps;
	__u32 any[256]; /* every type, for pointers */
	int n_any;
	__u32 int_id; /* "int", array index type */
};

static void gen_note(struct gen *g, __u32 id, bool scalar)
{
	if (g->n_any < (int)ARRAY_LEN(g->any))
		g->any[g->n_any++] = id;
	if (scalar && g->n_scalars < (int)ARRAY_LEN(g->scalars))
		g->scalars[g->n_scalars++] = id;
}

/* The type as stored: generated BTFs are ours, so writing fields libbpf has no setter for is fine. */
static struct btf_type *type_rw(struct btf *b, __u32 id)
{
	return (struct btf_type *)btf__type_by_id(b, id);
}

static void gen_ints(struct gen *g)
{
	static const struct {
		const char *name;
		int sz, enc;
	} ints[] = {
		{ "char", 1, BTF_INT_SIGNED },	{ "unsigned char", 1, 0 },
		{ "short", 2, BTF_INT_SIGNED }, { "unsigned short", 2, 0 },
		{ "int", 4, BTF_INT_SIGNED },	{ "unsigned int", 4, 0 },
		{ "long", 8, BTF_INT_SIGNED },	{ "unsigned long", 8, 0 },
		{ "_Bool", 1, BTF_INT_BOOL },
	};

	/* sometimes a 32-bit kernel: libbpf guesses pointer size from "long" */
	bool ilp32 = chance(&g->r, 3);

	for (size_t i = 0; i < ARRAY_LEN(ints); i++) {
		int sz = ilp32 && ints[i].sz == 8 ? 4 : ints[i].sz;
		int id = btf__add_int(g->b, ints[i].name, sz, ints[i].enc);

		if (i == 4)
			g->int_id = id;
		gen_note(g, id, true);
	}
}

static void gen_enums(struct gen *g)
{
	int n = rnd(&g->r, 5);

	for (int i = 0; i < n; i++) {
		const char *name = chance(&g->r, 15) ? NULL : enum_names[rnd(&g->r, 4)];
		bool is64 = chance(&g->r, 30), sgn = chance(&g->r, 50);
		static const int sizes[] = { 1, 2, 4, 4, 4, 8 };
		int sz = is64 ? (chance(&g->r, 80) ? 8 : 4) : sizes[rnd(&g->r, 6)];
		int vlen = rnd(&g->r, 5), id;

		id = is64 ? btf__add_enum64(g->b, name, sz, sgn) : btf__add_enum(g->b, name, sz);
		for (int v = 0; v < vlen && id > 0; v++) {
			const char *vn = enumerator_names[rnd(&g->r, ARRAY_LEN(enumerator_names))];

			if (is64) {
				__u64 val = chance(&g->r, 50) ? rnd(&g->r, 8) : rng_next(&g->r);

				btf__add_enum64_value(g->b, vn, val);
			} else {
				__s64 val = sgn ? (__s64)rnd(&g->r, 16) - 8 : (__s64)rnd(&g->r, 16);

				if (chance(&g->r, 20))
					val = sgn ? (__s64)(__s32)rng_next(&g->r) :
						    (__s64)(__u32)rng_next(&g->r);
				btf__add_enum_value(g->b, vn, val);
			}
		}
		/* a signed enum whose values are all positive still says so (kflag) */
		if (id > 0 && sgn)
			type_rw(g->b, id)->info |= 1U << 31;
		if (id > 0)
			gen_note(g, id, true);
	}
}

/* typedef / const / volatile / restrict / type_tag over a scalar */
static void gen_chains(struct gen *g)
{
	int n = rnd(&g->r, 6);

	for (int i = 0; i < n; i++) {
		__u32 base = g->scalars[rnd(&g->r, g->n_scalars)];
		int id;

		switch (rnd(&g->r, 5)) {
		case 0:
		case 1:
			id = btf__add_typedef(g->b, typedef_names[rnd(&g->r, 4)], base);
			break;
		case 2:
			id = btf__add_const(g->b, base);
			break;
		case 3:
			id = btf__add_volatile(g->b, base);
			break;
		default:
			id = chance(&g->r, 50) ? btf__add_restrict(g->b, base) :
						 btf__add_type_tag(g->b, "tag", base);
			break;
		}
		if (id > 0)
			gen_note(g, id, true);
	}
}

static void gen_misc(struct gen *g)
{
	int n = rnd(&g->r, 3), id;

	for (int i = 0; i < n; i++) {
		id = btf__add_fwd(g->b, comp_names[rnd(&g->r, ARRAY_LEN(comp_names))],
				  chance(&g->r, 70) ? BTF_FWD_STRUCT : BTF_FWD_UNION);
		if (id > 0)
			gen_note(g, id, false);
	}
	if (chance(&g->r, 40)) {
		id = btf__add_func_proto(g->b, chance(&g->r, 50) ? g->int_id : 0);
		for (int p = rnd(&g->r, 3); p > 0 && id > 0; p--)
			btf__add_func_param(g->b, chance(&g->r, 50) ? "p" : NULL,
					    g->scalars[rnd(&g->r, g->n_scalars)]);
		if (id > 0)
			gen_note(g, id, false);
	}
}

/* Size in bytes of a scalar that may carry a bitfield (int or enum under the chain), else 0. */
static int bitfield_base_size(const struct btf *b, __u32 id)
{
	const struct btf_type *t = btf__type_by_id(b, id);

	while (t && (btf_is_mod(t) || btf_is_typedef(t) || btf_is_type_tag(t)))
		t = btf__type_by_id(b, t->type);
	if (!t || !(btf_is_int(t) || btf_is_any_enum(t)))
		return 0;
	return t->size <= 8 ? t->size : 0;
}

struct member_plan {
	const char *name;
	__u32 type;
	int bit_sz;
};

static int gen_comp(struct gen *g, const char *name, int depth);

static __u32 gen_array(struct gen *g, int depth)
{
	__u32 elem;
	int dims = 1 + (chance(&g->r, 30) ? rnd(&g->r, 2) + 1 : 0), id = 0;

	if (g->n_comps && chance(&g->r, 30))
		elem = g->comps[rnd(&g->r, g->n_comps)];
	else if (depth < 2 && chance(&g->r, 10))
		elem = gen_comp(g, NULL, depth + 1);
	else
		elem = g->scalars[rnd(&g->r, g->n_scalars)];
	for (int d = 0; d < dims; d++) {
		id = btf__add_array(g->b, g->int_id, elem,
				    chance(&g->r, 15) ? 0 : 1 + rnd(&g->r, 4));
		if (id < 0)
			return g->int_id;
		elem = id;
	}
	gen_note(g, id, false);
	return id;
}

/* Pick the member's type (creating helper types first: they must precede the struct). */
static void plan_member(struct gen *g, struct member_plan *m, int depth, bool kflag0)
{
	__u32 r = rnd(&g->r, 100);

	m->bit_sz = 0;
	if (r < 45) {
		int sz;

		m->type = g->scalars[rnd(&g->r, g->n_scalars)];
		sz = bitfield_base_size(g->b, m->type);
		if (!sz || !chance(&g->r, 40))
			return;
		m->bit_sz = 1 + rnd(&g->r, sz * 8);
		if (kflag0) {
			/* kflag 0: the bitfield is an int type of nr_bits bits */
			bool sgn = chance(&g->r, 50);
			int id = btf__add_int(g->b, sgn ? "int" : "unsigned int", 4,
					      sgn ? BTF_INT_SIGNED : 0);

			if (id > 0) {
				m->bit_sz = 1 + rnd(&g->r, 32);
				*(__u32 *)(type_rw(g->b, id) + 1) =
					((sgn ? BTF_INT_SIGNED : 0) << 24) | m->bit_sz;
				m->type = id;
			}
		}
	} else if (r < 58 && g->n_comps) {
		m->type = g->comps[rnd(&g->r, g->n_comps)];
	} else if (r < 68 && depth < 3) {
		m->type = gen_comp(g, NULL, depth + 1);
		if (chance(&g->r, 70))
			m->name = "";
	} else if (r < 82) {
		m->type = gen_array(g, depth);
	} else {
		int id = btf__add_ptr(g->b, chance(&g->r, 10) ? 0 : g->any[rnd(&g->r, g->n_any)]);

		m->type = id > 0 ? (__u32)id : g->int_id;
		if (id > 0)
			gen_note(g, id, false);
	}
}

static __u32 roundup_u32(__u32 v, __u32 a)
{
	return a ? (v + a - 1) / a * a : v;
}

/* A struct or union with planned members laid out C-like (bitfields packed in their unit). */
static int gen_comp(struct gen *g, const char *name, int depth)
{
	struct member_plan plan[8];
	__u32 offs[8], bit = 0, end = 0, align = 1;
	bool is_union = chance(&g->r, 20), kflag0 = chance(&g->r, 25), used[8] = {};
	int n = rnd(&g->r, depth ? 5 : 8), id;

	for (int i = 0; i < n; i++) {
		int k = rnd(&g->r, 8);

		while (used[k] && !chance(&g->r, 5))
			k = (k + 1) % 8;
		used[k] = true;
		plan[i].name = member_names[k];
		plan_member(g, &plan[i], depth, kflag0);
	}
	/* a flexible array member closes some structs */
	if (!is_union && n < 8 && chance(&g->r, 10)) {
		id = btf__add_array(g->b, g->int_id, g->scalars[rnd(&g->r, g->n_scalars)], 0);
		if (id > 0) {
			plan[n].name = "flex";
			plan[n].type = id;
			plan[n++].bit_sz = 0;
		}
	}
	for (int i = 0; i < n; i++) {
		__s64 sz = btf__resolve_size(g->b, plan[i].type);
		int al = btf__align_of(g->b, plan[i].type);
		__u32 off;

		if (sz < 0)
			sz = 0;
		if (al <= 0)
			al = 1;
		if (plan[i].bit_sz) {
			__u32 unit = (__u32)sz * 8;

			if (plan[i].bit_sz > 32 && unit < 64)
				unit = 64; /* kflag0 ints are 4 bytes: a wide one spans more */
			off = is_union ? 0 : bit;
			if (unit && off / unit != (off + plan[i].bit_sz - 1) / unit)
				off = roundup_u32(off, unit);
			bit = off + plan[i].bit_sz;
		} else {
			off = is_union ? 0 : roundup_u32(bit, al * 8);
			if (!is_union && chance(&g->r, 5))
				off += al * 8; /* a hole */
			bit = off + sz * 8;
		}
		if (bit > end)
			end = bit;
		if ((__u32)al > align)
			align = al;
		offs[i] = off;
	}
	id = is_union ? btf__add_union(g->b, name, roundup_u32(roundup_u32(end, 8) / 8, align)) :
			btf__add_struct(g->b, name, roundup_u32(roundup_u32(end, 8) / 8, align));
	if (id < 0)
		return g->int_id;
	for (int i = 0; i < n; i++)
		btf__add_field(g->b, plan[i].name, plan[i].type, offs[i],
			       kflag0 ? 0 : plan[i].bit_sz);
	if (kflag0) /* btf__add_field sets kflag on any offset that is not byte-aligned */
		type_rw(g->b, id)->info &= ~(1U << 31);
	gen_note(g, id, false);
	if (g->n_comps < (int)ARRAY_LEN(g->comps))
		g->comps[g->n_comps++] = id;
	return id;
}

/* foo___v2 as a copy of foo: a compatible duplicate, or one member's type changed. */
static void gen_clone(struct gen *g)
{
	__u32 src = g->comps[rnd(&g->r, g->n_comps)], n, change;
	const struct btf_type *t = btf__type_by_id(g->b, src);
	const char *name = btf__name_by_offset(g->b, t->name_off);
	char nbuf[64];
	bool kflag = btf_kflag(t);
	int id;

	if (!name || !*name)
		return;
	snprintf(nbuf, sizeof(nbuf), "%.*s___c%u",
		 (int)(strstr(name, "___") ? strstr(name, "___") - name : (long)strlen(name)), name,
		 rnd(&g->r, 2));
	n = btf_vlen(t);
	change = chance(&g->r, 40) ? rnd(&g->r, n + 1) : n; /* n: an exact copy */
	id = btf_is_union(t) ? btf__add_union(g->b, nbuf, t->size) :
			       btf__add_struct(g->b, nbuf, t->size);
	if (id < 0)
		return;
	for (__u32 i = 0; i < n; i++) {
		/* t may move as the BTF grows: look it up again */
		const struct btf_type *st = btf__type_by_id(g->b, src);
		const struct btf_member *m = btf_members(st) + i;
		__u32 off = kflag ? BTF_MEMBER_BIT_OFFSET(m->offset) : m->offset;
		__u32 bsz = kflag ? BTF_MEMBER_BITFIELD_SIZE(m->offset) : 0;
		char mname[32];

		snprintf(mname, sizeof(mname), "%s", btf__name_by_offset(g->b, m->name_off));
		btf__add_field(g->b, mname, i == change && !bsz ? g->int_id : m->type, off, bsz);
	}
	if (!kflag)
		type_rw(g->b, id)->info &= ~(1U << 31);
	gen_note(g, id, false);
}

static struct btf *gen_target(struct gen *g)
{
	int n;

	g->b = btf__new_empty();
	if (!g->b)
		return NULL;
	gen_ints(g);
	gen_enums(g);
	gen_chains(g);
	gen_misc(g);
	n = 1 + rnd(&g->r, 6);
	for (int i = 0; i < n; i++)
		gen_comp(g, comp_names[rnd(&g->r, ARRAY_LEN(comp_names))], 0);
	for (n = rnd(&g->r, 3); n > 0; n--)
		gen_clone(g);
	return g->b;
}

/* ---- local view ----------------------------------------------------------- */

struct lview {
	struct rng *r;
	const struct btf *t; /* target */
	struct btf *l;
	__u32 *map; /* target id -> local id, 0 = not copied yet */
	int depth;
};

static const char *tname(const struct btf *b, const struct btf_type *t)
{
	const char *s = btf__name_by_offset(b, t->name_off);

	return s && *s ? s : NULL;
}

/* What the program author called the type: the same, another flavour, or a renamed one. */
static const char *local_name(struct lview *v, const char *name, char *buf, size_t sz)
{
	if (!name)
		return NULL;
	if (chance(v->r, 20)) {
		snprintf(buf, sz, "%.*s___l%u",
			 (int)(strstr(name, "___") ? strstr(name, "___") - name :
						     (long)strlen(name)),
			 name, rnd(v->r, 3));
		return buf;
	}
	if (chance(v->r, 5))
		return comp_names[rnd(v->r, ARRAY_LEN(comp_names))];
	return name;
}

static __u32 lcopy(struct lview *v, __u32 id);

static int lcopy_comp(struct lview *v, const struct btf_type *t)
{
	const struct btf_member *m = btf_members(t);
	__u32 types[64], order[64], n = btf_vlen(t);
	char nbuf[64];
	bool kflag = btf_kflag(t), is_union = btf_is_union(t);
	int id;

	if (n > 64)
		n = 64;
	for (__u32 i = 0; i < n; i++) {
		types[i] = lcopy(v, m[i].type);
		order[i] = i;
	}
	if (chance(v->r, 20)) {
		for (__u32 i = n; i > 1; i--) {
			__u32 j = rnd(v->r, i), tmp = order[i - 1];

			order[i - 1] = order[j];
			order[j] = tmp;
		}
	}
	if (chance(v->r, 5))
		is_union = !is_union;
	id = is_union ? btf__add_union(v->l, local_name(v, tname(v->t, t), nbuf, sizeof(nbuf)),
				       t->size) :
			btf__add_struct(v->l, local_name(v, tname(v->t, t), nbuf, sizeof(nbuf)),
					t->size + (chance(v->r, 5) ? 8 : 0));
	if (id < 0)
		return id;
	for (__u32 k = 0; k < n; k++) {
		__u32 i = order[k];
		const char *mn = btf__name_by_offset(v->t, m[i].name_off);
		__u32 off = kflag ? BTF_MEMBER_BIT_OFFSET(m[i].offset) : m[i].offset;
		__u32 bsz = kflag ? BTF_MEMBER_BITFIELD_SIZE(m[i].offset) : 0;

		if (chance(v->r, 12))
			continue; /* the author's kernel had no such member */
		if (mn && *mn && chance(v->r, 8))
			mn = member_names[rnd(v->r, ARRAY_LEN(member_names))];
		btf__add_field(v->l, mn, types[i], off, bsz);
	}
	if (chance(v->r, 8))
		btf__add_field(v->l, "lonly", lcopy(v, 1), t->size * 8, 0);
	if (!kflag)
		type_rw(v->l, id)->info &= ~(1U << 31);
	return id;
}

static int lcopy_enum(struct lview *v, const struct btf_type *t)
{
	bool is64 = btf_is_enum64(t), sgn = btf_kflag(t);
	__u32 n = btf_vlen(t);
	char nbuf[64];
	const char *name = local_name(v, tname(v->t, t), nbuf, sizeof(nbuf));
	int id, sz = t->size;

	if (chance(v->r, 8))
		sgn = !sgn;
	if (chance(v->r, 5))
		is64 = !is64;
	if (chance(v->r, 5))
		sz = 1 << rnd(v->r, 4);
	id = is64 ? btf__add_enum64(v->l, name, sz, sgn) : btf__add_enum(v->l, name, sz);
	for (__u32 i = 0; i < n && id > 0; i++) {
		const char *en;
		__u64 val;

		if (btf_is_enum64(t)) {
			en = btf__name_by_offset(v->t, btf_enum64(t)[i].name_off);
			val = btf_enum64_value(&btf_enum64(t)[i]);
		} else {
			en = btf__name_by_offset(v->t, btf_enum(t)[i].name_off);
			val = btf_kflag(t) ? (__u64)(__s64)btf_enum(t)[i].val :
					     (__u64)(__u32)btf_enum(t)[i].val;
		}
		if (chance(v->r, 12))
			continue;
		if (chance(v->r, 8))
			en = enumerator_names[rnd(v->r, ARRAY_LEN(enumerator_names))];
		if (chance(v->r, 8))
			val = rnd(v->r, 10);
		if (is64)
			btf__add_enum64_value(v->l, en, val);
		else
			btf__add_enum_value(v->l, en, (__s64)(__s32)val);
	}
	if (id > 0 && sgn)
		type_rw(v->l, id)->info |= 1U << 31;
	else if (id > 0)
		type_rw(v->l, id)->info &= ~(1U << 31);
	return id;
}

static int lcopy_int(struct lview *v, const struct btf_type *t)
{
	__u32 enc = *(const __u32 *)(t + 1);
	int sz = t->size, id;

	/* resized or re-signed only when the int is not a kflag-0 bitfield carrier */
	if (BTF_INT_BITS(enc) == (__u32)sz * 8) {
		if (chance(v->r, 6))
			sz = 1 << rnd(v->r, 4);
		if (chance(v->r, 6))
			enc ^= BTF_INT_SIGNED << 24;
	}
	id = btf__add_int(v->l, tname(v->t, t) ?: "int", sz, 0);
	if (id > 0)
		*(__u32 *)(type_rw(v->l, id) + 1) = BTF_INT_BITS(enc) == (__u32)t->size * 8 ?
							    (enc & 0xff000000) | (sz * 8) :
							    enc;
	return id;
}

static __u32 lcopy(struct lview *v, __u32 id)
{
	const struct btf_type *t = btf__type_by_id(v->t, id);
	int nid = -1;

	if (!id || !t)
		return 0;
	if (v->map[id])
		return v->map[id];
	switch (btf_kind(t)) {
	case BTF_KIND_INT:
		nid = lcopy_int(v, t);
		break;
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		nid = lcopy_comp(v, t);
		break;
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		nid = lcopy_enum(v, t);
		break;
	case BTF_KIND_ARRAY: {
		__u32 elem = lcopy(v, btf_array(t)->type), idx = lcopy(v, btf_array(t)->index_type);
		__u32 ne = btf_array(t)->nelems;

		nid = btf__add_array(v->l, idx, elem, chance(v->r, 8) ? rnd(v->r, 5) : ne);
		break;
	}
	case BTF_KIND_PTR:
		nid = btf__add_ptr(v->l, lcopy(v, t->type));
		break;
	case BTF_KIND_FWD:
		nid = btf__add_fwd(v->l, tname(v->t, t),
				   btf_kflag(t) ? BTF_FWD_UNION : BTF_FWD_STRUCT);
		break;
	case BTF_KIND_TYPEDEF:
		nid = btf__add_typedef(v->l, tname(v->t, t), lcopy(v, t->type));
		break;
	case BTF_KIND_CONST:
		nid = btf__add_const(v->l, lcopy(v, t->type));
		break;
	case BTF_KIND_VOLATILE:
		nid = btf__add_volatile(v->l, lcopy(v, t->type));
		break;
	case BTF_KIND_RESTRICT:
		nid = btf__add_restrict(v->l, lcopy(v, t->type));
		break;
	case BTF_KIND_TYPE_TAG:
		nid = btf__add_type_tag(v->l, "tag", lcopy(v, t->type));
		break;
	case BTF_KIND_FUNC_PROTO: {
		__u32 ret = lcopy(v, t->type), n = btf_vlen(t), ps[16];

		for (__u32 i = 0; i < n && i < 16; i++)
			ps[i] = lcopy(v, btf_params(t)[i].type);
		nid = btf__add_func_proto(v->l, ret);
		for (__u32 i = 0; i < n && i < 16 && nid > 0; i++)
			btf__add_func_param(v->l, "p", ps[i]);
		break;
	}
	default:
		break;
	}
	if (nid <= 0)
		return 0;
	v->map[id] = nid;
	return nid;
}

/* ---- relocations and the local values libbpf checks instructions against --- */

static const struct btf_type *skip_mods(const struct btf *b, __u32 id, __u32 *res)
{
	const struct btf_type *t = btf__type_by_id(b, id);

	while (t && (btf_is_mod(t) || btf_is_typedef(t) || btf_is_type_tag(t))) {
		id = t->type;
		t = btf__type_by_id(b, id);
	}
	if (res)
		*res = id;
	return t;
}

/* A random valid-looking access path from root over the local BTF. */
static void gen_access(struct rng *r, const struct btf *l, __u32 root, char *buf, size_t sz)
{
	__u32 id = root;
	size_t len;

	snprintf(buf, sz, "%u", chance(r, 5) ? 1 : 0);
	for (int d = 0; d < 8; d++) {
		const struct btf_type *t = skip_mods(l, id, &id);
		__u32 idx;

		len = strlen(buf);
		if (len + 12 >= sz || !t)
			return;
		if (btf_is_composite(t) && btf_vlen(t) && (d == 0 || chance(r, 80))) {
			idx = rnd(r, btf_vlen(t));
			id = btf_members(t)[idx].type;
		} else if (btf_is_array(t) && chance(r, 60)) {
			__u32 ne = btf_array(t)->nelems;

			idx = ne ? rnd(r, ne) : rnd(r, 3);
			if (chance(r, 3))
				idx = ne + rnd(r, 2);
			id = btf_array(t)->type;
		} else {
			return;
		}
		snprintf(buf + len, sz - len, ":%u", idx);
	}
}

/*
 * libbpf's local spec and value (bpf_core_parse_spec + bpf_core_calc_*_relo) on the local BTF:
 * the instruction must hold this value or libbpf refuses to patch it. Returns false when the
 * local spec is invalid (libbpf then fails the relocation whatever the instruction holds).
 */
static bool local_field_value(const struct btf *l, __u32 root, const char *access, __u32 kind,
			      __u64 *val, __u32 *mem_sz)
{
	__u32 id, acc_type = 0, acc_idx = 0, idx, bit_off;
	const struct btf_type *t;
	bool named = false;
	const char *p = access;
	char *end;
	__s64 sz;

	*mem_sz = 0;
	t = skip_mods(l, root, &id);
	if (!t)
		return false;
	idx = strtoul(p, &end, 10);
	sz = btf__resolve_size(l, id);
	if (sz < 0)
		return false;
	bit_off = idx * sz * 8;
	acc_type = id;
	for (p = end; *p == ':'; p = end) {
		idx = strtoul(p + 1, &end, 10);
		t = skip_mods(l, id, &id);
		if (!t)
			return false;
		if (btf_is_composite(t)) {
			const struct btf_member *m;

			if (idx >= btf_vlen(t))
				return false;
			m = btf_members(t) + idx;
			bit_off += btf_member_bit_offset(t, idx);
			if (m->name_off) {
				named = true;
				acc_type = id;
				acc_idx = idx;
			}
			id = m->type;
		} else if (btf_is_array(t)) {
			const struct btf_type *at = btf__type_by_id(l, acc_type);
			bool flex = named && btf_array(t)->nelems == 0 && at &&
				    acc_idx == btf_vlen(at) - 1u;

			if (!flex && idx >= btf_array(t)->nelems)
				return false;
			id = btf_array(t)->type;
			skip_mods(l, id, &id);
			sz = btf__resolve_size(l, id);
			if (sz < 0)
				return false;
			bit_off += idx * sz * 8;
			named = false;
			acc_type = id;
		} else {
			return false;
		}
	}
	if (kind == DT_FIELD_EXISTS) {
		*val = 1;
		return true;
	}
	if (!named) {
		sz = btf__resolve_size(l, acc_type);
		if (sz < 0 || (kind != DT_FIELD_BYTE_OFFSET && kind != DT_FIELD_BYTE_SIZE))
			return false;
		*val = kind == DT_FIELD_BYTE_OFFSET ? bit_off / 8 : (__u64)sz;
		*mem_sz = sz;
		return true;
	}
	{
		const struct btf_type *ct = btf__type_by_id(l, acc_type), *mt;
		__u32 mid, bit_sz = btf_member_bitfield_size(ct, acc_idx), byte_sz, byte_off;

		mt = skip_mods(l, btf_members(ct)[acc_idx].type, &mid);
		if (!mt)
			return false;
		if (bit_sz) {
			byte_sz = mt->size;
			if (!byte_sz || byte_sz > 8)
				return false;
			byte_off = bit_off / 8 / byte_sz * byte_sz;
			while (bit_off + bit_sz - byte_off * 8 > byte_sz * 8) {
				if (byte_sz >= 8)
					return false;
				byte_sz *= 2;
				byte_off = bit_off / 8 / byte_sz * byte_sz;
			}
		} else {
			sz = btf__resolve_size(l, mid);
			if (sz < 0)
				return false;
			byte_sz = sz;
			byte_off = bit_off / 8;
			bit_sz = byte_sz * 8;
			*mem_sz = byte_sz;
		}
		switch (kind) {
		case DT_FIELD_BYTE_OFFSET:
			*val = byte_off;
			break;
		case DT_FIELD_BYTE_SIZE:
			*val = byte_sz;
			break;
		case DT_FIELD_SIGNED:
#if LIBBPF_MAJOR_VERSION == 1 && LIBBPF_MINOR_VERSION < 3
			/* 1.1 reads an INT encoding word from any kind, enums included */
			*val = (btf_is_any_enum(mt) && btf_kflag(mt)) ||
			       ((*(const __u32 *)(mt + 1) >> 24) & BTF_INT_SIGNED);
#else
			*val = (btf_is_any_enum(mt) && btf_kflag(mt)) ||
			       (btf_is_int(mt) && (btf_int_encoding(mt) & BTF_INT_SIGNED));
#endif
			break;
		case DT_FIELD_LSHIFT_U64:
			*val = 64 - (bit_off + bit_sz - byte_off * 8);
			break;
		default:
			*val = 64 - bit_sz;
			break;
		}
	}
	return true;
}

static void gen_relo(struct rng *r, const struct btf *l, const __u32 *roots, int n_roots,
		     struct dt_relo *rl)
{
	static const __u32 kinds[] = { 0, 0, 0, 1, 1, 2, 2, 3, 4, 5, 6, 7, 7, 8, 9, 10, 11, 11, 12 };
	const struct btf_type *t;
	__u32 mem_sz = 0;

	memset(rl, 0, sizeof(*rl));
	rl->kind = kinds[rnd(r, ARRAY_LEN(kinds))];
	/* mostly a root that fits the kind: a failing relocation hides all later ones */
	for (int tries = 0; tries < 6; tries++) {
		rl->type_id = roots[rnd(r, n_roots)];
		t = btf__type_by_id(l, rl->type_id);
		if (rl->kind == DT_ENUMVAL_EXISTS || rl->kind == DT_ENUMVAL_VALUE ?
			    btf_is_any_enum(t) && btf_vlen(t) :
		    rl->kind <= DT_FIELD_RSHIFT_U64 ? btf_is_composite(t) :
						      t->name_off != 0)
			break;
	}
	/* no enum to name an enumerator of: a bad local spec every time, so mostly not that */
	if ((rl->kind == DT_ENUMVAL_EXISTS || rl->kind == DT_ENUMVAL_VALUE) &&
	    !(btf_is_any_enum(t) && btf_vlen(t)) && !chance(r, 10))
		rl->kind = DT_TYPE_EXISTS;
	if (rl->kind >= DT_TYPE_ID_LOCAL && rl->kind <= DT_TYPE_SIZE) {
		strcpy(rl->access, "0");
		rl->local_ok = true;
		rl->local_val =
			rl->kind <= DT_TYPE_ID_TARGET ? rl->type_id :
			rl->kind == DT_TYPE_SIZE      ? (__u64)btf__resolve_size(l, rl->type_id) :
							1;
		if (rl->kind == DT_TYPE_SIZE && btf__resolve_size(l, rl->type_id) < 0)
			rl->local_ok = false;
		rl->insn = rl->kind <= DT_TYPE_ID_TARGET ? DT_INSN_LDIMM : DT_INSN_ALU;
		return;
	}
	if (rl->kind == DT_TYPE_MATCHES) {
		strcpy(rl->access, "0");
		rl->local_ok = true;
		rl->local_val = 1;
		rl->insn = DT_INSN_ALU;
		return;
	}
	if (rl->kind == DT_ENUMVAL_EXISTS || rl->kind == DT_ENUMVAL_VALUE) {
		__u32 idx;

		/* libbpf looks through modifiers and typedefs to the enum */
		t = skip_mods(l, rl->type_id, NULL);
		if (!t)
			t = btf__type_by_id(l, rl->type_id);
		idx = btf_is_any_enum(t) && btf_vlen(t) ? rnd(r, btf_vlen(t)) : 0;

		snprintf(rl->access, sizeof(rl->access), "%u", idx);
		rl->insn = DT_INSN_LDIMM;
		rl->local_ok = btf_is_any_enum(t) && idx < btf_vlen(t);
		if (!rl->local_ok)
			return;
		if (rl->kind == DT_ENUMVAL_EXISTS)
			rl->local_val = 1;
		else if (btf_is_enum64(t))
			rl->local_val = btf_enum64_value(&btf_enum64(t)[idx]);
		else
			rl->local_val = (__u64)(__s64)btf_enum(t)[idx].val;
		return;
	}
	gen_access(r, l, rl->type_id, rl->access, sizeof(rl->access));
	rl->local_ok =
		local_field_value(l, rl->type_id, rl->access, rl->kind, &rl->local_val, &mem_sz);
	/* ALU's 32-bit imm cannot hold a value libbpf computed past 2^31 (a wrapped lshift) */
	rl->insn = rl->local_val > 0x7fffffff ? DT_INSN_LDIMM : DT_INSN_ALU;
	if (rl->kind == DT_FIELD_BYTE_OFFSET && rl->local_ok && rl->local_val < 32768 &&
	    (mem_sz == 1 || mem_sz == 2 || mem_sz == 4 || mem_sz == 8) && chance(r, 60)) {
		rl->insn = DT_INSN_LDX;
		rl->mem_sz = mem_sz;
	}
}

/* The local BTF as libbpf reads it from the object: one buffer, types then strings. */
static struct btf *btf_reparse(struct btf *b)
{
	const void *raw;
	__u32 sz;

	raw = btf__raw_data(b, &sz);
	return raw ? btf__new(raw, sz) : NULL;
}

static int gen_local(struct dt_case *c, struct rng *r)
{
	struct lview v = { .r = r, .t = c->target };
	__u32 n = btf__type_cnt(c->target), roots[64];
	struct btf *reparsed;
	int n_roots = 0;

	v.l = btf__new_empty();
	v.map = calloc(n, sizeof(*v.map));
	if (!v.l || !v.map) {
		btf__free(v.l);
		free(v.map);
		return -ENOMEM;
	}
	for (__u32 id = 1; id < n && n_roots < 60; id++) {
		const struct btf_type *t = btf__type_by_id(c->target, id);
		bool want = btf_is_composite(t) || btf_is_any_enum(t) ? chance(r, 70) :
									chance(r, 8);

		/* anonymous roots are rare in real objects, but exist (anon_root) */
		if (want && !t->name_off && !chance(r, 10))
			want = false;
		if (want) {
			__u32 lid = lcopy(&v, id);

			if (lid)
				roots[n_roots++] = lid;
		}
	}
	/* a type the target lacks */
	if (chance(r, 30)) {
		int id = btf__add_struct(v.l, "nosuch", 4);

		if (id > 0) {
			btf__add_field(v.l, "a", lcopy(&v, 1), 0, 0);
			roots[n_roots++] = id;
		}
	}
	free(v.map);
	if (!n_roots) {
		int id = btf__add_int(v.l, "int", 4, BTF_INT_SIGNED);

		roots[n_roots++] = id;
	}
	reparsed = btf_reparse(v.l);
	btf__free(v.l);
	if (!reparsed)
		return -EINVAL;
	/* libbpf takes a .BTF's pointer size from the ELF class, not from "long" */
	btf__set_pointer_size(reparsed, 8);
	c->local = reparsed;
	c->relo_cnt = 1 + rnd(r, 12);
	for (int i = 0; i < c->relo_cnt; i++)
		gen_relo(r, c->local, roots, n_roots, &c->relos[i]);
	return 0;
}

int dt_case__gen(struct dt_case *c, __u64 seed)
{
	struct gen g = { .r = { seed } };
	struct btf *target;
	int err;

	memset(c, 0, sizeof(*c));
	c->seed = seed;
	target = gen_target(&g);
	if (!target)
		return -ENOMEM;
	c->target = btf_reparse(target);
	btf__free(target);
	if (!c->target)
		return -EINVAL;
	err = gen_local(c, &g.r);
	if (err) {
		dt_case__free(c);
		return err;
	}
	return 0;
}

void dt_case__free(struct dt_case *c)
{
	btf__free(c->target);
	btf__free(c->local);
	c->target = c->local = NULL;
}
