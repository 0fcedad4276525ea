// SPDX-License-Identifier: BSD-2-Clause
/* core: parsing a local access string ("0:1:2") into a spec, as libbpf's bpf_core_parse_spec(). */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core_internal.h"

const char *relo_kind_name(__u32 kind)
{
	static const char *const names[RELO_KIND_CNT] = {
		"byte_off",	  "byte_sz",	   "field_exists",   "signed",	    "lshift_u64",
		"rshift_u64",	  "local_type_id", "target_type_id", "type_exists", "type_size",
		"enumval_exists", "enumval_value", "type_matches",
	};

	return kind < RELO_KIND_CNT ? names[kind] : "unknown";
}

/* "0:1:2" -> raw_spec {0, 1, 2}; negative indices are rejected (newer libbpf does too). */
static int parse_access_indices(const char *access, struct core_spec *spec, char *why,
				size_t why_sz)
{
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
	return 0;
}

/* Step into member idx of composite t (*id): its offset; an accessor when it is named. */
static int spec_add_member(const struct btf *btf, const struct btf_type *t, __u32 *id, __u32 idx,
			   struct core_spec *spec, char *why, size_t why_sz)
{
	const struct btf_member *m;

	if (idx >= btf_vlen(t)) {
		snprintf(why, why_sz, "member #%u of [%u] out of range", idx, *id);
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
		spec->spec[spec->len].type_id = *id;
		spec->spec[spec->len].idx = idx;
		spec->spec[spec->len].name = name;
		spec->len++;
	}
	*id = m->type;
	return 0;
}

/* Step into element idx of array t: *id becomes the element type; an accessor. */
static int spec_add_index(const struct btf *btf, const struct btf_type *t, __u32 *id, __u32 idx,
			  struct core_spec *spec, char *why, size_t why_sz)
{
	const struct btf_array *a = btf_array(t);
	bool flex;
	__s64 sz;

	t = core_skip_mods_typedefs(btf, a->type, id);
	if (!t) {
		snprintf(why, why_sz, "bad array element type");
		return -EINVAL;
	}
	flex = is_flex_arr(btf, &spec->spec[spec->len - 1], a);
	if (!flex && idx >= a->nelems) {
		snprintf(why, why_sz, "array index %u out of bounds", idx);
		return -EINVAL;
	}
	spec->spec[spec->len].type_id = *id;
	spec->spec[spec->len].idx = idx;
	spec->spec[spec->len].name = NULL;
	spec->len++;
	sz = btf__resolve_size(btf, *id);
	if (sz < 0) {
		snprintf(why, why_sz, "array element [%u] has no size", *id);
		return (int)sz;
	}
	spec->bit_offset += bit_offset_of(idx, sz);
	return 0;
}

int relo_spec_parse(const struct btf *btf, __u32 type_id, const char *access, __u32 kind,
		    struct core_spec *spec, char *why, size_t why_sz)
{
	const struct btf_type *t;
	__u32 id;
	__s64 sz;
	int err;

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
	err = parse_access_indices(access, spec, why, why_sz);
	if (err)
		return err;
	t = core_skip_mods_typedefs(btf, type_id, &id);
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
		spec->spec[0].name = btf__name_by_offset(
			btf, btf_is_enum(t) ? btf_enum(t)[spec->raw_spec[0]].name_off :
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

		t = core_skip_mods_typedefs(btf, id, &id);
		if (!t) {
			snprintf(why, why_sz, "bad type [%u]", id);
			return -EINVAL;
		}
		if (btf_is_composite(t)) {
			err = spec_add_member(btf, t, &id, idx, spec, why, why_sz);
		} else if (btf_is_array(t)) {
			err = spec_add_index(btf, t, &id, idx, spec, why, why_sz);
		} else {
			snprintf(why, why_sz, "access #%d reaches [%u], neither struct nor array",
				 i, id);
			err = -EINVAL;
		}
		if (err)
			return err;
	}
	return 0;
}
