// SPDX-License-Identifier: BSD-2-Clause
/*
 * core: tailoring, emitting the marked types (tailor_mark.c). Emitting:
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
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "btfgen_util.h"
#include "tailor_internal.h"

/* A type being built: header fields plus its trailing words, references as type ids. */
struct rec {
	const char *name;
	__u32 info;
	__u32 size_type;
	__u32 *words;
	const char **names; /* per member/enumerator name, for kinds that have them */
	__u32 nwords;
	__u8 sign_want; /* 0: nobody reads past the header; else 1 + the source's bit */
};

struct emit {
	struct rec *recs; /* index = new id; recs[0] unused (void) */
	__u32 cnt; /* including void */
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

/* Words per member, enumerator or parameter of a kind with named entries; 0 for others. */
static __u32 member_words(__u16 kind)
{
	switch (kind) {
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
	case BTF_KIND_ENUM64:
		return 3;
	case BTF_KIND_ENUM:
	case BTF_KIND_FUNC_PROTO:
		return 2;
	default:
		return 0;
	}
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
	default:
		per = member_words(kind);
		if (!per)
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
		__u32 per = member_words(rec_kind(r));

		if (o < 0)
			return (int)o;
		r->name = (const char *)(uintptr_t)o; /* reused as the offset from here on */
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
		if (known &&
		    ((BTF_INT_ENCODING(word) & BTF_INT_SIGNED) != 0) == (r->sign_want == 2))
			continue;
		if (id + 1 == e->cnt && !r->nwords && r->sign_want == 1) {
			*pad = true;
			continue;
		}
		tailor_set_error(t,
				 "emitted type [%u] (kind %u): the word libbpf 1.1 reads after "
				 "it for FIELD_SIGNED cannot be written as in the source",
				 id, rec_kind(r));
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
		struct btf_type bt = { .name_off = (__u32)(uintptr_t)r->name,
				       .info = r->info,
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
		"long",
		"long int",
		"int long",
		"unsigned long",
		"long unsigned",
		"unsigned long int",
		"unsigned int long",
		"long unsigned int",
		"long int unsigned",
		"int unsigned long",
		"int long unsigned",
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
	tailor_mark_blockers(t);
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
