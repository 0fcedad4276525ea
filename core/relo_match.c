// SPDX-License-Identifier: BSD-2-Clause
/*
 * core: CO-RE relocation matching with libbpf's semantics (relo_core.c, libbpf 1.x),
 * written against the public BTF API. Outline, per relocation:
 *   1. parse the local access spec (relo_spec.c, once, when the object is loaded);
 *   2. take the candidates: kernel types of the same essential name and kind, cached and
 *      pruned per local type in file order, as libbpf does;
 *   3. match the spec on each candidate, compute the value (relo_value.c), check ambiguity;
 *   4. when tailoring, report every candidate walk to the observer (tailor_mark.c marks).
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core_internal.h"

static const char *type_name(const struct btf *btf, const struct btf_type *t)
{
	const char *n = btf__name_by_offset(btf, t->name_off);

	return n ? n : "";
}

/* libbpf's bpf_core_fields_are_compat(): what a field access needs of the target field type. */
static int fields_are_compat(const struct btf *lbtf, __u32 lid, const struct btf *tbtf, __u32 tid)
{
	for (int depth = 0; depth < TYPE_MAX_DEPTH; depth++) {
		const struct btf_type *lt = core_skip_mods_typedefs(lbtf, lid, &lid);
		const struct btf_type *tt = core_skip_mods_typedefs(tbtf, tid, &tid);

		if (!lt || !tt)
			return -EINVAL;
		if (btf_is_composite(lt) && btf_is_composite(tt))
			return 1;
		if (!btf_kind_core_compat(lt, tt))
			return 0;
		switch (btf_kind(lt)) {
		case BTF_KIND_PTR:
		case BTF_KIND_FLOAT:
			return 1;
		case BTF_KIND_FWD:
		case BTF_KIND_ENUM:
		case BTF_KIND_ENUM64: {
			const char *ln = type_name(lbtf, lt), *tn = type_name(tbtf, tt);
			size_t ll = kernel_index_essential_len(ln),
			       tl = kernel_index_essential_len(tn);

			return !ll || !tl || (ll == tl && !strncmp(ln, tn, ll));
		}
		case BTF_KIND_INT:
			/* old-style bitfield-like integers are not compatible with anything */
			return btf_int_offset(lt) == 0 && btf_int_offset(tt) == 0;
		case BTF_KIND_ARRAY:
			lid = btf_array(lt)->type;
			tid = btf_array(tt)->type;
			continue;
		default:
			return 0;
		}
	}
	return -EINVAL;
}

/* libbpf's __bpf_core_types_are_compat(): type_id_target, type_exists, type_size. */
static int types_are_compat(const struct btf *lbtf, __u32 lid, const struct btf *tbtf, __u32 tid,
			    int level)
{
	const struct btf_type *lt = btf__type_by_id(lbtf, lid), *tt = btf__type_by_id(tbtf, tid);

	if (!lt || !tt || !btf_kind_core_compat(lt, tt))
		return 0;
	for (int depth = 0; depth < TYPE_MAX_DEPTH; depth++) {
		lt = core_skip_mods_typedefs(lbtf, lid, &lid);
		tt = core_skip_mods_typedefs(tbtf, tid, &tid);
		if (!lt || !tt)
			return -EINVAL;
		if (!btf_kind_core_compat(lt, tt))
			return 0;
		switch (btf_kind(lt)) {
		case BTF_KIND_UNKN:
		case BTF_KIND_STRUCT:
		case BTF_KIND_UNION:
		case BTF_KIND_ENUM:
		case BTF_KIND_FWD:
		case BTF_KIND_ENUM64:
			return 1;
		case BTF_KIND_INT:
			return btf_int_offset(lt) == 0 && btf_int_offset(tt) == 0;
		case BTF_KIND_PTR:
			lid = lt->type;
			tid = tt->type;
			continue;
		case BTF_KIND_ARRAY:
			lid = btf_array(lt)->type;
			tid = btf_array(tt)->type;
			continue;
		case BTF_KIND_FUNC_PROTO: {
			const struct btf_param *lp = btf_params(lt), *tp = btf_params(tt);

			if (btf_vlen(lt) != btf_vlen(tt))
				return 0;
			for (int i = 0; i < btf_vlen(lt); i++, lp++, tp++) {
				__u32 a, b;
				int err;

				if (level <= 0)
					return -EINVAL;
				core_skip_mods_typedefs(lbtf, lp->type, &a);
				core_skip_mods_typedefs(tbtf, tp->type, &b);
				err = types_are_compat(lbtf, a, tbtf, b, level - 1);
				if (err <= 0)
					return err;
			}
			core_skip_mods_typedefs(lbtf, lt->type, &lid);
			core_skip_mods_typedefs(tbtf, tt->type, &tid);
			continue;
		}
		default:
			return 0;
		}
	}
	return -EINVAL;
}

static bool names_match(const struct btf *lbtf, __u32 loff, const struct btf *tbtf, __u32 toff)
{
	const char *ln = btf__name_by_offset(lbtf, loff), *tn = btf__name_by_offset(tbtf, toff);
	size_t ll, tl;

	if (!tn || !tn[0])
		return !ln || !ln[0];
	if (!ln)
		return false;
	ll = kernel_index_essential_len(ln);
	tl = kernel_index_essential_len(tn);
	return ll == tl && !strncmp(ln, tn, ll);
}

static __u32 enum_name_off(const struct btf_type *t, int i)
{
	return btf_is_enum(t) ? btf_enum(t)[i].name_off : btf_enum64(t)[i].name_off;
}

static int types_match(const struct btf *lbtf, __u32 lid, const struct btf *tbtf, __u32 tid,
		       bool behind_ptr, int level);

static int composites_match(const struct btf *lbtf, const struct btf_type *lt,
			    const struct btf *tbtf, const struct btf_type *tt, bool behind_ptr,
			    int level)
{
	const struct btf_member *lm = btf_members(lt);

	if (btf_vlen(lt) > btf_vlen(tt))
		return 0;
	for (int i = 0; i < btf_vlen(lt); i++, lm++) {
		const struct btf_member *tm = btf_members(tt);
		bool matched = false;

		for (int j = 0; j < btf_vlen(tt); j++, tm++) {
			int err;

			if (!names_match(lbtf, lm->name_off, tbtf, tm->name_off))
				continue;
			err = types_match(lbtf, lm->type, tbtf, tm->type, behind_ptr, level - 1);
			if (err < 0)
				return err;
			if (err > 0) {
				matched = true;
				break;
			}
		}
		if (!matched)
			return 0;
	}
	return 1;
}

/* libbpf's __bpf_core_types_match(): type_matches, names checked at every level. */
static int types_match(const struct btf *lbtf, __u32 lid, const struct btf *tbtf, __u32 tid,
		       bool behind_ptr, int level)
{
	if (level <= 0)
		return -EINVAL;
	for (int depth = 0; depth < TYPE_MAX_DEPTH; depth++) {
		const struct btf_type *lt = core_skip_mods_typedefs(lbtf, lid, &lid);
		const struct btf_type *tt = core_skip_mods_typedefs(tbtf, tid, &tid);
		__u16 lk, tk;

		if (!lt || !tt)
			return -EINVAL;
		if (!names_match(lbtf, lt->name_off, tbtf, tt->name_off))
			return 0;
		lk = btf_kind(lt);
		tk = btf_kind(tt);
		switch (lk) {
		case BTF_KIND_UNKN:
			return lk == tk;
		case BTF_KIND_FWD:
			if (behind_ptr) {
				if (lk == tk)
					return btf_kflag(lt) == btf_kflag(tt);
				return (tk == BTF_KIND_STRUCT && !btf_kflag(lt)) ||
				       (tk == BTF_KIND_UNION && btf_kflag(lt));
			}
			return lk == tk && btf_kflag(lt) == btf_kflag(tt);
		case BTF_KIND_ENUM:
		case BTF_KIND_ENUM64:
			if (!btf_is_any_enum(tt) || lt->size != tt->size ||
			    btf_vlen(lt) > btf_vlen(tt))
				return 0;
			for (int i = 0; i < btf_vlen(lt); i++) {
				bool found = false;

				for (int j = 0; j < btf_vlen(tt) && !found; j++)
					found = names_match(lbtf, enum_name_off(lt, i), tbtf,
							    enum_name_off(tt, j));
				if (!found)
					return 0;
			}
			return 1;
		case BTF_KIND_STRUCT:
		case BTF_KIND_UNION:
			if (behind_ptr) {
				if (lk == tk)
					return 1;
				if (tk != BTF_KIND_FWD)
					return 0;
				return (lk == BTF_KIND_UNION) == btf_kflag(tt);
			}
			if (lk != tk)
				return 0;
			return composites_match(lbtf, lt, tbtf, tt, behind_ptr, level);
		case BTF_KIND_INT:
			return lk == tk && lt->size == tt->size &&
			       (btf_int_encoding(lt) & BTF_INT_SIGNED) ==
				       (btf_int_encoding(tt) & BTF_INT_SIGNED);
		case BTF_KIND_PTR:
			if (lk != tk)
				return 0;
			behind_ptr = true;
			lid = lt->type;
			tid = tt->type;
			continue;
		case BTF_KIND_ARRAY:
			if (lk != tk || btf_array(lt)->nelems != btf_array(tt)->nelems)
				return 0;
			lid = btf_array(lt)->type;
			tid = btf_array(tt)->type;
			continue;
		case BTF_KIND_FUNC_PROTO: {
			const struct btf_param *lp = btf_params(lt), *tp = btf_params(tt);

			if (lk != tk || btf_vlen(lt) != btf_vlen(tt))
				return 0;
			for (int i = 0; i < btf_vlen(lt); i++, lp++, tp++) {
				int err = types_match(lbtf, lp->type, tbtf, tp->type, behind_ptr,
						      level - 1);

				if (err <= 0)
					return err;
			}
			lid = lt->type;
			tid = tt->type;
			continue;
		}
		default:
			return 0;
		}
	}
	return -EINVAL;
}

static void spec_visit(struct core_spec *spec, __u32 type_id, __u32 idx)
{
	if (!spec->visit || spec->visit_len == SPEC_MAX_VISITS) {
		spec->visit_overflow = true;
		return;
	}
	spec->visit[spec->visit_len].type_id = type_id;
	spec->visit[spec->visit_len].idx = idx;
	spec->visit_len++;
}

/*
 * libbpf's bpf_core_match_member(): depth-first through anonymous members; the
 * first member with the local name decides, compatible or not. Like libbpf, a
 * name match with an incompatible type inside an anonymous member leaves its index
 * in raw_spec and its bit offset in the spec (the values stay libbpf's); the
 * members that decide the outcome are recorded apart, in spec->visit.
 */
static int match_member(const struct btf *lbtf, const struct spec_accessor *lacc,
			const struct btf *tbtf, __u32 tid, struct core_spec *spec, __u32 *next_tid)
{
	const struct btf_type *lt, *tt = core_skip_mods_typedefs(tbtf, tid, &tid);
	const struct btf_member *lm, *m;
	const char *lname;

	if (!tt)
		return -EINVAL;
	if (!btf_is_composite(tt))
		return 0;
	lt = btf__type_by_id(lbtf, lacc->type_id);
	lm = btf_members(lt) + lacc->idx;
	lname = btf__name_by_offset(lbtf, lm->name_off);
	m = btf_members(tt);
	for (int i = 0; i < btf_vlen(tt); i++, m++) {
		__u32 bit_off = btf_member_bit_offset(tt, i);
		const char *tname;

		if (spec->raw_len == SPEC_MAX_LEN) {
			spec->fail_type_id = tid;
			spec->fail_idx = i;
			return -E2BIG;
		}
		spec->bit_offset += bit_off;
		spec->raw_spec[spec->raw_len++] = i;
		tname = btf__name_by_offset(tbtf, m->name_off);
		if (!tname || !tname[0]) {
			int before = spec->visit_len;
			int found = match_member(lbtf, lacc, tbtf, m->type, spec, next_tid);

			/* the way to a member that counted, or to the error */
			if (found || spec->visit_len != before || spec->visit_overflow)
				spec_visit(spec, tid, i);
			if (found)
				return found;
		} else if (!strcmp(lname, tname)) {
			struct spec_accessor *tacc = &spec->spec[spec->len++];
			int found;

			tacc->type_id = tid;
			tacc->idx = i;
			tacc->name = tname;
			*next_tid = m->type;
			spec_visit(spec, tid, i);
			found = fields_are_compat(lbtf, lm->type, tbtf, m->type);
			if (!found) {
				spec->len--;
				spec->blocked = true;
			}
			return found;
		}
		spec->bit_offset -= bit_off;
		spec->raw_len--;
	}
	return 0;
}

/* libbpf's bpf_core_spec_match(): 1 if the candidate matches, 0 if not, <0 on error. */
static int spec_match(const struct core_spec *local, const struct btf *tbtf, __u32 tid,
		      struct core_spec *targ, struct spec_visit *visits)
{
	const struct spec_accessor *lacc = local->spec;
	struct spec_accessor *tacc = targ->spec;

	memset(targ, 0, sizeof(*targ));
	targ->visit = visits;
	targ->btf = tbtf;
	targ->root_type_id = tid;
	targ->kind = local->kind;

	if (relo_is_type_based(local->kind)) {
		if (local->kind == RELO_TYPE_MATCHES)
			return types_match(local->btf, local->root_type_id, tbtf, tid, false,
					   TYPE_MAX_DEPTH);
		return types_are_compat(local->btf, local->root_type_id, tbtf, tid, TYPE_MAX_DEPTH);
	}
	if (relo_is_enumval_based(local->kind)) {
		const struct btf_type *tt = core_skip_mods_typedefs(tbtf, tid, &tid);
		size_t llen = kernel_index_essential_len(lacc->name);

		if (!tt || !btf_is_any_enum(tt))
			return 0;
		for (int i = 0; i < btf_vlen(tt); i++) {
			const char *tname = btf__name_by_offset(tbtf, enum_name_off(tt, i));

			if (kernel_index_essential_len(tname) != llen ||
			    strncmp(lacc->name, tname, llen))
				continue;
			tacc->type_id = tid;
			tacc->idx = i;
			tacc->name = tname;
			targ->len++;
			targ->raw_spec[targ->raw_len++] = i;
			return 1;
		}
		return 0;
	}
	for (int i = 0; i < local->len; i++, lacc++, tacc++) {
		const struct btf_type *tt = core_skip_mods_typedefs(tbtf, tid, &tid);
		__s64 sz;

		if (!tt)
			return -EINVAL;
		if (lacc->name) {
			int matched = match_member(local->btf, lacc, tbtf, tid, targ, &tid);

			if (matched <= 0)
				return matched;
			continue;
		}
		if (i > 0) {
			const struct btf_array *a;

			if (!btf_is_array(tt))
				return 0;
			a = btf_array(tt);
			if (!is_flex_arr(tbtf, tacc - 1, a) && lacc->idx >= a->nelems)
				return 0;
			if (!core_skip_mods_typedefs(tbtf, a->type, &tid))
				return -EINVAL;
		}
		if (targ->raw_len == SPEC_MAX_LEN)
			return -E2BIG;
		tacc->type_id = tid;
		tacc->idx = lacc->idx;
		tacc->name = NULL;
		targ->len++;
		targ->raw_spec[targ->raw_len++] = tacc->idx;
		/* libbpf keeps this size in an int: 2 GiB or more makes the walk fail with it */
		sz = btf__resolve_size(tbtf, tid);
		if ((int)sz < 0)
			return (int)sz;
		targ->bit_offset += bit_offset_of(lacc->idx, sz);
	}
	return 1;
}

/* Candidate list of one local type, shared and pruned by its relocations (libbpf's cand_cache). */
struct cand_list {
	__u32 local_id;
	bool loaded;
	__u32 len;
	__u32 *ids;
};

static void fail(struct core_relo_result *res, int err, const char *prefix, const char *detail)
{
	res->status = CORE_RELO_FAILED;
	res->err = err;
	snprintf(res->reason, sizeof(res->reason), "%s%s", prefix, detail);
}

/* Tell the observer resolving stops, and why (it keeps the message). */
static void observer_error(const struct relo_observer *obs, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void observer_error(const struct relo_observer *obs, const char *fmt, ...)
{
	char msg[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	obs->error(obs->ctx, msg);
}

/*
 * Outcomes decided before any candidate: a bad local spec, type_id_local, an anonymous
 * root, a value libbpf cannot compute on the local side. True when *res is set.
 */
static bool resolve_local(const struct core_relo *rl, struct core_relo_result *res)
{
	struct relo_value local_val;
	char why[96] = "";
	int err;

	if (rl->spec_err) {
		fail(res, rl->spec_err, "bad local spec: ", rl->spec_why);
		return true;
	}
	if (rl->desc.kind == RELO_TYPE_ID_LOCAL) {
		res->status = CORE_RELO_LOCAL;
		res->value = rl->type_id;
		return true;
	}
	if (rl->anon_root) {
		fail(res, -EOPNOTSUPP, "", "anonymous local type: libbpf cannot relocate it");
		return true;
	}
	/* libbpf computes the local side too, and fails on what it cannot compute there */
	err = relo_calc_value(rl->desc.kind, &rl->local, &local_val, why, sizeof(why));
	if (err) {
		fail(res, err, "local: ", why);
		return true;
	}
	return false;
}

/* The local type's candidates, on its first relocation (libbpf's cand_cache). */
static int load_cands(const struct kernel_index *ki, const struct core_relo *rl,
		      struct cand_list *cands)
{
	const struct btf_type *lt;
	__u32 n;

	if (cands->loaded)
		return 0;
	lt = btf__type_by_id(rl->local.btf, rl->type_id);
	n = kernel_index_cands(ki, rl->desc.type_name, btf_kind(lt), NULL, 0);
	cands->ids = malloc((n ? n : 1) * sizeof(__u32));
	if (!cands->ids)
		return -ENOMEM;
	cands->len = kernel_index_cands(ki, rl->desc.type_name, btf_kind(lt), cands->ids, n);
	cands->loaded = true;
	return 0;
}

/* No candidate matched: the value libbpf patches then (0, or a poisoned instruction). */
static void set_not_found(const struct core_relo *rl, const struct cand_list *cands,
			  struct core_relo_result *res)
{
	struct relo_value v;
	char why[96] = "";
	int err;

	err = relo_calc_value(rl->desc.kind, NULL, &v, why, sizeof(why));
	if (err) {
		fail(res, err, "", why);
		return;
	}
	res->status = CORE_RELO_NOT_FOUND;
	res->value = v.val;
	res->poison = v.poison;
	snprintf(res->reason, sizeof(res->reason), "%s %s: %s",
		 btf_is_union(btf__type_by_id(rl->local.btf, rl->type_id)) ? "union" : "type",
		 rl->desc.type_name,
		 cands->len ? "no candidate has this access" : "no such type in the kernel");
}

static int resolve_one(const struct kernel_index *ki, const struct core_relo *rl,
		       struct cand_list *cands, struct core_relo_result *res,
		       const struct relo_observer *obs, struct core_spec *scratch, bool trace)
{
	const struct btf *tbtf = kernel_index__btf(ki);
	struct core_spec *cand_spec = &scratch[0], *targ_spec = &scratch[1];
	struct relo_value first = { 0 }, v;
	struct spec_visit visits[SPEC_MAX_VISITS];
	char why[96] = "";
	__u32 j = 0;
	int err;

	memset(res, 0, sizeof(*res));
	if (resolve_local(rl, res))
		return 0;
	err = load_cands(ki, rl, cands);
	if (err)
		return err;
	for (__u32 i = 0; i < cands->len; i++) {
		err = spec_match(&rl->local, tbtf, cands->ids[i], cand_spec, visits);
		if (obs && cand_spec->visit_overflow && err != 0) {
			observer_error(obs,
				       "relocation at insn offset %u: candidate [%u]: more "
				       "than %d members decide the walk",
				       rl->desc.insn_off, cands->ids[i], SPEC_MAX_VISITS);
			return -E2BIG;
		}
		if (err < 0) {
			/*
			 * libbpf gives up on the whole object here (a walk too deep, a
			 * path too long). Keep what the walk went through, so that the
			 * tailored BTF makes libbpf give up the same way.
			 */
			if (obs)
				obs->walked(obs->ctx, cand_spec, RELO_WALK_FAILED);
			/* err may be any negative int (a size libbpf keeps in an int): no -err */
			snprintf(why, sizeof(why), "error matching candidate [%u]: %s",
				 cands->ids[i], strerror(err == INT_MIN ? ERANGE : -err));
			fail(res, err, "", why);
			return 0;
		}
		if (trace)
			core_log("%s: relo #%u: %s candidate [%u] (bit offset %u)",
				 rl->desc.program, rl->desc.sec_relo_idx,
				 err ? "matching" : "non-matching", cands->ids[i],
				 err ? cand_spec->bit_offset : 0);
		if (!err) {
			if (obs && cand_spec->blocked)
				obs->walked(obs->ctx, cand_spec, RELO_WALK_BLOCKED);
			continue;
		}
		if (obs)
			obs->walked(obs->ctx, cand_spec, RELO_WALK_MATCHED);
		err = relo_calc_value(rl->desc.kind, cand_spec, &v, why, sizeof(why));
		if (err) {
			fail(res, err, "", why);
			return 0;
		}
		if (j == 0) {
			first = v;
			*targ_spec = *cand_spec;
		} else if (cand_spec->bit_offset != targ_spec->bit_offset) {
			snprintf(why, sizeof(why),
				 "field offset ambiguity: [%u] %u != [%u] %u bits", cands->ids[i],
				 cand_spec->bit_offset, targ_spec->root_type_id,
				 targ_spec->bit_offset);
			fail(res, -EINVAL, "", why);
			return 0;
		} else if (v.poison != first.poison || v.val != first.val) {
			snprintf(why, sizeof(why),
				 "relocation decision ambiguity: [%u] %llu != [%u] %llu",
				 cands->ids[i], (unsigned long long)v.val, targ_spec->root_type_id,
				 (unsigned long long)first.val);
			fail(res, -EINVAL, "", why);
			return 0;
		}
		cands->ids[j++] = cands->ids[i];
	}
	if (j > 0) {
		cands->len = j;
		res->status = CORE_RELO_RESOLVED;
		res->value = first.val;
		res->poison = first.poison;
		res->target_id = targ_spec->root_type_id;
		return 0;
	}
	set_not_found(rl, cands, res);
	return 0;
}

/* One line per relocation for core_set_log(): the libbpf-style trace of bpftool -d. */
static void log_outcome(const struct core_relo *rl, const struct core_relo_result *r)
{
	static const char *const status[] = { "resolved", "not found", "local", "FAILED" };

	core_log("%s: relo #%u (%s %s %s) => %s%s %llu%s%s", rl->desc.program,
		 rl->desc.sec_relo_idx, rl->desc.kind_name,
		 rl->desc.type_name[0] ? rl->desc.type_name : "<anon>", rl->desc.access,
		 status[r->status], r->poison ? ", poisoned;" : ", value",
		 (unsigned long long)r->value, r->reason[0] ? ": " : "", r->reason);
}

static void free_cache(struct cand_list *cache, __u32 ntypes)
{
	if (cache)
		for (__u32 i = 0; i < ntypes; i++)
			free(cache[i].ids);
	free(cache);
}

/*
 * One pass over the relocations, in file order, with a fresh candidate cache. single[L]
 * (optional) restricts local type L to that one kernel candidate. Reports to obs when set.
 */
static int resolve_pass(const struct kernel_index *ki, const struct core_object *obj,
			struct core_relo_result *results, const struct relo_observer *obs,
			bool trace, const __u32 *single, struct core_spec *scratch)
{
	__u32 ntypes = btf__type_cnt(obj->btf);
	struct cand_list *cache = calloc(ntypes, sizeof(*cache));
	int err = 0;

	if (!cache)
		return -ENOMEM;
	for (__u32 i = 0; i < obj->relo_cnt && !err; i++) {
		const struct core_relo *rl = &obj->relos[i];
		struct cand_list *cl = &cache[rl->type_id];

		if (single && single[rl->type_id] && !cl->loaded) {
			cl->ids = malloc(sizeof(*cl->ids));
			if (!cl->ids) {
				err = -ENOMEM;
				break;
			}
			cl->ids[0] = single[rl->type_id];
			cl->len = 1;
			cl->loaded = true;
		}
		err = resolve_one(ki, rl, cl, &results[i], obs, scratch, trace);
		if (!err && trace)
			log_outcome(rl, &results[i]);
	}
	free_cache(cache, ntypes);
	return err;
}

static bool same_result(const struct core_relo_result *a, const struct core_relo_result *b,
			__u32 kind)
{
	return core_relo_result_same(a, b, kind) &&
	       (a->status != CORE_RELO_FAILED || a->err == b->err);
}

/*
 * Can local type L keep one kernel candidate, cand? Only if libbpf, given just cand, reaches
 * the same outcome for every relocation of L as with all its candidates (it fails on
 * candidates that disagree, and prunes per relocation, so this is checked, not assumed).
 */
static int single_cand_ok(const struct kernel_index *ki, const struct core_object *obj,
			  __u32 local_id, __u32 cand, const struct core_relo_result *full,
			  struct core_spec *scratch, bool *ok)
{
	struct cand_list cl = { .local_id = local_id, .loaded = true, .len = 1, .ids = &cand };
	struct core_relo_result r;

	*ok = true;
	for (__u32 i = 0; i < obj->relo_cnt && *ok; i++) {
		const struct core_relo *rl = &obj->relos[i];
		int err;

		if (rl->type_id != local_id)
			continue;
		/*
		 * A load or store's size is patched from the first matching candidate's field
		 * (its size and type, which the outcome does not show): byte_off keeps that one.
		 */
		if (rl->desc.kind == RELO_FIELD_BYTE_OFFSET &&
		    full[i].status == CORE_RELO_RESOLVED && full[i].target_id != cand) {
			*ok = false;
			break;
		}
		err = resolve_one(ki, rl, &cl, &r, NULL, scratch, false);
		if (err)
			return err;
		*ok = same_result(&full[i], &r, rl->desc.kind);
	}
	return 0;
}

/*
 * For every local type with several kernel candidates, the first candidate that alone gives
 * the same outcomes as all of them (0 if none): only its walks need to be kept (bpftool keeps
 * the first matching candidate's walk only, right or not; we keep one only where it is right).
 */
static int choose_single(const struct kernel_index *ki, const struct core_object *obj,
			 const struct core_relo_result *full, __u32 *single,
			 struct core_spec *scratch)
{
	for (__u32 i = 0; i < obj->relo_cnt; i++) {
		const struct core_relo *rl = &obj->relos[i];
		const struct btf_type *lt = btf__type_by_id(obj->btf, rl->type_id);
		__u32 n, *ids, done = 0;
		int err = 0;

		if (single[rl->type_id] || rl->spec_err || rl->anon_root ||
		    rl->desc.kind == RELO_TYPE_ID_LOCAL)
			continue;
		/* first relocation of this local type only */
		for (__u32 j = 0; j < i && !done; j++)
			done = obj->relos[j].type_id == rl->type_id;
		if (done)
			continue;
		n = kernel_index_cands(ki, rl->desc.type_name, btf_kind(lt), NULL, 0);
		if (n < 2)
			continue;
		ids = malloc(n * sizeof(*ids));
		if (!ids)
			return -ENOMEM;
		kernel_index_cands(ki, rl->desc.type_name, btf_kind(lt), ids, n);
		for (__u32 c = 0; c < n && !err; c++) {
			bool ok;

			err = single_cand_ok(ki, obj, rl->type_id, ids[c], full, scratch, &ok);
			if (!err && ok) {
				single[rl->type_id] = ids[c];
				break;
			}
		}
		free(ids);
		if (err)
			return err;
	}
	return 0;
}

int relo_resolve_object(const struct kernel_index *ki, const struct core_object *obj,
			struct core_relo_result *results, const struct relo_observer *obs,
			bool trace)
{
	struct core_relo_result *marked = NULL;
	struct core_spec *scratch = NULL;
	__u32 *single = NULL;
	int err = -ENOMEM;

	if (!obj->relo_cnt)
		return 0;
	scratch = malloc(2 * sizeof(*scratch));
	if (!scratch)
		goto out;
	/* the outcomes on this BTF, as libbpf computes them */
	err = resolve_pass(ki, obj, results, NULL, trace && core_log_cb, NULL, scratch);
	if (err || !obs)
		goto out;
	/* then mark, with one candidate where one is enough */
	err = -ENOMEM;
	single = calloc(btf__type_cnt(obj->btf), sizeof(*single));
	marked = calloc(obj->relo_cnt, sizeof(*marked));
	if (!single || !marked)
		goto out;
	err = choose_single(ki, obj, results, single, scratch);
	if (!err)
		err = resolve_pass(ki, obj, marked, obs, false, single, scratch);
	for (__u32 i = 0; !err && i < obj->relo_cnt; i++)
		if (!same_result(&results[i], &marked[i], obj->relos[i].desc.kind)) {
			/* choose_single() checked this: a bug if reached */
			observer_error(obs,
				       "internal error: relocation #%u resolves differently "
				       "with one candidate",
				       i);
			err = -EPROTO;
		}
out:
	free(marked);
	free(single);
	free(scratch);
	return err;
}

int core_object__resolve(const struct kernel_index *ki, const struct core_object *obj,
			 struct core_relo_result *results)
{
	return relo_resolve_object(ki, obj, results, NULL, true);
}

bool core_relo_result_same(const struct core_relo_result *a, const struct core_relo_result *b,
			   __u32 kind)
{
	if (a->status != b->status || a->poison != b->poison)
		return false;
	if (a->status == CORE_RELO_FAILED)
		return a->err == b->err;
	/* target type ids are ids of each BTF: only whether one was found can be compared */
	if (kind == RELO_TYPE_ID_TARGET)
		return true;
	return a->value == b->value;
}

const char *core_relo_status_str(enum core_relo_status s)
{
	switch (s) {
	case CORE_RELO_RESOLVED:
		return "resolved";
	case CORE_RELO_NOT_FOUND:
		return "not_found";
	case CORE_RELO_LOCAL:
		return "local";
	default:
		return "failed";
	}
}
