// SPDX-License-Identifier: BSD-2-Clause
/*
 * core: tailoring. Marks live in side arrays (one byte per kernel type, one per member or
 * enumerator); the kernel BTF is only read. Emitting:
 *   1. number the marked types in source order (TYPE_TAG collapsed into what it tags);
 *   2. build each type with only its marked members/enumerators, references remapped
 *      (a reference to an unkept type becomes void);
 *   3. merge anonymous duplicates (e.g. the many "pointer to unkept struct" that all became
 *      "void *"), which CO-RE never tells apart;
 *   4. serialize header, types and deduplicated strings, host byte order.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core_internal.h"

enum {
	T_MARKED = 1,      /* the type is emitted */
	T_FOLLOWED = 2,    /* marked with pointers followed (type-based relocations) */
	T_ALL_MEMBERS = 4, /* every member/enumerator is kept (type_matches) */
	T_MATCH_FULL = 8,  /* walked by type_matches, not behind a pointer */
	T_MATCH_PTR = 16,  /* walked by type_matches, behind a pointer */
	T_ROOT = 32,       /* the root of a matching candidate: CO-RE finds it by name */
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
	struct added_object *added;
	size_t added_cnt;
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
	for (__u32 id = 0; t->mmark && id < t->type_cnt; id++)
		if (t->mmark[id])
			free(t->mmark[id]);
	free(t->tmark);
	free(t->mmark);
	free(t);
}

/*
 * What a reference to 'id' needs kept: modifiers, typedefs, array element and
 * index types, function prototypes whole; pointees only when 'follow' (type
 * relocations compare them; field relocations only need "a pointer").
 * Structs, unions and enums stop the walk: their members are marked one by one.
 */
static void mark_type(struct core_tailor *t, __u32 id, bool follow)
{
	while (id) {
		const struct btf_type *bt = btf__type_by_id(t->btf, id);
		__u8 *f = &t->tmark[id];

		/* not types of values: no relocation can reach them, none is emitted */
		if (btf_is_func(bt) || btf_is_var(bt) || btf_is_datasec(bt) || btf_is_decl_tag(bt))
			return;
		if ((*f & T_MARKED) && (!follow || (*f & T_FOLLOWED)))
			return;
		*f |= T_MARKED | (follow ? T_FOLLOWED : 0);
		switch (btf_kind(bt)) {
		case BTF_KIND_PTR:
			if (!follow)
				return;
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
			mark_type(t, btf_array(bt)->index_type, follow);
			id = btf_array(bt)->type;
			break;
		case BTF_KIND_FUNC_PROTO:
			for (int i = 0; i < btf_vlen(bt); i++)
				mark_type(t, btf_params(bt)[i].type, follow);
			id = bt->type;
			break;
		default: /* INT, FLOAT, FWD, ENUM*, STRUCT, UNION: leaves */
			return;
		}
	}
}

/*
 * type_matches compares whole structs (every member, recursively) unless
 * they sit behind a pointer, where only name and kind count.
 */
static void mark_type_match(struct core_tailor *t, __u32 id, bool behind_ptr, int depth)
{
	while (id && depth < 256) {
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

static void mark_member(struct core_tailor *t, __u32 id, __u32 idx)
{
	t->tmark[id] |= T_MARKED;
	if (!t->mmark[id]) {
		t->mmark[id] = calloc(btf_vlen(btf__type_by_id(t->btf, id)) + 1, 1);
		if (!t->mmark[id]) {
			t->oom = true;
			return;
		}
	}
	t->mmark[id][idx] = 1;
}

/*
 * Mark the members a field spec walks through, from its root; returns the type the walk
 * ends on (0 if it leaves structs and arrays).
 */
static __u32 mark_field_path(struct core_tailor *t, const struct core_spec *spec)
{
	__u32 id = spec->root_type_id;

	/* raw_spec[0] indexes the root as an array: the root's size, already kept */
	for (int i = 1; i < spec->raw_len; i++) {
		const struct btf_type *bt = skip_mods_and_typedefs(t->btf, id, &id);

		if (btf_is_composite(bt)) {
			__u32 idx = spec->raw_spec[i], last = btf_vlen(bt) - 1;
			const struct btf_type *mt;

			/* a path that does not fit the type (fuzzed BTF): never read past members */
			if (idx >= btf_vlen(bt))
				return 0;
			mark_member(t, id, idx);
			/*
			 * libbpf lets a zero-length array be indexed past its end only when it
			 * is the struct's last member. Keep the real last member too, so an
			 * array that is not last here does not become last when tailored.
			 */
			mt = skip_mods_and_typedefs(t->btf, btf_members(bt)[idx].type, NULL);
			if (idx != last && mt && btf_is_array(mt) && !btf_array(mt)->nelems) {
				mark_member(t, id, last);
				mark_type(t, btf_members(bt)[last].type, false);
			}
			id = btf_members(bt)[idx].type;
			mark_type(t, id, false);
		} else if (btf_is_array(bt)) {
			id = btf_array(bt)->type;
		} else {
			return 0;
		}
	}
	return id;
}

/* Mark what a matching spec uses; for a field spec, returns the type its path ends on. */
static __u32 mark_spec(struct core_tailor *t, const struct core_spec *spec)
{
	__u32 id = spec->root_type_id;

	t->tmark[id] |= T_ROOT;
	if (relo_is_type_based(spec->kind)) {
		if (spec->kind == RELO_TYPE_MATCHES)
			mark_type_match(t, id, false, 0);
		else
			mark_type(t, id, true);
		return 0;
	}
	mark_type(t, id, false);
	if (relo_is_enumval_based(spec->kind)) {
		mark_member(t, spec->spec[0].type_id, spec->spec[0].idx);
		return 0;
	}
	return mark_field_path(t, spec);
}

void tailor_mark_spec(struct core_tailor *t, const struct core_spec *spec)
{
	mark_spec(t, spec);
}

void tailor_mark_failed_walk(struct core_tailor *t, const struct core_spec *spec)
{
	__u32 id = mark_spec(t, spec);
	const struct btf_type *bt = id ? skip_mods_and_typedefs(t->btf, id, &id) : NULL;

	/*
	 * A field walk gives up when its path fills the 64-entry spec, at the
	 * start of the next struct's member loop: keep one member of that struct
	 * so the walk on the tailored BTF enters the loop and gives up there too.
	 */
	if (bt && btf_is_composite(bt) && btf_vlen(bt)) {
		mark_member(t, id, 0);
		mark_type(t, btf_members(bt)[0].type, false);
	}
}

int core_tailor__add_object(struct core_tailor *t, const struct core_object *obj,
			    struct core_relo_result *results)
{
	struct added_object *na = realloc(t->added, (t->added_cnt + 1) * sizeof(*na));
	struct core_relo_result *res;
	int err;

	if (!na)
		return -ENOMEM;
	t->added = na;
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

static bool kept_member(const struct core_tailor *t, __u32 id, int i)
{
	return (t->tmark[id] & T_ALL_MEMBERS) || (t->mmark[id] && t->mmark[id][i]);
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
	__u32 h = r->info * 31 + r->size_type;

	for (__u32 i = 0; i < r->nwords; i++)
		h = h * 16777619u ^ r->words[i];
	return h;
}

/*
 * Merge anonymous types that became identical. A pass can make more
 * duplicates (two "const void *" once both "void *" merged), so repeat
 * until a pass finds none; named types are never merged, as CO-RE finds
 * candidates by name and must see exactly the kernel's.
 */
static int dedup_anonymous(struct emit *e)
{
	for (;;) {
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
}

/* Growing byte buffer with a string table that stores each string once. */
struct strtab {
	char *data;
	__u32 len, cap;
	__u32 *slots; /* open addressing: offset+1, 0 = empty */
	__u32 nslots, used;
};

static int strtab_grow_slots(struct strtab *s)
{
	__u32 n = s->nslots ? s->nslots * 2 : 256, *slots = calloc(n, sizeof(*slots));

	if (!slots)
		return -ENOMEM;
	for (__u32 i = 0; i < s->nslots; i++) {
		__u32 off = s->slots[i], h;

		if (!off)
			continue;
		h = 2166136261u;
		for (const char *p = s->data + off - 1; *p; p++)
			h = (h ^ (unsigned char)*p) * 16777619u;
		for (h &= n - 1; slots[h]; h = (h + 1) & (n - 1))
			;
		slots[h] = off;
	}
	free(s->slots);
	s->slots = slots;
	s->nslots = n;
	return 0;
}

static long strtab_add(struct strtab *s, const char *str)
{
	size_t len = strlen(str);
	__u32 h = 2166136261u;

	if (!len)
		return 0;
	if (s->used * 2 >= s->nslots && strtab_grow_slots(s))
		return -ENOMEM;
	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)str[i]) * 16777619u;
	for (h &= s->nslots - 1; s->slots[h]; h = (h + 1) & (s->nslots - 1))
		if (!strcmp(s->data + s->slots[h] - 1, str))
			return s->slots[h] - 1;
	if (s->len + len + 1 > s->cap) {
		__u32 cap = (s->cap ? s->cap * 2 : 4096) + len + 1;
		char *d = realloc(s->data, cap);

		if (!d)
			return -ENOMEM;
		s->data = d;
		s->cap = cap;
	}
	memcpy(s->data + s->len, str, len + 1);
	s->slots[h] = s->len + 1;
	s->used++;
	s->len += len + 1;
	return s->len - len - 1;
}

static int serialize(struct emit *e, void **data, __u32 *size)
{
	struct strtab st = { 0 };
	size_t tlen = 0, off = 24;
	struct btf_header hdr = { 0 };
	char *out = NULL;
	int err = -ENOMEM;

	/* "" is offset 0 */
	st.data = calloc(1, 4096);
	if (!st.data)
		return -ENOMEM;
	st.cap = 4096;
	st.len = 1;
	for (__u32 id = 1; id < e->cnt; id++)
		tlen += sizeof(struct btf_type) + e->recs[id].nwords * sizeof(__u32);
	/* strings are added in emission order, so the table is deterministic */
	for (__u32 id = 1; id < e->cnt; id++) {
		struct rec *r = &e->recs[id];
		long o = strtab_add(&st, r->name);
		__u32 per = 0;

		if (o < 0)
			goto out;
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
			o = strtab_add(&st, r->names[i]);
			if (o < 0)
				goto out;
			r->words[per * i] = o;
		}
	}
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
	memcpy(out + off, st.data, st.len);
	*data = out;
	*size = 24 + tlen + st.len;
	err = 0;
out:
	free(st.data);
	free(st.slots);
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

	return (btf_is_mod(bt) || btf_is_typedef(bt)) && !(t->tmark[id] & T_ROOT);
}

int core_tailor__emit(struct core_tailor *t, void **data, __u32 *size)
{
	__u32 *map = calloc(t->type_cnt, sizeof(*map)), n = 0;
	struct emit e = { 0 };
	int err = -ENOMEM;

	if (!map)
		return -ENOMEM;
	/* 1. new ids in source order; a collapsed modifier or typedef takes its target's id */
	for (__u32 id = 1; id < t->type_cnt; id++)
		if ((t->tmark[id] & T_MARKED) && !collapses(t, id))
			map[id] = ++n;
	for (__u32 id = 1; id < t->type_cnt; id++) {
		__u32 target = id;
		int i;

		if (!(t->tmark[id] & T_MARKED) || !collapses(t, id))
			continue;
		/* marking walked these chains, so every link is marked */
		for (i = 0; i < 64 && target && collapses(t, target); i++)
			target = btf__type_by_id(t->btf, target)->type;
		map[id] = i < 64 ? map[target] : 0;
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
	if (!err)
		err = serialize(&e, data, size);
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

			if (core_relo_result__same(a, b, obj->relos[r].desc.kind))
				continue;
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
