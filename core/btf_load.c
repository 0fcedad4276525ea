// SPDX-License-Identifier: BSD-2-Clause
/* core: kernel BTF loading and validation (raw, or an ELF's .BTF); the modifier-skipping walk. */
#include <byteswap.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gelf.h>
#include <libelf.h>

#include "core_internal.h"

/*
 * Skip CONST/VOLATILE/RESTRICT/TYPE_TAG and TYPEDEF. libbpf follows a chain of any
 * length, so do we; only a cycle (longer than the type count) gives NULL, where libbpf
 * would loop forever.
 */
const struct btf_type *core_skip_mods_typedefs(const struct btf *btf, __u32 id, __u32 *res_id)
{
	const struct btf_type *t = btf__type_by_id(btf, id);
	__u32 n = btf__type_cnt(btf);

	for (__u32 i = 0; t && (btf_is_mod(t) || btf_is_typedef(t)); i++) {
		if (i >= n)
			return NULL;
		id = t->type;
		t = btf__type_by_id(btf, id);
	}
	if (res_id)
		*res_id = id;
	return t;
}

static bool name_ok(const struct btf *btf, __u32 off)
{
	return btf__name_by_offset(btf, off) != NULL;
}

/*
 * libbpf 1.1 parses a BTF without checking that ids and name offsets point
 * anywhere; everything downstream indexes with them, so check them once.
 */
int core_btf_check_refs(const struct btf *btf, char *err, size_t err_sz)
{
	__u32 n = btf__type_cnt(btf);

	for (__u32 id = 1; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		__u32 bad = 0;
		bool bad_name = !name_ok(btf, t->name_off);

		switch (btf_kind(t)) {
		case BTF_KIND_INT:
		case BTF_KIND_FWD:
		case BTF_KIND_FLOAT:
			break;
		case BTF_KIND_PTR:
		case BTF_KIND_TYPEDEF:
		case BTF_KIND_VOLATILE:
		case BTF_KIND_CONST:
		case BTF_KIND_RESTRICT:
		case BTF_KIND_TYPE_TAG:
		case BTF_KIND_FUNC:
		case BTF_KIND_VAR:
		case BTF_KIND_DECL_TAG:
			if (t->type >= n)
				bad = t->type;
			break;
		case BTF_KIND_ARRAY:
			if (btf_array(t)->type >= n)
				bad = btf_array(t)->type;
			else if (btf_array(t)->index_type >= n)
				bad = btf_array(t)->index_type;
			break;
		case BTF_KIND_STRUCT:
		case BTF_KIND_UNION: {
			const struct btf_member *m = btf_members(t);

			for (int i = 0; i < btf_vlen(t); i++, m++) {
				if (m->type >= n)
					bad = m->type;
				bad_name |= !name_ok(btf, m->name_off);
			}
			break;
		}
		case BTF_KIND_ENUM:
			for (int i = 0; i < btf_vlen(t); i++)
				bad_name |= !name_ok(btf, btf_enum(t)[i].name_off);
			break;
		case BTF_KIND_ENUM64:
			for (int i = 0; i < btf_vlen(t); i++)
				bad_name |= !name_ok(btf, btf_enum64(t)[i].name_off);
			break;
		case BTF_KIND_FUNC_PROTO: {
			const struct btf_param *p = btf_params(t);

			if (t->type >= n)
				bad = t->type;
			for (int i = 0; i < btf_vlen(t); i++, p++) {
				if (p->type >= n)
					bad = p->type;
				bad_name |= !name_ok(btf, p->name_off);
			}
			break;
		}
		case BTF_KIND_DATASEC: {
			const struct btf_var_secinfo *v = btf_var_secinfos(t);

			for (int i = 0; i < btf_vlen(t); i++, v++)
				if (v->type >= n)
					bad = v->type;
			break;
		}
		default:
			/*
			 * Not reached with the libbpf versions we build with (1.1, the newest
			 * Debian's): btf__new() refuses a kind it does not know, and this switch
			 * lists all they know (up to ENUM64). A libbpf that learns a new kind
			 * makes it reachable: then refuse what we cannot check, by name.
			 */
			snprintf(err, err_sz, "malformed BTF: type [%u] has unknown kind %u", id,
				 btf_kind(t));
			return -EINVAL;
		}
		if (bad) {
			snprintf(err, err_sz, "malformed BTF: type [%u] refers to type [%u] of %u",
				 id, bad, n - 1);
			return -EINVAL;
		}
		if (bad_name) {
			snprintf(err, err_sz,
				 "malformed BTF: type [%u] has a name offset out of range", id);
			return -EINVAL;
		}
	}
	return 0;
}

static bool is_mod_or_typedef(const struct btf *btf, __u32 id)
{
	const struct btf_type *t = btf__type_by_id(btf, id);

	return id && t && (btf_is_mod(t) || btf_is_typedef(t));
}

/*
 * A cycle of modifiers and typedefs makes libbpf's skip_mods_and_typedefs() loop forever,
 * and every chain walk here cost the type count: refuse such a BTF, in one pass (each type
 * is walked once: 1 = on the chain being walked, 2 = known to end).
 */
static int core_btf_check_mod_cycles(const struct btf *btf, char *err, size_t err_sz)
{
	__u32 n = btf__type_cnt(btf), cur;
	__u8 *state = calloc(n, 1);

	if (!state) {
		snprintf(err, err_sz, "out of memory");
		return -ENOMEM;
	}
	for (__u32 id = 1; id < n; id++) {
		for (cur = id; is_mod_or_typedef(btf, cur) && !state[cur];
		     cur = btf__type_by_id(btf, cur)->type)
			state[cur] = 1;
		if (is_mod_or_typedef(btf, cur) && state[cur] == 1) {
			snprintf(err, err_sz,
				 "malformed BTF: type [%u] is on a cycle of "
				 "modifiers and typedefs",
				 cur);
			free(state);
			return -ELOOP;
		}
		for (cur = id; is_mod_or_typedef(btf, cur) && state[cur] == 1;
		     cur = btf__type_by_id(btf, cur)->type)
			state[cur] = 2;
	}
	free(state);
	return 0;
}

/* Find the bytes of section 'name' in an ELF image; NULL if absent. */
static const void *elf_section_bytes(Elf *elf, const char *name, size_t *size)
{
	size_t shstrndx;
	Elf_Scn *scn = NULL;

	if (elf_getshdrstrndx(elf, &shstrndx))
		return NULL;
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		const char *sname;
		Elf_Data *d;

		if (!gelf_getshdr(scn, &sh))
			return NULL;
		sname = elf_strptr(elf, shstrndx, sh.sh_name);
		if (!sname || strcmp(sname, name))
			continue;
		if (sh.sh_type == SHT_NOBITS)
			return NULL;
		d = elf_getdata(scn, NULL);
		if (!d || !d->d_buf)
			return NULL;
		*size = d->d_size;
		return d->d_buf;
	}
	return NULL;
}

/* libbpf only says EINVAL about a bad header: say which field is wrong. */
int core_btf_check_header(const void *data, size_t size, char *err, size_t err_sz)
{
	struct btf_header h;
	bool swap;

	if (size < sizeof(h)) {
		snprintf(err, err_sz, "not BTF: %zu bytes, shorter than a header", size);
		return -EINVAL;
	}
	memcpy(&h, data, sizeof(h));
	swap = h.magic == bswap_16(BTF_MAGIC);
	if (h.magic != BTF_MAGIC && !swap) {
		snprintf(err, err_sz, "not BTF: magic 0x%04x", h.magic);
		return -EINVAL;
	}
	if (swap) {
		h.hdr_len = bswap_32(h.hdr_len);
		h.type_off = bswap_32(h.type_off);
		h.type_len = bswap_32(h.type_len);
		h.str_off = bswap_32(h.str_off);
		h.str_len = bswap_32(h.str_len);
	}
	if (h.version != BTF_VERSION) {
		snprintf(err, err_sz, "unsupported BTF version %u", h.version);
		return -ENOTSUP;
	}
	if (h.hdr_len < sizeof(h) || h.hdr_len > size) {
		snprintf(err, err_sz, "bad BTF header length %u", h.hdr_len);
		return -EINVAL;
	}
	/* libbpf 1.1 takes it, but then every type (and every read of one) is misaligned */
	if (h.hdr_len % 4) {
		snprintf(err, err_sz, "BTF header length %u is not a multiple of 4", h.hdr_len);
		return -EINVAL;
	}
	if ((__u64)h.hdr_len + h.type_off + h.type_len > size ||
	    (__u64)h.hdr_len + h.str_off + h.str_len > size) {
		snprintf(err, err_sz, "truncated BTF: sections end at %llu, data is %zu bytes",
			 (unsigned long long)h.hdr_len +
				 (h.str_off + h.str_len > h.type_off + h.type_len ?
					  (__u64)h.str_off + h.str_len :
					  (__u64)h.type_off + h.type_len),
			 size);
		return -EINVAL;
	}
	return 0;
}

struct btf *core_btf_from_mem(const void *data, size_t size, char *err, size_t err_sz)
{
	const void *btf_data = data;
	size_t btf_size = size;
	Elf *elf = NULL;
	struct btf *btf;
	int ret;

	if (size >= 4 && !memcmp(data, ELFMAG, SELFMAG)) {
		elf_version(EV_CURRENT);
		/* elf_memory() only reads a native-order image in place. */
		elf = elf_memory((char *)data, size);
		if (!elf) {
			snprintf(err, err_sz, "not a valid ELF file: %s", elf_errmsg(-1));
			errno = EINVAL;
			return NULL;
		}
		btf_data = elf_section_bytes(elf, ".BTF", &btf_size);
		if (!btf_data) {
			snprintf(err, err_sz, "ELF file has no .BTF section");
			elf_end(elf);
			errno = ENOENT;
			return NULL;
		}
	}
	ret = btf_size > UINT32_MAX ? -E2BIG :
				      core_btf_check_header(btf_data, btf_size, err, err_sz);
	if (ret) {
		if (ret == -E2BIG)
			snprintf(err, err_sz, "BTF of %zu bytes is too large", btf_size);
		elf_end(elf);
		errno = -ret;
		return NULL;
	}
	btf = btf__new(btf_data, btf_size);
	ret = -errno;
	elf_end(elf);
	if (!btf) {
		snprintf(err, err_sz, "invalid BTF: %s", strerror(-ret));
		errno = -ret;
		return NULL;
	}
	ret = core_btf_check_refs(btf, err, err_sz);
	if (!ret)
		ret = core_btf_check_mod_cycles(btf, err, err_sz);
	if (ret) {
		btf__free(btf);
		errno = -ret;
		return NULL;
	}
	return btf;
}
