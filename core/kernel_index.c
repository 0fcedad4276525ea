// SPDX-License-Identifier: BSD-2-Clause
/* core: kernel BTF loading and validation, and the essential-name index of candidates. */
#include <byteswap.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gelf.h>
#include <libelf.h>

#include "btfgen_util.h"
#include "core_internal.h"

/*
 * libbpf's flavour rule: "task_struct___v2" is a flavour of "task_struct".
 * The rightmost X___Y with X and Y not '_' ends the essential name;
 * "a___b___c" -> "a___b", "foo____bar" has no flavour. Returns the hash of the
 * essential name and its length, in one pass: the index hashes every named type
 * of a kernel, ~100k names, so it reads each once.
 */
__u32 essential_hash(const char *name, size_t *ess_len)
{
	__u32 h = BTFGEN_FNV1A32_INIT, ess_h = 0;
	size_t i, ess = 0;
	bool flavour = false;

	for (i = 0; name[i]; i++) {
		/* rightmost X___Y (X, Y not '_') ends the essential name after X */
		if (name[i] != '_' && name[i + 1] == '_' && name[i + 2] == '_' &&
		    name[i + 3] == '_' && name[i + 4] && name[i + 4] != '_') {
			flavour = true;
			ess = i + 1;
			ess_h = btfgen_fnv1a32_byte(h, (unsigned char)name[i]);
		}
		h = btfgen_fnv1a32_byte(h, (unsigned char)name[i]);
	}
	*ess_len = flavour ? ess : i;
	return flavour ? ess_h : h;
}

size_t essential_name_len(const char *name)
{
	size_t len;

	essential_hash(name, &len);
	return len;
}

/*
 * Skip CONST/VOLATILE/RESTRICT/TYPE_TAG and TYPEDEF. libbpf follows a chain of any
 * length, so do we; only a cycle (longer than the type count) gives NULL, where libbpf
 * would loop forever.
 */
const struct btf_type *skip_mods_and_typedefs(const struct btf *btf, __u32 id, __u32 *res_id)
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
int btf_check_refs(const struct btf *btf, char *err, size_t err_sz)
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
			snprintf(err, err_sz, "malformed BTF: type [%u] has a name offset out of range",
				 id);
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
static int btf_check_mod_cycles(const struct btf *btf, char *err, size_t err_sz)
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
			snprintf(err, err_sz, "malformed BTF: type [%u] is on a cycle of "
				 "modifiers and typedefs", cur);
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
int btf_check_header(const void *data, size_t size, char *err, size_t err_sz)
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
					  (__u64)h.str_off + h.str_len : (__u64)h.type_off + h.type_len),
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
	ret = btf_size > UINT32_MAX ? -E2BIG : btf_check_header(btf_data, btf_size, err, err_sz);
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
	ret = btf_check_refs(btf, err, err_sz);
	if (!ret)
		ret = btf_check_mod_cycles(btf, err, err_sz);
	if (ret) {
		btf__free(btf);
		errno = -ret;
		return NULL;
	}
	return btf;
}

/*
 * Candidates are types with the local type's essential name and a
 * core-compatible kind (ENUM and ENUM64 are one class). Every named type
 * is chained in a hash bucket of its essential name; chains are built in
 * descending id order so that walking them yields ascending ids, the order
 * libbpf's linear scan gives.
 */
struct kernel_index {
	const struct btf *btf;
	__u32 nr_buckets; /* power of two */
	__u32 *heads;     /* bucket -> first type id, 0 = empty */
	__u32 *next;      /* type id -> next id in chain */
	__u32 *hash;      /* type id -> hash of its essential name */
};

/* Kinds a local relocation root can have: clang roots CO-RE relocations on types only. */
static bool is_candidate_kind(__u16 kind)
{
	return kind != BTF_KIND_FUNC && kind != BTF_KIND_VAR && kind != BTF_KIND_DATASEC &&
	       kind != BTF_KIND_DECL_TAG;
}

struct kernel_index *kernel_index__new(const struct btf *btf)
{
	struct kernel_index *ki = calloc(1, sizeof(*ki));
	__u32 n = btf__type_cnt(btf);

	if (!ki)
		return NULL;
	ki->btf = btf;
	ki->nr_buckets = 1024;
	while (ki->nr_buckets < n)
		ki->nr_buckets <<= 1;
	ki->heads = calloc(ki->nr_buckets, sizeof(*ki->heads));
	ki->next = calloc(n, sizeof(*ki->next));
	ki->hash = calloc(n, sizeof(*ki->hash));
	if (!ki->heads || !ki->next || !ki->hash) {
		kernel_index__free(ki);
		errno = ENOMEM;
		return NULL;
	}
	for (__u32 id = n - 1; id >= 1; id--) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		const char *name;
		size_t len;
		__u32 b;

		/* functions and variables are never CO-RE roots: half a kernel's names skipped */
		if (!t->name_off || !is_candidate_kind(btf_kind(t)))
			continue;
		name = btf__name_by_offset(btf, t->name_off);
		if (!name || !name[0])
			continue;
		ki->hash[id] = essential_hash(name, &len);
		b = ki->hash[id] & (ki->nr_buckets - 1);
		ki->next[id] = ki->heads[b];
		ki->heads[b] = id;
	}
	return ki;
}

void kernel_index__free(struct kernel_index *ki)
{
	if (!ki)
		return;
	free(ki->heads);
	free(ki->next);
	free(ki->hash);
	free(ki);
}

const struct btf *kernel_index__btf(const struct kernel_index *ki)
{
	return ki->btf;
}

static bool kinds_core_compat(__u16 a, __u16 b)
{
	bool a_enum = a == BTF_KIND_ENUM || a == BTF_KIND_ENUM64;
	bool b_enum = b == BTF_KIND_ENUM || b == BTF_KIND_ENUM64;

	return a == b || (a_enum && b_enum);
}

__u32 kernel_index__cands(const struct kernel_index *ki, const char *name, __u16 kind,
			  __u32 *ids, __u32 cap)
{
	size_t len;
	__u32 h = essential_hash(name, &len), cnt = 0;

	if (!is_candidate_kind(kind)) {
		/* not indexed; a hand-made object may still ask: scan, as libbpf does */
		for (__u32 id = 1; id < btf__type_cnt(ki->btf); id++) {
			const struct btf_type *t = btf__type_by_id(ki->btf, id);
			const char *tname = btf__name_by_offset(ki->btf, t->name_off);

			if (btf_kind(t) != kind || !tname || !tname[0] ||
			    essential_name_len(tname) != len || strncmp(tname, name, len))
				continue;
			if (cnt < cap)
				ids[cnt] = id;
			cnt++;
		}
		return cnt;
	}
	for (__u32 id = ki->heads[h & (ki->nr_buckets - 1)]; id; id = ki->next[id]) {
		const struct btf_type *t;
		const char *tname;

		if (ki->hash[id] != h)
			continue;
		t = btf__type_by_id(ki->btf, id);
		if (!kinds_core_compat(btf_kind(t), kind))
			continue;
		tname = btf__name_by_offset(ki->btf, t->name_off);
		if (essential_name_len(tname) != len || strncmp(tname, name, len))
			continue;
		if (cnt < cap)
			ids[cnt] = id;
		cnt++;
	}
	return cnt;
}
