// SPDX-License-Identifier: BSD-2-Clause
/*
 * core: CO-RE relocation matching with libbpf's semantics (relo_core.c, libbpf 1.x),
 * written against the public BTF API. Outline, per relocation:
 *   1. parse the local access spec (done once, when the object is loaded);
 *   2. take the candidates: kernel types of the same essential name and kind, cached and
 *      pruned per local type in file order, as libbpf does;
 *   3. match the spec on each candidate, compute the value, check ambiguity;
 *   4. when tailoring, mark what every matching candidate uses.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core_internal.h"

core_log_fn core_log_cb;

void core_set_log(core_log_fn fn)
{
	core_log_cb = fn;
}

void core_log(const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	if (!core_log_cb)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	core_log_cb(buf);
}

const char *relo_kind_name(__u32 kind)
{
	static const char *const names[RELO_KIND_CNT] = {
		"byte_off", "byte_sz", "field_exists", "signed", "lshift_u64", "rshift_u64",
		"local_type_id", "target_type_id", "type_exists", "type_size",
		"enumval_exists", "enumval_value", "type_matches",
	};

	return kind < RELO_KIND_CNT ? names[kind] : "unknown";
}

static const char *type_name(const struct btf *btf, const struct btf_type *t)
{
	const char *n = btf__name_by_offset(btf, t->name_off);

	return n ? n : "";
}

/* A zero-length array that is the last member of a struct may be indexed past its end. */
static bool is_flex_arr(const struct btf *btf, const struct spec_accessor *acc,
			const struct btf_array *arr)
{
	if (!acc->name || arr->nelems > 0)
		return false;
	return acc->idx == (__u32)btf_vlen(btf__type_by_id(btf, acc->type_id)) - 1;
}

/* Bit offset of element idx of an array of sz-byte elements, as libbpf's __u32 keeps it. */
static __u32 bit_offset_of(__u32 idx, __s64 sz)
{
	return (__u32)((__u64)idx * (__u64)sz * 8);
}

int spec_parse(const struct btf *btf, __u32 type_id, const char *access, __u32 kind,
	       struct core_spec *spec, char *why, size_t why_sz)
{
	const struct btf_type *t;
	__u32 id;
	__s64 sz;

	memset(spec, 0, sizeof(*spec));
	spec->btf = btf;
	spec->root_type_id = type_id;
	spec->kind = kind;
	if (kind >= RELO_KIND_CNT) {
		snprintf(why, why_sz, "unknown relocation kind %u", kind);
		return -EOPNOTSUPP;
	}
	if (!access[0] || access[0] == ':') {
		snprintf(why, why_sz, "empty access string");
		return -EINVAL;
	}
	if (relo_is_type_based(kind)) {
		if (strcmp(access, "0")) {
			snprintf(why, why_sz, "type relocation with access string '%s'", access);
			return -EINVAL;
		}
		return 0;
	}
	/* "0:1:2" -> raw_spec {0, 1, 2}; negative indices are rejected (newer libbpf does too). */
	while (*access) {
		char *end;
		long v;

		if (*access == ':')
			access++;
		if (*access < '0' || *access > '9') {
			snprintf(why, why_sz, "bad access string");
			return -EINVAL;
		}
		v = strtol(access, &end, 10);
		if (v > INT32_MAX) {
			snprintf(why, why_sz, "access index %ld out of range", v);
			return -EINVAL;
		}
		if (spec->raw_len == SPEC_MAX_LEN) {
			snprintf(why, why_sz, "access string longer than %d", SPEC_MAX_LEN);
			return -E2BIG;
		}
		spec->raw_spec[spec->raw_len++] = v;
		access = end;
	}
	t = skip_mods_and_typedefs(btf, type_id, &id);
	if (!t) {
		snprintf(why, why_sz, "bad root type");
		return -EINVAL;
	}
	spec->spec[0].type_id = id;
	spec->spec[0].idx = spec->raw_spec[0];
	spec->len = 1;

	if (relo_is_enumval_based(kind)) {
		if (!btf_is_any_enum(t) || spec->raw_len > 1 || spec->raw_spec[0] >= btf_vlen(t)) {
			snprintf(why, why_sz, "enumerator access does not name an enumerator");
			return -EINVAL;
		}
		spec->spec[0].name = btf__name_by_offset(btf, btf_is_enum(t) ?
			btf_enum(t)[spec->raw_spec[0]].name_off :
			btf_enum64(t)[spec->raw_spec[0]].name_off);
		return 0;
	}

	sz = btf__resolve_size(btf, id);
	if (sz < 0) {
		snprintf(why, why_sz, "root type [%u] has no size", id);
		return (int)sz;
	}
	/*
	 * libbpf 1.1 computes index * size * 8 in 64 bits and keeps the low 32 in a __u32;
	 * with a huge index on a large type the signed product overflows there. Unsigned
	 * arithmetic gives the same low 32 bits without undefined behaviour.
	 */
	spec->bit_offset = bit_offset_of(spec->raw_spec[0], sz);

	for (int i = 1; i < spec->raw_len; i++) {
		__u32 idx = spec->raw_spec[i];

		t = skip_mods_and_typedefs(btf, id, &id);
		if (!t) {
			snprintf(why, why_sz, "bad type [%u]", id);
			return -EINVAL;
		}
		if (btf_is_composite(t)) {
			const struct btf_member *m;

			if (idx >= btf_vlen(t)) {
				snprintf(why, why_sz, "member #%u of [%u] out of range", idx, id);
				return -EINVAL;
			}
			spec->bit_offset += btf_member_bit_offset(t, idx);
			m = btf_members(t) + idx;
			if (m->name_off) {
				const char *name = btf__name_by_offset(btf, m->name_off);

				if (!name || !name[0]) {
					snprintf(why, why_sz, "bad member name");
					return -EINVAL;
				}
				spec->spec[spec->len].type_id = id;
				spec->spec[spec->len].idx = idx;
				spec->spec[spec->len].name = name;
				spec->len++;
			}
			id = m->type;
		} else if (btf_is_array(t)) {
			const struct btf_array *a = btf_array(t);
			bool flex;

			t = skip_mods_and_typedefs(btf, a->type, &id);
			if (!t) {
				snprintf(why, why_sz, "bad array element type");
				return -EINVAL;
			}
			flex = is_flex_arr(btf, &spec->spec[spec->len - 1], a);
			if (!flex && idx >= a->nelems) {
				snprintf(why, why_sz, "array index %u out of bounds", idx);
				return -EINVAL;
			}
			spec->spec[spec->len].type_id = id;
			spec->spec[spec->len].idx = idx;
			spec->spec[spec->len].name = NULL;
			spec->len++;
			sz = btf__resolve_size(btf, id);
			if (sz < 0) {
				snprintf(why, why_sz, "array element [%u] has no size", id);
				return (int)sz;
			}
			spec->bit_offset += bit_offset_of(idx, sz);
		} else {
			snprintf(why, why_sz, "access #%d reaches [%u], neither struct nor array", i,
				 id);
			return -EINVAL;
		}
	}
	return 0;
}

/* libbpf's bpf_core_fields_are_compat(): what a field access needs of the target field type. */
static int fields_are_compat(const struct btf *lbtf, __u32 lid, const struct btf *tbtf, __u32 tid)
{
	for (int depth = 0; depth < TYPE_MAX_DEPTH; depth++) {
		const struct btf_type *lt = skip_mods_and_typedefs(lbtf, lid, &lid);
		const struct btf_type *tt = skip_mods_and_typedefs(tbtf, tid, &tid);

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
			size_t ll = essential_name_len(ln), tl = essential_name_len(tn);

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
		lt = skip_mods_and_typedefs(lbtf, lid, &lid);
		tt = skip_mods_and_typedefs(tbtf, tid, &tid);
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
				skip_mods_and_typedefs(lbtf, lp->type, &a);
				skip_mods_and_typedefs(tbtf, tp->type, &b);
				err = types_are_compat(lbtf, a, tbtf, b, level - 1);
				if (err <= 0)
					return err;
			}
			skip_mods_and_typedefs(lbtf, lt->type, &lid);
			skip_mods_and_typedefs(tbtf, tt->type, &tid);
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
	ll = essential_name_len(ln);
	tl = essential_name_len(tn);
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
		const struct btf_type *lt = skip_mods_and_typedefs(lbtf, lid, &lid);
		const struct btf_type *tt = skip_mods_and_typedefs(tbtf, tid, &tid);
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
	const struct btf_type *lt, *tt = skip_mods_and_typedefs(tbtf, tid, &tid);
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
		return types_are_compat(local->btf, local->root_type_id, tbtf, tid,
					TYPE_MAX_DEPTH);
	}
	if (relo_is_enumval_based(local->kind)) {
		const struct btf_type *tt = skip_mods_and_typedefs(tbtf, tid, &tid);
		size_t llen = essential_name_len(lacc->name);

		if (!tt || !btf_is_any_enum(tt))
			return 0;
		for (int i = 0; i < btf_vlen(tt); i++) {
			const char *tname = btf__name_by_offset(tbtf, enum_name_off(tt, i));

			if (essential_name_len(tname) != llen || strncmp(lacc->name, tname, llen))
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
		const struct btf_type *tt = skip_mods_and_typedefs(tbtf, tid, &tid);
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
			if (!skip_mods_and_typedefs(tbtf, a->type, &tid))
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

/* The value one spec gives (libbpf's bpf_core_calc_*_relo); spec NULL: nothing matched. */
struct relo_value {
	__u64 val;
	bool poison;
};

static int calc_field(__u32 kind, const struct core_spec *spec, struct relo_value *out,
		      char *why, size_t why_sz)
{
	const struct spec_accessor *acc;
	const struct btf_type *t, *mt;
	const struct btf_member *m;
	__u32 byte_off, byte_sz, bit_off, bit_sz, mt_id;
	__s64 sz;

	if (kind == RELO_FIELD_EXISTS) {
		out->val = spec != NULL;
		return 0;
	}
	if (!spec) {
		out->poison = true;
		return 0;
	}
	acc = &spec->spec[spec->len - 1];
	t = btf__type_by_id(spec->btf, acc->type_id);
	if (!acc->name) { /* the access ends on an array element */
		if (kind != RELO_FIELD_BYTE_OFFSET && kind != RELO_FIELD_BYTE_SIZE) {
			snprintf(why, why_sz, "%s cannot apply to an array element",
				 relo_kind_name(kind));
			return -EINVAL;
		}
		sz = btf__resolve_size(spec->btf, acc->type_id);
		if (sz < 0) {
			snprintf(why, why_sz, "array element [%u] has no size", acc->type_id);
			return -EINVAL;
		}
		out->val = kind == RELO_FIELD_BYTE_OFFSET ? spec->bit_offset / 8 : (__u64)sz;
		return 0;
	}
	m = btf_members(t) + acc->idx;
	mt = skip_mods_and_typedefs(spec->btf, m->type, &mt_id);
	if (!mt)
		return -EINVAL;
	bit_off = spec->bit_offset;
	bit_sz = btf_member_bitfield_size(t, acc->idx);
	if (bit_sz) {
		/* the smallest power-of-two load, aligned to itself, that covers the bitfield */
		byte_sz = mt->size;
		if (!byte_sz || byte_sz > 8) {
			snprintf(why, why_sz, "bitfield of a %u-byte type", byte_sz);
			return -EINVAL;
		}
		byte_off = bit_off / 8 / byte_sz * byte_sz;
		while (bit_off + bit_sz - byte_off * 8 > byte_sz * 8) {
			if (byte_sz >= 8) {
				snprintf(why, why_sz, "bitfield cannot be read with a 64-bit load");
				return -E2BIG;
			}
			byte_sz *= 2;
			byte_off = bit_off / 8 / byte_sz * byte_sz;
		}
	} else {
		sz = btf__resolve_size(spec->btf, mt_id);
		if (sz < 0) {
			snprintf(why, why_sz, "field type [%u] has no size", mt_id);
			return -EINVAL;
		}
		byte_sz = sz;
		byte_off = bit_off / 8;
		bit_sz = byte_sz * 8;
	}
	switch (kind) {
	case RELO_FIELD_BYTE_OFFSET:
		out->val = byte_off;
		break;
	case RELO_FIELD_BYTE_SIZE:
		out->val = byte_sz;
		break;
	case RELO_FIELD_SIGNED:
		/* libbpf >= 1.3 rule: only INT encodings and enum kflags carry a sign */
		out->val = (btf_is_any_enum(mt) && btf_kflag(mt)) ||
			   (btf_is_int(mt) && (btf_int_encoding(mt) & BTF_INT_SIGNED));
		break;
	case RELO_FIELD_LSHIFT_U64:
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
		out->val = 64 - (bit_off + bit_sz - byte_off * 8);
#else
		out->val = (8 - byte_sz) * 8 + (bit_off - byte_off * 8);
#endif
		break;
	case RELO_FIELD_RSHIFT_U64:
		out->val = 64 - bit_sz;
		break;
	default:
		return -EOPNOTSUPP;
	}
	return 0;
}

static int calc_value(__u32 kind, const struct core_spec *spec, struct relo_value *out,
		      char *why, size_t why_sz)
{
	__s64 sz;

	memset(out, 0, sizeof(*out));
	if (relo_is_field_based(kind))
		return calc_field(kind, spec, out, why, why_sz);
	if (relo_is_type_based(kind)) {
		if (!spec)
			return 0;
		switch (kind) {
		case RELO_TYPE_ID_TARGET:
			out->val = spec->root_type_id;
			return 0;
		case RELO_TYPE_EXISTS:
		case RELO_TYPE_MATCHES:
			out->val = 1;
			return 0;
		case RELO_TYPE_SIZE:
			sz = btf__resolve_size(spec->btf, spec->root_type_id);
			if (sz < 0) {
				snprintf(why, why_sz, "type [%u] has no size", spec->root_type_id);
				return -EINVAL;
			}
			out->val = sz;
			return 0;
		default:
			return -EOPNOTSUPP;
		}
	}
	if (kind == RELO_ENUMVAL_EXISTS) {
		out->val = spec != NULL;
		return 0;
	}
	if (kind == RELO_ENUMVAL_VALUE) {
		const struct btf_type *t;

		if (!spec) {
			out->poison = true;
			return 0;
		}
		t = btf__type_by_id(spec->btf, spec->spec[0].type_id);
		if (btf_is_enum(t))
			out->val = (__u64)(__s64)btf_enum(t)[spec->spec[0].idx].val;
		else
			out->val = btf_enum64_value(btf_enum64(t) + spec->spec[0].idx);
		return 0;
	}
	return -EOPNOTSUPP;
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

static int resolve_one(const struct kernel_index *ki, const struct core_relo *rl,
		       struct cand_list *cands, struct core_relo_result *res,
		       struct core_tailor *t, struct core_spec *scratch, bool trace)
{
	const struct btf *tbtf = kernel_index__btf(ki);
	struct core_spec *cand_spec = &scratch[0], *targ_spec = &scratch[1];
	struct relo_value local_val, first = { 0 }, v;
	struct spec_visit visits[SPEC_MAX_VISITS];
	char why[96] = "";
	__u32 j = 0;
	int err;

	memset(res, 0, sizeof(*res));
	if (rl->spec_err) {
		fail(res, rl->spec_err, "bad local spec: ", rl->spec_why);
		return 0;
	}
	if (rl->desc.kind == RELO_TYPE_ID_LOCAL) {
		res->status = CORE_RELO_LOCAL;
		res->value = rl->type_id;
		return 0;
	}
	if (rl->anon_root) {
		fail(res, -EOPNOTSUPP, "", "anonymous local type: libbpf cannot relocate it");
		return 0;
	}
	/* libbpf computes the local side too, and fails on what it cannot compute there */
	err = calc_value(rl->desc.kind, &rl->local, &local_val, why, sizeof(why));
	if (err) {
		fail(res, err, "local: ", why);
		return 0;
	}
	if (!cands->loaded) {
		const struct btf_type *lt = btf__type_by_id(rl->local.btf, rl->type_id);
		__u32 n = kernel_index__cands(ki, rl->desc.type_name, btf_kind(lt), NULL, 0);

		cands->ids = malloc((n ? n : 1) * sizeof(__u32));
		if (!cands->ids)
			return -ENOMEM;
		cands->len = kernel_index__cands(ki, rl->desc.type_name, btf_kind(lt), cands->ids, n);
		cands->loaded = true;
	}
	for (__u32 i = 0; i < cands->len; i++) {
		err = spec_match(&rl->local, tbtf, cands->ids[i], cand_spec, visits);
		if (t && cand_spec->visit_overflow && err != 0) {
			tailor_set_error(t, "relocation at insn offset %u: candidate [%u]: more "
					 "than %d members decide the walk", rl->desc.insn_off,
					 cands->ids[i], SPEC_MAX_VISITS);
			return -E2BIG;
		}
		if (err < 0) {
			/*
			 * libbpf gives up on the whole object here (a walk too deep, a
			 * path too long). Keep what the walk went through, so that the
			 * tailored BTF makes libbpf give up the same way.
			 */
			if (t)
				tailor_mark_failed_walk(t, cand_spec);
			snprintf(why, sizeof(why), "error matching candidate [%u]: %s", cands->ids[i],
				 strerror(-err));
			fail(res, err, "", why);
			return 0;
		}
		if (trace)
			core_log("%s: relo #%u: %s candidate [%u] (bit offset %u)", rl->desc.program,
				 rl->desc.sec_relo_idx, err ? "matching" : "non-matching",
				 cands->ids[i], err ? cand_spec->bit_offset : 0);
		if (!err) {
			if (t && cand_spec->blocked)
				tailor_note_blocker(t, cand_spec);
			continue;
		}
		if (t)
			tailor_mark_spec(t, cand_spec);
		err = calc_value(rl->desc.kind, cand_spec, &v, why, sizeof(why));
		if (err) {
			fail(res, err, "", why);
			return 0;
		}
		if (j == 0) {
			first = v;
			*targ_spec = *cand_spec;
		} else if (cand_spec->bit_offset != targ_spec->bit_offset) {
			snprintf(why, sizeof(why), "field offset ambiguity: [%u] %u != [%u] %u bits",
				 cands->ids[i], cand_spec->bit_offset, targ_spec->root_type_id,
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
	err = calc_value(rl->desc.kind, NULL, &v, why, sizeof(why));
	if (err) {
		fail(res, err, "", why);
		return 0;
	}
	res->status = CORE_RELO_NOT_FOUND;
	res->value = v.val;
	res->poison = v.poison;
	snprintf(res->reason, sizeof(res->reason), "%s %s: %s",
		 btf_is_union(btf__type_by_id(rl->local.btf, rl->type_id)) ? "union" : "type",
		 rl->desc.type_name,
		 cands->len ? "no candidate has this access" : "no such type in the kernel");
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
 * (optional) restricts local type L to that one kernel candidate. Marks when t is set.
 */
static int resolve_pass(const struct kernel_index *ki, const struct core_object *obj,
			struct core_relo_result *results, struct core_tailor *t, bool trace,
			const __u32 *single, struct core_spec *scratch)
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
		err = resolve_one(ki, rl, cl, &results[i], t, scratch, trace);
		if (!err && trace)
			log_outcome(rl, &results[i]);
	}
	free_cache(cache, ntypes);
	return err;
}

static bool same_result(const struct core_relo_result *a, const struct core_relo_result *b,
			__u32 kind)
{
	return core_relo_result__same(a, b, kind) && (a->status != CORE_RELO_FAILED ||
						      a->err == b->err);
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
		n = kernel_index__cands(ki, rl->desc.type_name, btf_kind(lt), NULL, 0);
		if (n < 2)
			continue;
		ids = malloc(n * sizeof(*ids));
		if (!ids)
			return -ENOMEM;
		kernel_index__cands(ki, rl->desc.type_name, btf_kind(lt), ids, n);
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

int resolve_object(const struct kernel_index *ki, const struct core_object *obj,
		   struct core_relo_result *results, struct core_tailor *t, bool trace)
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
	if (err || !t)
		goto out;
	/* then mark, with one candidate where one is enough */
	err = -ENOMEM;
	single = calloc(btf__type_cnt(obj->btf), sizeof(*single));
	marked = calloc(obj->relo_cnt, sizeof(*marked));
	if (!single || !marked)
		goto out;
	err = choose_single(ki, obj, results, single, scratch);
	if (!err)
		err = resolve_pass(ki, obj, marked, t, false, single, scratch);
	for (__u32 i = 0; !err && i < obj->relo_cnt; i++)
		if (!same_result(&results[i], &marked[i], obj->relos[i].desc.kind)) {
			/* choose_single() checked this: a bug if reached */
			tailor_set_error(t, "internal error: relocation #%u resolves differently "
					 "with one candidate", i);
			err = -EPROTO;
		}
out:
	free(marked);
	free(single);
	free(scratch);
	return err;
}

int core_resolve(const struct kernel_index *ki, const struct core_object *obj,
		 struct core_relo_result *results)
{
	return resolve_object(ki, obj, results, NULL, true);
}

bool core_relo_result__same(const struct core_relo_result *a, const struct core_relo_result *b,
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
