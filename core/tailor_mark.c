// SPDX-License-Identifier: BSD-2-Clause
/*
 * core: tailoring, marking. Marks live in side arrays (one byte per kernel type, one per
 * member or enumerator); the kernel BTF is only read. Matching (relo_match.c) reports each
 * candidate walk to tailor_observe(), which marks what the walk uses.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "btfgen_util.h"
#include "tailor_internal.h"

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
/* Modifiers (CONST, VOLATILE, RESTRICT, TYPE_TAG) and typedefs: links of a chain. */
static bool is_alias(const struct btf_type *bt)
{
	return btf_is_mod(bt) || btf_is_typedef(bt);
}

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
			if (is_alias(bt)) {
				id = bt->type;
				continue;
			}
			switch (btf_kind(bt)) {
			case BTF_KIND_PTR:
				id = follow ? bt->type : 0;
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
	for (; id && depth < MATCH_MAX_STEPS; depth++) {
		const struct btf_type *bt = btf__type_by_id(t->btf, id);
		__u8 flag = behind_ptr ? T_MATCH_PTR : T_MATCH_FULL;

		if (t->tmark[id] & flag)
			return;
		t->tmark[id] |= T_MARKED | flag;
		if (is_alias(bt)) {
			id = bt->type;
			continue;
		}
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
	mt = core_skip_mods_typedefs(t->btf, btf_members(bt)[idx].type, NULL);
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
		    core_skip_mods_typedefs(t->btf, btf_members(bt)[acc->idx].type, &mid) && mid)
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

static void mark_failed_walk(struct core_tailor *t, const struct core_spec *spec)
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

/* A candidate that did not match because of spec->visit: keep those if it is emitted. */
static void note_blocker(struct core_tailor *t, const struct core_spec *spec)
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
void tailor_mark_blockers(struct core_tailor *t)
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

/* The relocation observer (relo_match.c): mark what each candidate walk uses. */
static void tailor_observe(void *ctx, const struct core_spec *cand, enum relo_walk how)
{
	struct core_tailor *t = ctx;

	switch (how) {
	case RELO_WALK_MATCHED:
		mark_spec(t, cand);
		break;
	case RELO_WALK_FAILED:
		mark_failed_walk(t, cand);
		break;
	case RELO_WALK_BLOCKED:
		note_blocker(t, cand);
		break;
	}
}

static void tailor_observe_error(void *ctx, const char *msg)
{
	tailor_set_error(ctx, "%s", msg);
}

int core_tailor__add_object(struct core_tailor *t, const struct core_object *obj,
			    struct core_relo_result *results)
{
	struct relo_observer obs = { tailor_observe, tailor_observe_error, t };
	struct core_relo_result *res;
	int err;

	if (btfgen_array_grow((void **)&t->added, &t->added_cap, t->added_cnt + 1,
			      sizeof(*t->added)))
		return -ENOMEM;
	res = calloc(obj->relo_cnt ? obj->relo_cnt : 1, sizeof(*res));
	if (!res)
		return -ENOMEM;
	err = relo_resolve_object(t->ki, obj, res, &obs, true);
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
