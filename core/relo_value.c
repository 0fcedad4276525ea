// SPDX-License-Identifier: BSD-2-Clause
/* core: the value a matched spec gives each relocation kind (libbpf's bpf_core_calc_*_relo). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core_internal.h"

static int calc_field(__u32 kind, const struct core_spec *spec, struct relo_value *out, char *why,
		      size_t why_sz)
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
	mt = core_skip_mods_typedefs(spec->btf, m->type, &mt_id);
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

int relo_calc_value(__u32 kind, const struct core_spec *spec, struct relo_value *out, char *why,
		    size_t why_sz)
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
