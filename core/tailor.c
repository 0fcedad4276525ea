// SPDX-License-Identifier: BSD-2-Clause
/*
 * core: tailoring. Marks live in side arrays (one byte per kernel type, one per member or
 * enumerator); the kernel BTF is only read. Emitting:
 *   1. number the marked types in source order (TYPE_TAG collapsed into what it tags);
 *   2. build each type with only its marked members/enumerators, references remapped
 *      (a reference to an unkept type becomes void);
 *   3. merge anonymous duplicates (e.g. the many "pointer to unkept struct" that all became
 *      "void *"), which CO-RE never tells apart;
 *   4. serialize header, types and deduplicated strings, in the kernel BTF's byte order
 *      (as bpftool does: cilium/ebpf refuses to relocate across byte orders).
 */
#include <byteswap.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "btfgen_util.h"
#include "core_internal.h"

enum {
	T_MARKED = 1,      /* the type is emitted */
	T_FOLLOWED = 2,    /* marked with pointers followed (type-based relocations) */
	T_ALL_MEMBERS = 4, /* every member/enumerator is kept (type_matches) */
	T_MATCH_FULL = 8,  /* walked by type_matches, not behind a pointer */
	T_MATCH_PTR = 16,  /* walked by type_matches, behind a pointer */
	T_ROOT = 32,       /* the root of a matching candidate: CO-RE finds it by name */
	T_NOCOLLAPSE = 64, /* on a walk that errored: chain lengths count (resolve depth) */
	T_SIGN_WORD = 128, /* FIELD_SIGNED reads the word after this type's header */
};

struct added_object {
	const struct core_object *obj;
	struct core_relo_result *results; /* outcomes on the full BTF */
};

struct core_tailor {
	const struct kernel_index *ki;
	const struct btf *btf;
	__u32 type_cnt;
	__u8 *tmark;   /* per type: T_* flags */
	__u8 **mmark;  /* per type: kept flag per member/enumerator, allocated on first mark */
	bool oom;      /* a member mark could not be allocated */
	__u8 extra;    /* flags every mark_type() adds (T_NOCOLLAPSE on a failed walk) */
	__u32 *stack;  /* mark_type()'s work list: no recursion whose depth the input sets */
	size_t stack_cap;
	char err[160]; /* why tailoring failed, when not for memory */
	struct added_object *added;
	size_t added_cnt, added_cap;
	struct blocker *blockers;
	size_t blocker_cnt, blocker_cap;
};

/* A non-matching candidate and the members that made it not match (tailor_note_blocker). */
struct blocker {
	__u32 root;
	bool applied;
	int len;
	struct spec_visit *visit;
};

struct core_tailor *core_tailor__new(const struct kernel_index *ki)
{
	struct core_tailor *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->ki = ki;
	t->btf = kernel_index__btf(ki);
	t->type_cnt = btf__type_cnt(t->btf);
	/* a few hundred of a kernel's ~100k types get marks: no pass over all of them */
	t->tmark = calloc(t->type_cnt, 1);
	t->mmark = calloc(t->type_cnt, sizeof(*t->mmark));
	if (!t->tmark || !t->mmark) {
		core_tailor__free(t);
		errno = ENOMEM;
		return NULL;
	}
	return t;
}

void core_tailor__free(struct core_tailor *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->added_cnt; i++)
		free(t->added[i].results);
	free(t->added);
	for (size_t i = 0; i < t->blocker_cnt; i++)
		free(t->blockers[i].visit);
	free(t->blockers);
	for (__u32 id = 0; t->mmark && id < t->type_cnt; id++)
		if (t->mmark[id])
			free(t->mmark[id]);
	free(t->tmark);
	free(t->mmark);
	free(t->stack);
	free(t);
}

void tailor_set_error(struct core_tailor *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(t->err, sizeof(t->err), fmt, ap);
	va_end(ap);
}

const char *core_tailor__error(const struct core_tailor *t)
{
	return t->err[0] ? t->err : "out of memory";
}

static bool stack_push(struct core_tailor *t, size_t *sp, __u32 id)
{
	if (*sp == t->stack_cap) {
		size_t cap = t->stack_cap ? t->stack_cap * 2 : 64;
		__u32 *s = realloc(t->stack, cap * sizeof(*s));

		if (!s) {
			t->oom = true;
			return false;
		}
		t->stack = s;
		t->stack_cap = cap;
	}
	t->stack[(*sp)++] = id;
	return true;
}

/*
 * What a reference to 'id' needs kept: modifiers, typedefs, array element and
 * index types, function prototypes whole; pointees only when 'follow' (type
 * relocations compare them; field relocations only need "a pointer").
 * Structs, unions and enums stop the walk: their members are marked one by one.
 * Chains follow the first reference; the others (index types, parameters) wait on
 * an explicit stack, as a crafted BTF can chain them 100,000 deep.
 */
static void mark_type(struct core_tailor *t, __u32 id, bool follow)
{
	__u8 want = T_MARKED | (follow ? T_FOLLOWED : 0) | t->extra;
	size_t sp = 0;

	if (!id || !stack_push(t, &sp, id))
		return;
	while (sp) {
		id = t->stack[--sp];
		while (id) {
			const struct btf_type *bt = btf__type_by_id(t->btf, id);
			__u8 *f = &t->tmark[id];

			/* not types of values: no relocation can reach them, none is emitted */
			if (btf_is_func(bt) || btf_is_var(bt) || btf_is_datasec(bt) ||
			    btf_is_decl_tag(bt))
				break;
			if ((*f & want) == want)
				break;
			*f |= want;
			switch (btf_kind(bt)) {
			case BTF_KIND_PTR:
				id = follow ? bt->type : 0;
				break;
			case BTF_KIND_CONST:
			case BTF_KIND_VOLATILE:
			case BTF_KIND_RESTRICT:
			case BTF_KIND_TYPEDEF:
			case BTF_KIND_TYPE_TAG:
				id = bt->type;
				break;
			case BTF_KIND_ARRAY:
				if (btf_array(bt)->index_type &&
				    !stack_push(t, &sp, btf_array(bt)->index_type))
					return;
				id = btf_array(bt)->type;
				break;
			case BTF_KIND_FUNC_PROTO:
				for (int i = 0; i < btf_vlen(bt); i++)
					if (btf_params(bt)[i].type &&
					    !stack_push(t, &sp, btf_params(bt)[i].type))
						return;
				id = bt->type;
				break;
			default: /* INT, FLOAT, FWD, ENUM*, STRUCT, UNION: leaves */
				id = 0;
				break;
			}
		}
	}
}

/*
 * type_matches compares whole structs (every member, recursively) unless
 * they sit behind a pointer, where only name and kind count. libbpf gives up
 * past 32 levels of at most 32 links each: a match it completes is at most
 * MATCH_MAX_STEPS steps deep, and so is this walk (recursion included).
 */
#define MATCH_MAX_STEPS ((TYPE_MAX_DEPTH + 1) * (TYPE_MAX_DEPTH + 1))

static void mark_type_match(struct core_tailor *t, __u32 id, bool behind_ptr, int depth)
{
	while (id && depth < MATCH_MAX_STEPS) {
		const struct btf_type *bt = btf__type_by_id(t->btf, id);
		__u8 flag = behind_ptr ? T_MATCH_PTR : T_MATCH_FULL;

		if (t->tmark[id] & flag)
			return;
		t->tmark[id] |= T_MARKED | flag;
		switch (btf_kind(bt)) {
		case BTF_KIND_ENUM:
		case BTF_KIND_ENUM64:
			t->tmark[id] |= T_ALL_MEMBERS;
			return;
		case BTF_KIND_STRUCT:
		case BTF_KIND_UNION:
			if (behind_ptr)
				return;
			t->tmark[id] |= T_ALL_MEMBERS;
			for (int i = 0; i < btf_vlen(bt); i++)
				mark_type_match(t, btf_members(bt)[i].type, false, depth + 1);
			return;
		case BTF_KIND_PTR:
			behind_ptr = true;
			id = bt->type;
			break;
		case BTF_KIND_CONST:
		case BTF_KIND_VOLATILE:
		case BTF_KIND_RESTRICT:
		case BTF_KIND_TYPEDEF:
		case BTF_KIND_TYPE_TAG:
			id = bt->type;
			break;
		case BTF_KIND_ARRAY:
			mark_type(t, btf_array(bt)->index_type, false);
			id = btf_array(bt)->type;
			break;
		case BTF_KIND_FUNC_PROTO:
			for (int i = 0; i < btf_vlen(bt); i++)
				mark_type_match(t, btf_params(bt)[i].type, behind_ptr, depth + 1);
			id = bt->type;
			break;
		default:
			return;
		}
		depth++;
	}
}

/* Keep member idx of composite or enum 'id'; an index past vlen is never written. */
static void mark_member(struct core_tailor *t, __u32 id, __u32 idx)
{
	__u32 vlen = btf_vlen(btf__type_by_id(t->btf, id));

	if (idx >= vlen)
		return;
	t->tmark[id] |= T_MARKED;
	if (!t->mmark[id]) {
		t->mmark[id] = calloc(vlen, 1);
		if (!t->mmark[id]) {
			t->oom = true;
			return;
		}
	}
	t->mmark[id][idx] = 1;
}

/* Keep member idx of composite 'id' and what its type needs. */
static void mark_member_and_type(struct core_tailor *t, __u32 id, __u32 idx)
{
	const struct btf_type *bt = btf__type_by_id(t->btf, id);
	const struct btf_type *mt;
	__u32 last;

	if (!btf_is_composite(bt) || idx >= btf_vlen(bt))
		return;
	mark_member(t, id, idx);
	mark_type(t, btf_members(bt)[idx].type, false);
	/*
	 * libbpf lets a zero-length array be indexed past its end only when it is the
	 * struct's last member. Keep the real last member too, so an array that is not
	 * last here does not become last when tailored.
	 */
	last = btf_vlen(bt) - 1;
	mt = skip_mods_and_typedefs(t->btf, btf_members(bt)[idx].type, NULL);
	if (idx != last && mt && btf_is_array(mt) && !btf_array(mt)->nelems) {
		mark_member(t, id, last);
		mark_type(t, btf_members(bt)[last].type, false);
	}
}

/*
 * Mark what a field walk went through: the members it recorded as deciding its outcome
 * (spec->visit), each bounded by its type's vlen: the walk ran on this BTF, but a
 * replayed index is never trusted. Array steps need nothing beyond their member's type.
 */
static void mark_field_path(struct core_tailor *t, const struct core_spec *spec)
{
	for (int i = 0; i < spec->visit_len; i++)
		mark_member_and_type(t, spec->visit[i].type_id, spec->visit[i].idx);
	/* FIELD_SIGNED reads past the header of the field's type: keep that word */
	if (spec->kind == RELO_FIELD_SIGNED && spec->len > 0 && spec->spec[spec->len - 1].name) {
		const struct spec_accessor *acc = &spec->spec[spec->len - 1];
		const struct btf_type *bt = btf__type_by_id(t->btf, acc->type_id);
		__u32 mid;

		if (btf_is_composite(bt) && acc->idx < btf_vlen(bt) &&
		    skip_mods_and_typedefs(t->btf, btf_members(bt)[acc->idx].type, &mid) && mid)
			t->tmark[mid] |= T_SIGN_WORD;
	}
}

/* Mark what a matching spec uses. */
static void mark_spec(struct core_tailor *t, const struct core_spec *spec)
{
	__u32 id = spec->root_type_id;

	t->tmark[id] |= T_ROOT;
	if (relo_is_type_based(spec->kind)) {
		if (spec->kind == RELO_TYPE_MATCHES)
			mark_type_match(t, id, false, 0);
		else
			mark_type(t, id, true);
		return;
	}
	mark_type(t, id, false);
	if (relo_is_enumval_based(spec->kind)) {
		if (spec->len)
			mark_member(t, spec->spec[0].type_id, spec->spec[0].idx);
		return;
	}
	mark_field_path(t, spec);
}

void tailor_mark_spec(struct core_tailor *t, const struct core_spec *spec)
{
	mark_spec(t, spec);
}

void tailor_mark_failed_walk(struct core_tailor *t, const struct core_spec *spec)
{
	/*
	 * What made libbpf give up must stay as it is: a modifier or typedef chain
	 * counts towards btf__resolve_size()'s depth limit, so nothing on this walk is
	 * collapsed, and every element type it reached is kept.
	 */
	t->extra = T_NOCOLLAPSE;
	mark_spec(t, spec);
	for (int i = 0; i < spec->len; i++)
		mark_type(t, spec->spec[i].type_id, false);
	/*
	 * A field walk gives up when its path fills the 64-entry spec, at the start
	 * of a struct's member loop: keep that member, and the first one, so the walk
	 * on the tailored BTF enters the loop and gives up there too.
	 */
	if (spec->fail_type_id) {
		mark_member_and_type(t, spec->fail_type_id, 0);
		mark_member_and_type(t, spec->fail_type_id, spec->fail_idx);
	}
	t->extra = 0;
}

void tailor_note_blocker(struct core_tailor *t, const struct core_spec *spec)
{
	struct blocker *b;

	if (btfgen_array_grow((void **)&t->blockers, &t->blocker_cap, t->blocker_cnt + 1,
			      sizeof(*t->blockers))) {
		t->oom = true;
		return;
	}
	b = &t->blockers[t->blocker_cnt];
	b->visit = malloc((spec->visit_len ? spec->visit_len : 1) * sizeof(*b->visit));
	if (!b->visit) {
		t->oom = true;
		return;
	}
	memcpy(b->visit, spec->visit, spec->visit_len * sizeof(*b->visit));
	b->len = spec->visit_len;
	b->root = spec->root_type_id;
	b->applied = false;
	t->blocker_cnt++;
}

/*
 * A candidate that did not match one relocation (a member of the local name but another
 * type comes first) and that is emitted for another relocation must still not match it:
 * without that member, libbpf would look further and could find a compatible one. Keep
 * the members that decided, once the candidate is emitted; marking may emit more
 * candidates, so repeat until nothing changes.
 */
static void mark_blockers(struct core_tailor *t)
{
	bool again = true;

	while (again) {
		again = false;
		for (size_t i = 0; i < t->blocker_cnt; i++) {
			struct blocker *b = &t->blockers[i];

			if (b->applied || !(t->tmark[b->root] & T_MARKED))
				continue;
			for (int v = 0; v < b->len; v++)
				mark_member_and_type(t, b->visit[v].type_id, b->visit[v].idx);
			b->applied = true;
			again = true;
		}
	}
}

int core_tailor__add_object(struct core_tailor *t, const struct core_object *obj,
			    struct core_relo_result *results)
{
	struct core_relo_result *res;
	int err;

	if (btfgen_array_grow((void **)&t->added, &t->added_cap, t->added_cnt + 1,
			      sizeof(*t->added)))
		return -ENOMEM;
	res = calloc(obj->relo_cnt ? obj->relo_cnt : 1, sizeof(*res));
	if (!res)
		return -ENOMEM;
	err = resolve_object(t->ki, obj, res, t, true);
	if (!err && t->oom)
		err = -ENOMEM;
	if (err) {
		free(res);
		return err;
	}
	if (results)
		memcpy(results, res, obj->relo_cnt * sizeof(*res));
	t->added[t->added_cnt].obj = obj;
	t->added[t->added_cnt].results = res;
	t->added_cnt++;
	return 0;
}

/* ---- emitting ---- */

/* A type being built: header fields plus its trailing words, references as type ids. */
struct rec {
	const char *name;
	__u32 info;
	__u32 size_type;
	__u32 *words;
	const char **names; /* per member/enumerator name, for kinds that have them */
	__u32 nwords;
	__u8 sign_want;     /* 0: nobody reads past the header; else 1 + the source's bit */
};

struct emit {
	struct rec *recs; /* index = new id; recs[0] unused (void) */
	__u32 cnt;        /* including void */
};

static __u16 rec_kind(const struct rec *r)
{
	return BTF_INFO_KIND(r->info);
}

static __u16 rec_vlen(const struct rec *r)
{
	return BTF_INFO_VLEN(r->info);
}

static void rec_remap(struct rec *r, const __u32 *map)
{
	switch (rec_kind(r)) {
	case BTF_KIND_PTR:
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_CONST:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_TYPE_TAG:
		r->size_type = map[r->size_type];
		break;
	case BTF_KIND_ARRAY:
		r->words[0] = map[r->words[0]];
		r->words[1] = map[r->words[1]];
		break;
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		for (int i = 0; i < rec_vlen(r); i++)
			r->words[3 * i + 1] = map[r->words[3 * i + 1]];
		break;
	case BTF_KIND_FUNC_PROTO:
		r->size_type = map[r->size_type];
		for (int i = 0; i < rec_vlen(r); i++)
			r->words[2 * i + 1] = map[r->words[2 * i + 1]];
		break;
	default:
		break;
	}
}

/*
 * The emitter's rule: every word libbpf may read of a kept type is written as libbpf reads
 * it in the source. Beyond what the BTF spec makes meaningful, libbpf 1.1 computes
 * FIELD_SIGNED as kflag || (btf_int_encoding(t) & BTF_INT_SIGNED) for any kind, reading
 * the 32-bit word right after the header: an enum's first enumerator name offset, a
 * struct's first member name offset, or, for a kind with no trailing data, the next
 * type (or the strings). So a type that FIELD_SIGNED reads (T_SIGN_WORD) keeps its first
 * member or enumerator, and serialize() checks that bit 24 of that word is the source's.
 */
static bool kept_member(const struct core_tailor *t, __u32 id, int i)
{
	return (t->tmark[id] & T_ALL_MEMBERS) || (t->mmark[id] && t->mmark[id][i]) ||
	       (i == 0 && (t->tmark[id] & T_SIGN_WORD));
}

static bool has_trailing_words(const struct btf_type *bt)
{
	switch (btf_kind(bt)) {
	case BTF_KIND_INT:
	case BTF_KIND_ARRAY:
	case BTF_KIND_VAR:
	case BTF_KIND_DECL_TAG:
		return true;
	default:
		return btf_vlen(bt) > 0;
	}
}

/* The BTF_INT_SIGNED bit of the word libbpf 1.1 reads after type id's header; -1: none. */
static int src_sign_bit(const struct btf *btf, __u32 id)
{
	const struct btf_type *bt = btf__type_by_id(btf, id);
	__u32 word;

	if (has_trailing_words(bt)) {
		memcpy(&word, bt + 1, sizeof(word));
	} else if (id + 1 < btf__type_cnt(btf)) {
		word = btf__type_by_id(btf, id + 1)->name_off;
	} else {
		/* the last type: libbpf reads on into the strings that follow it */
		const char *strs = btf__name_by_offset(btf, 0);

		if (!strs || !btf__name_by_offset(btf, 3))
			return -1;
		memcpy(&word, strs, sizeof(word));
	}
	return (BTF_INT_ENCODING(word) & BTF_INT_SIGNED) != 0;
}

static const char *src_name(const struct btf *btf, __u32 off)
{
	const char *s = btf__name_by_offset(btf, off);

	return s ? s : "";
}

/* Build the record of source type 'id' with references still in source ids. */
static int build_rec(const struct core_tailor *t, __u32 id, struct rec *r)
{
	const struct btf_type *bt = btf__type_by_id(t->btf, id);
	__u16 kind = btf_kind(bt), vlen = btf_vlen(bt), kept = 0;
	__u32 per = 0;

	r->name = src_name(t->btf, bt->name_off);
	r->size_type = bt->size; /* union with ->type */
	if (t->tmark[id] & T_SIGN_WORD) {
		int bit = src_sign_bit(t->btf, id);

		r->sign_want = bit < 0 ? 0 : 1 + bit;
	}
	switch (kind) {
	case BTF_KIND_INT:
		per = 1;
		vlen = 1;
		break;
	case BTF_KIND_ARRAY:
		per = 3;
		vlen = 1;
		break;
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
	case BTF_KIND_ENUM64:
		per = 3;
		break;
	case BTF_KIND_ENUM:
	case BTF_KIND_FUNC_PROTO:
		per = 2;
		break;
	default:
		vlen = 0;
		break;
	}
	r->words = calloc(per * (vlen ? vlen : 1), sizeof(__u32));
	r->names = calloc(vlen ? vlen : 1, sizeof(char *));
	if (!r->words || !r->names)
		return -ENOMEM;
	if (kind == BTF_KIND_INT || kind == BTF_KIND_ARRAY) {
		memcpy(r->words, bt + 1, per * sizeof(__u32));
		r->nwords = per;
		r->info = bt->info;
		return 0;
	}
	for (int i = 0; i < vlen; i++) {
		const __u32 *src = (const __u32 *)(bt + 1) + per * i;
		__u32 *dst = r->words + per * kept;

		if (kind != BTF_KIND_FUNC_PROTO && !kept_member(t, id, i))
			continue;
		memcpy(dst, src, per * sizeof(__u32));
		/* prototype parameter names play no part in CO-RE matching */
		r->names[kept] = kind == BTF_KIND_FUNC_PROTO ? "" : src_name(t->btf, src[0]);
		dst[0] = 0;
		kept++;
	}
	r->nwords = per * kept;
	r->info = (btf_kflag(bt) ? 1u << 31 : 0) | (__u32)kind << 24 | kept;
	return 0;
}

static void free_recs(struct emit *e)
{
	for (__u32 i = 0; i < e->cnt; i++) {
		free(e->recs[i].words);
		free(e->recs[i].names);
	}
	free(e->recs);
	e->recs = NULL;
	e->cnt = 0;
}

static bool dedupable(const struct rec *r)
{
	/* the word after it is checked where it stands (check_sign_words): it stays there */
	if (r->sign_want)
		return false;
	switch (rec_kind(r)) {
	case BTF_KIND_PTR:
	case BTF_KIND_CONST:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_ARRAY:
	case BTF_KIND_FUNC_PROTO:
		return !r->name[0];
	default:
		return false;
	}
}

static bool recs_equal(const struct rec *a, const struct rec *b)
{
	return a->info == b->info && a->size_type == b->size_type && a->nwords == b->nwords &&
	       !memcmp(a->words, b->words, a->nwords * sizeof(__u32));
}

static __u32 rec_hash(const struct rec *r)
{
	__u32 h = btfgen_fnv1a32_update(BTFGEN_FNV1A32_INIT, &r->info, sizeof(r->info));

	h = btfgen_fnv1a32_update(h, &r->size_type, sizeof(r->size_type));
	return btfgen_fnv1a32_update(h, r->words, r->nwords * sizeof(__u32));
}

/*
 * Merge anonymous types that became identical. A pass can make more
 * duplicates (two "const void *" once both "void *" merged), so repeat
 * until a pass finds none; named types are never merged, as CO-RE finds
 * candidates by name and must see exactly the kernel's.
 */
static int dedup_anonymous(struct emit *e)
{
	/*
	 * Each pass merges one more level of nested duplicates; a crafted BTF can nest
	 * them 100,000 deep. Stopping early only leaves duplicates, which are harmless.
	 */
	for (int pass = 0; pass < 64; pass++) {
		__u32 nb = 64, *heads, *next, *map, merged = 0, n = 0;

		while (nb < e->cnt * 2)
			nb <<= 1;
		heads = calloc(nb, sizeof(*heads));
		next = calloc(e->cnt, sizeof(*next));
		map = calloc(e->cnt, sizeof(*map));
		if (!heads || !next || !map) {
			free(heads);
			free(next);
			free(map);
			return -ENOMEM;
		}
		for (__u32 id = 1; id < e->cnt; id++) {
			struct rec *r = &e->recs[id];
			__u32 b, o;

			map[id] = id;
			if (!dedupable(r))
				continue;
			b = rec_hash(r) & (nb - 1);
			for (o = heads[b]; o; o = next[o])
				if (recs_equal(&e->recs[o], r))
					break;
			if (o) {
				map[id] = o;
				merged++;
				continue;
			}
			next[id] = heads[b];
			heads[b] = id;
		}
		free(heads);
		free(next);
		if (!merged) {
			free(map);
			return 0;
		}
		/* compact: survivors keep their order; duplicates take their survivor's id */
		for (__u32 id = 1; id < e->cnt; id++) {
			if (map[id] == id) {
				n++;
				map[id] = n;
			} else {
				map[id] = map[map[id]];
			}
		}
		/* a survivor's new id is the next number; a duplicate's is an earlier one */
		for (__u32 id = 1, out = 1; id < e->cnt; id++) {
			if (map[id] != out) {
				free(e->recs[id].words);
				free(e->recs[id].names);
				continue;
			}
			e->recs[out++] = e->recs[id];
		}
		for (__u32 id = 1; id <= n; id++)
			rec_remap(&e->recs[id], map);
		e->cnt = n + 1;
		free(map);
	}
	return 0;
}

/* Add every name to the string table; rec names and member name words become offsets. */
static int add_strings(struct emit *e, struct btfgen_strset *st)
{
	for (__u32 id = 1; id < e->cnt; id++) {
		struct rec *r = &e->recs[id];
		long o = btfgen_strset__add(st, r->name);
		__u32 per = 0;

		if (o < 0)
			return (int)o;
		r->name = (const char *)(uintptr_t)o; /* reused as the offset from here on */
		switch (rec_kind(r)) {
		case BTF_KIND_STRUCT:
		case BTF_KIND_UNION:
		case BTF_KIND_ENUM64:
			per = 3;
			break;
		case BTF_KIND_ENUM:
		case BTF_KIND_FUNC_PROTO:
			per = 2;
			break;
		}
		for (int i = 0; per && i < rec_vlen(r); i++) {
			o = btfgen_strset__add(st, r->names[i]);
			if (o < 0)
				return (int)o;
			r->words[per * i] = o;
		}
	}
	return 0;
}

/*
 * Check the emitter's rule for the words FIELD_SIGNED reads (see kept_member()): the
 * word after each such record's header must carry the source's BTF_INT_SIGNED bit. The
 * last record reads into the strings; an anonymous "void *" appended after it (*pad)
 * gives a zero word there. Returns 0 or -ERANGE with the reason in t.
 */
static int check_sign_words(struct core_tailor *t, const struct emit *e,
			    const struct btfgen_strset *st, bool *pad)
{
	*pad = false;
	for (__u32 id = 1; id < e->cnt; id++) {
		const struct rec *r = &e->recs[id];
		__u32 word;
		bool known = true;

		if (!r->sign_want)
			continue;
		if (r->nwords)
			word = r->words[0];
		else if (id + 1 < e->cnt)
			word = (__u32)(uintptr_t)e->recs[id + 1].name;
		else if (st->len >= 4)
			memcpy(&word, st->data, sizeof(word));
		else
			known = false;
		if (known && ((BTF_INT_ENCODING(word) & BTF_INT_SIGNED) != 0) == (r->sign_want == 2))
			continue;
		if (id + 1 == e->cnt && !r->nwords && r->sign_want == 1) {
			*pad = true;
			continue;
		}
		tailor_set_error(t, "emitted type [%u] (kind %u): the word libbpf 1.1 reads after "
				 "it for FIELD_SIGNED cannot be written as in the source", id,
				 rec_kind(r));
		return -ERANGE;
	}
	return 0;
}

/* Byte-swap a serialized raw BTF: header fields, then every 32-bit word of the types. */
static void swap_raw(char *out, size_t tlen)
{
	struct btf_header *h = (struct btf_header *)out;

	h->magic = bswap_16(h->magic);
	h->hdr_len = bswap_32(h->hdr_len);
	h->type_off = bswap_32(h->type_off);
	h->type_len = bswap_32(h->type_len);
	h->str_off = bswap_32(h->str_off);
	h->str_len = bswap_32(h->str_len);
	for (size_t off = 24; off < 24 + tlen; off += 4) {
		__u32 w;

		memcpy(&w, out + off, 4);
		w = bswap_32(w);
		memcpy(out + off, &w, 4);
	}
}

static int serialize(struct core_tailor *t, struct emit *e, bool swap, void **data, __u32 *size)
{
	struct btfgen_strset st = { 0 };
	size_t tlen = 0, off = 24;
	struct btf_header hdr = { 0 };
	char *out = NULL;
	bool pad;
	int err = -ENOMEM;

	/* "" is offset 0 */
	if (btfgen_strset__init(&st))
		return -ENOMEM;
	/* strings are added in emission order, so the table is deterministic */
	err = add_strings(e, &st);
	if (!err)
		err = check_sign_words(t, e, &st, &pad);
	if (err)
		goto out;
	err = -ENOMEM;
	for (__u32 id = 1; id < e->cnt; id++)
		tlen += sizeof(struct btf_type) + e->recs[id].nwords * sizeof(__u32);
	if (pad)
		tlen += sizeof(struct btf_type);
	out = malloc(24 + tlen + st.len);
	if (!out)
		goto out;
	hdr.magic = 0xeB9F;
	hdr.version = 1;
	hdr.hdr_len = 24;
	hdr.type_off = 0;
	hdr.type_len = tlen;
	hdr.str_off = tlen;
	hdr.str_len = st.len;
	memcpy(out, &hdr, 24);
	for (__u32 id = 1; id < e->cnt; id++) {
		struct rec *r = &e->recs[id];
		struct btf_type bt = { .name_off = (__u32)(uintptr_t)r->name, .info = r->info,
				       .size = r->size_type };

		memcpy(out + off, &bt, sizeof(bt));
		off += sizeof(bt);
		memcpy(out + off, r->words, r->nwords * sizeof(__u32));
		off += r->nwords * sizeof(__u32);
	}
	if (pad) {
		struct btf_type bt = { .info = BTF_KIND_PTR << 24 };

		memcpy(out + off, &bt, sizeof(bt));
		off += sizeof(bt);
	}
	memcpy(out + off, st.data, st.len);
	if (swap)
		swap_raw(out, tlen);
	*data = out;
	*size = 24 + tlen + st.len;
	err = 0;
out:
	btfgen_strset__free(&st);
	return err;
}

/*
 * libbpf's CO-RE code looks through modifiers and typedefs everywhere
 * (skip_mods_and_typedefs) except at a candidate's root, which it finds by
 * name and kind. So a kept modifier or typedef that is no candidate root is
 * replaced by what it stands for: "pid_t pid" becomes "int pid". TYPE_TAGs
 * go too, which also spares consumers older than libbpf 0.6 a kind they
 * cannot parse.
 */
static bool collapses(const struct core_tailor *t, __u32 id)
{
	const struct btf_type *bt = btf__type_by_id(t->btf, id);

	return (btf_is_mod(bt) || btf_is_typedef(bt)) && !(t->tmark[id] & (T_ROOT | T_NOCOLLAPSE));
}

static enum btf_endianness host_endianness(void)
{
	return __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ ? BTF_LITTLE_ENDIAN : BTF_BIG_ENDIAN;
}

/* libbpf's names for "long" (btf.c determine_ptr_size) */
static bool is_long_name(const char *name)
{
	static const char *const names[] = {
		"long", "long int", "int long", "unsigned long", "long unsigned",
		"unsigned long int", "unsigned int long", "long unsigned int", "long int unsigned",
		"int unsigned long", "int long unsigned",
	};

	for (size_t i = 0; name && i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(name, names[i]) == 0)
			return true;
	return false;
}

/*
 * libbpf sizes pointers by the first 4- or 8-byte INT named like "long", else by the host's
 * pointer (8 bytes for a 64-bit loader). Keep the input's first one when the output would
 * otherwise say another size: a 32-bit kernel's pointers stay 4 bytes in the tailored BTF.
 */
static void mark_ptr_size(struct core_tailor *t)
{
	__u32 first = 0, out_sz = 8;

	for (__u32 id = 1; id < t->type_cnt; id++) {
		const struct btf_type *bt = btf__type_by_id(t->btf, id);

		if (!btf_is_int(bt) || (bt->size != 4 && bt->size != 8) ||
		    !is_long_name(btf__name_by_offset(t->btf, bt->name_off)))
			continue;
		if (!first)
			first = id;
		if (t->tmark[id] & T_MARKED) {
			out_sz = bt->size;
			break;
		}
	}
	if (first && btf__type_by_id(t->btf, first)->size != out_sz)
		t->tmark[first] |= T_MARKED;
}

int core_tailor__emit(struct core_tailor *t, void **data, __u32 *size)
{
	__u32 *map = calloc(t->type_cnt, sizeof(*map)), n = 0;
	struct emit e = { 0 };
	int err = -ENOMEM;

	if (!map)
		return -ENOMEM;
	mark_blockers(t);
	mark_ptr_size(t);
	/* 1. new ids in source order; a collapsed modifier or typedef takes its target's id */
	for (__u32 id = 1; id < t->type_cnt; id++)
		if ((t->tmark[id] & T_MARKED) && !collapses(t, id))
			map[id] = ++n;
	for (__u32 id = 1; id < t->type_cnt; id++) {
		__u32 target = id, i;

		if (!(t->tmark[id] & T_MARKED) || !collapses(t, id))
			continue;
		/* marking walked these chains, so every link is marked; a cycle gives void */
		for (i = 0; i < t->type_cnt && target && collapses(t, target); i++)
			target = btf__type_by_id(t->btf, target)->type;
		map[id] = i < t->type_cnt ? map[target] : 0;
	}
	/* 2. records with remapped references */
	e.recs = calloc(n + 1, sizeof(*e.recs));
	if (!e.recs)
		goto out;
	e.cnt = n + 1;
	for (__u32 id = 1; id < t->type_cnt; id++) {
		__u32 nid = map[id];

		if (!(t->tmark[id] & T_MARKED) || collapses(t, id))
			continue;
		err = build_rec(t, id, &e.recs[nid]);
		if (err)
			goto out;
		rec_remap(&e.recs[nid], map);
	}
	e.recs[0].name = "";
	/* 3. merge anonymous duplicates, 4. serialize */
	err = dedup_anonymous(&e);
	/* the output keeps the kernel BTF's byte order, as bpftool's does */
	if (!err)
		err = serialize(t, &e, btf__endianness(t->btf) != host_endianness(), data, size);
out:
	free_recs(&e);
	free(map);
	return err;
}

int core_tailor__verify(struct core_tailor *t, const void *data, __u32 size, char *err,
			size_t err_sz)
{
	struct kernel_index *ki = NULL;
	struct core_relo_result *res = NULL;
	struct btf *btf;
	int ret = 0;

	btf = core_btf_from_mem(data, size, err, err_sz);
	if (!btf)
		return -errno;
	ki = kernel_index__new(btf);
	if (!ki) {
		ret = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < t->added_cnt && !ret; i++) {
		const struct core_object *obj = t->added[i].obj;

		free(res);
		res = calloc(obj->relo_cnt ? obj->relo_cnt : 1, sizeof(*res));
		if (!res) {
			ret = -ENOMEM;
			break;
		}
		/* quiet: the trace is of the full BTF */
		ret = resolve_object(ki, obj, res, NULL, false);
		for (__u32 r = 0; !ret && r < obj->relo_cnt; r++) {
			const struct core_relo_result *a = &t->added[i].results[r], *b = &res[r];

			/*
			 * libbpf gives up the whole object at its first failing relocation:
			 * the ones after it are never computed (their candidate lists are
			 * what the failed one left half pruned), so they cannot differ.
			 */
			if (core_relo_result__same(a, b, obj->relos[r].desc.kind)) {
				if (a->status == CORE_RELO_FAILED)
					break;
				continue;
			}
			snprintf(err, err_sz,
				 "object '%s': relo #%u (%s %s %s): full BTF: status %d value %llu%s; "
				 "tailored: status %d value %llu%s",
				 obj->path, r, obj->relos[r].desc.kind_name,
				 obj->relos[r].desc.type_name, obj->relos[r].desc.access, a->status,
				 (unsigned long long)a->value, a->poison ? " poison" : "", b->status,
				 (unsigned long long)b->value, b->poison ? " poison" : "");
			ret = -EPROTO;
		}
	}
out:
	free(res);
	kernel_index__free(ki);
	btf__free(btf);
	return ret;
}
