// SPDX-License-Identifier: BSD-2-Clause
/* core: load a BPF object once: its .BTF, and the CO-RE records of .BTF.ext parsed by us. */
#include <byteswap.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gelf.h>
#include <libelf.h>

#include "btfgen_util.h"
#include "core_internal.h"

#define BTF_MAGIC_NATIVE 0xeB9F
#define OBJECT_MAX_SIZE (1ULL << 30)

/* .BTF.ext header (libbpf_internal.h layout; offsets relative to the header's end). */
struct ext_header {
	__u16 magic;
	__u8 version;
	__u8 flags;
	__u32 hdr_len;
	__u32 func_info_off, func_info_len;
	__u32 line_info_off, line_info_len;
	__u32 core_relo_off, core_relo_len; /* present when hdr_len >= 32 */
};

/* Reads u32 fields of a possibly foreign-endian section, bounds already checked. */
struct ext_reader {
	const unsigned char *data;
	size_t size;
	bool swap;
};

static __u32 rd32(const struct ext_reader *r, size_t off)
{
	__u32 v;

	memcpy(&v, r->data + off, sizeof(v));
	return r->swap ? bswap_32(v) : v;
}

/* Program name: the function symbol covering insn_off in section sec_idx. */
static const char *program_at(Elf *elf, Elf_Scn *symtab, size_t sec_idx, __u32 insn_off)
{
	GElf_Shdr sh;
	Elf_Data *d;
	size_t n;

	if (!symtab || !gelf_getshdr(symtab, &sh) || !(d = elf_getdata(symtab, NULL)) ||
	    !sh.sh_entsize)
		return NULL;
	n = sh.sh_size / sh.sh_entsize;
	for (size_t i = 0; i < n; i++) {
		GElf_Sym sym;

		if (!gelf_getsym(d, i, &sym) || GELF_ST_TYPE(sym.st_info) != STT_FUNC ||
		    sym.st_shndx != sec_idx)
			continue;
		if (insn_off >= sym.st_value && insn_off < sym.st_value + sym.st_size)
			return elf_strptr(elf, sh.sh_link, sym.st_name);
	}
	return NULL;
}

static size_t section_index(Elf *elf, size_t shstrndx, const char *name)
{
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		const char *s;

		if (gelf_getshdr(scn, &sh) && (s = elf_strptr(elf, shstrndx, sh.sh_name)) &&
		    !strcmp(s, name))
			return elf_ndxscn(scn);
	}
	return 0;
}

/*
 * The .BTF.ext header, with libbpf's checks (btf_ext_setup_info): the CO-RE subsection is
 * [*pos, *end) of the section, 4-byte aligned and inside it; *pos == *end when there is none.
 */
static int ext_core_range(const struct ext_reader *r, size_t *pos, size_t *end, char *err,
			  size_t err_sz)
{
	__u32 hdr_len, off, len;
	__u16 magic;

	*pos = *end = 0;
	if (r->size < 24) {
		snprintf(err, err_sz, ".BTF.ext: truncated header (%zu bytes)", r->size);
		return -EINVAL;
	}
	memcpy(&magic, r->data, 2);
	if (magic != BTF_MAGIC_NATIVE && magic != bswap_16(BTF_MAGIC_NATIVE)) {
		snprintf(err, err_sz, ".BTF.ext: bad magic 0x%04x", magic);
		return -EINVAL;
	}
	if (r->data[2] != 1 || r->data[3] != 0) {
		snprintf(err, err_sz, ".BTF.ext: unsupported version %u or flags %u", r->data[2],
			 r->data[3]);
		return -ENOTSUP;
	}
	hdr_len = rd32(r, 4);
	if (hdr_len < 24 || hdr_len > r->size || hdr_len % 4) {
		snprintf(err, err_sz, ".BTF.ext: bad header length %u (section is %zu bytes)",
			 hdr_len, r->size);
		return -EINVAL;
	}
	if (hdr_len < 32)
		return 0; /* written before CO-RE records existed */
	off = rd32(r, 24);
	len = rd32(r, 28);
	if (!len)
		return 0;
	if (off % 4 || (__u64)hdr_len + off + len > r->size || len < 4) {
		snprintf(err, err_sz,
			 ".BTF.ext: CO-RE records at %u+%u lie outside the %zu-byte section", off,
			 len, r->size);
		return -EINVAL;
	}
	*pos = hdr_len + off;
	*end = *pos + len;
	return 0;
}

/* Where a block's records are: its section, for the program names of its instructions. */
struct core_block {
	const char *sec_name;
	size_t sec_idx; /* 0: no such section */
	Elf *elf;
	Elf_Scn *symtab;
};

/* Record i of a block, at pos (bounds checked): appended to obj->relos, its spec parsed. */
static int parse_core_record(struct core_object *obj, const struct ext_reader *r, size_t pos,
			     __u32 i, const struct core_block *blk, char *err, size_t err_sz)
{
	struct core_relo *rl = &obj->relos[obj->relo_cnt];
	const char *access, *prog, *tname;
	__u32 idx = obj->relo_cnt, type_cnt = btf__type_cnt(obj->btf);

	memset(rl, 0, sizeof(*rl));
	rl->desc.section = blk->sec_name;
	rl->desc.insn_off = rd32(r, pos);
	rl->desc.sec_relo_idx = i;
	rl->type_id = rd32(r, pos + 4);
	rl->desc.kind = rd32(r, pos + 12);
	access = btf__str_by_offset(obj->btf, rd32(r, pos + 8));
	if (rl->type_id >= type_cnt) {
		snprintf(err, err_sz, ".BTF.ext: relo #%u: type id %u out of range (%u types)", idx,
			 rl->type_id, type_cnt - 1);
		return -EINVAL;
	}
	if (!access) {
		snprintf(err, err_sz, ".BTF.ext: relo #%u: access string offset %u out of range",
			 idx, rd32(r, pos + 8));
		return -EINVAL;
	}
	tname = btf__name_by_offset(obj->btf, btf__type_by_id(obj->btf, rl->type_id)->name_off);
	rl->desc.access = access;
	rl->desc.type_name = tname ? tname : "";
	rl->desc.kind_name = relo_kind_name(rl->desc.kind);
	prog = blk->sec_idx ? program_at(blk->elf, blk->symtab, blk->sec_idx, rl->desc.insn_off) :
			      NULL;
	rl->desc.program = strdup(prog ? prog : blk->sec_name);
	obj->relo_cnt++;
	if (!rl->desc.program) {
		snprintf(err, err_sz, "out of memory");
		return -ENOMEM;
	}
	rl->anon_root = !rl->desc.type_name[0];
	rl->spec_err = relo_spec_parse(obj->btf, rl->type_id, access, rl->desc.kind, &rl->local,
				       rl->spec_why, sizeof(rl->spec_why));
	return 0;
}

/*
 * Parse the core_relo subsection with libbpf's validation rules (btf_ext_setup_info):
 * 4-byte aligned, inside the section, rec_size >= 16 and a multiple of 4, at least
 * one block, every block non-empty and whole.
 */
static int parse_core_relos(struct core_object *obj, const struct ext_reader *r, Elf *elf,
			    size_t shstrndx, Elf_Scn *symtab, char *err, size_t err_sz)
{
	struct core_block blk = { .elf = elf, .symtab = symtab };
	size_t pos, end, cap = 0;
	__u32 rec_size;
	int ret;

	ret = ext_core_range(r, &pos, &end, err, err_sz);
	if (ret || pos == end)
		return ret;
	rec_size = rd32(r, pos);
	pos += 4;
	if (rec_size < 16 || rec_size % 4) {
		snprintf(err, err_sz, ".BTF.ext: bad CO-RE record size %u", rec_size);
		return -EINVAL;
	}
	if (pos == end) {
		snprintf(err, err_sz, ".BTF.ext: CO-RE subsection holds no records");
		return -EINVAL;
	}
	while (pos < end) {
		__u32 sec_off, num;

		if (end - pos < 8) {
			snprintf(err, err_sz, ".BTF.ext: truncated CO-RE block header");
			return -EINVAL;
		}
		sec_off = rd32(r, pos);
		num = rd32(r, pos + 4);
		pos += 8;
		if (!num) {
			snprintf(err, err_sz, ".BTF.ext: CO-RE block with no records");
			return -EINVAL;
		}
		if ((__u64)num * rec_size > end - pos) {
			snprintf(err, err_sz,
				 ".BTF.ext: CO-RE block of %u records overruns the section", num);
			return -EINVAL;
		}
		blk.sec_name = btf__name_by_offset(obj->btf, sec_off);
		if (!blk.sec_name || !blk.sec_name[0]) {
			snprintf(err, err_sz,
				 ".BTF.ext: CO-RE block section name offset %u out of range",
				 sec_off);
			return -EINVAL;
		}
		blk.sec_idx = section_index(elf, shstrndx, blk.sec_name);
		if (btfgen_array_grow((void **)&obj->relos, &cap, (size_t)obj->relo_cnt + num,
				      sizeof(*obj->relos))) {
			snprintf(err, err_sz, "out of memory");
			return -ENOMEM;
		}
		for (__u32 i = 0; i < num; i++, pos += rec_size) {
			ret = parse_core_record(obj, r, pos, i, &blk, err, err_sz);
			if (ret)
				return ret;
		}
	}
	return 0;
}

/* The sections an object is read for, found in one pass over its section headers. */
struct object_sections {
	const void *btf, *ext;
	size_t btf_size, ext_size;
	Elf_Scn *symtab;
};

/* Find .BTF, .BTF.ext and the symbol table; every section must lie within the file. */
static int object_find_sections(Elf *elf, size_t shstrndx, size_t size, struct object_sections *s,
				char *err, size_t err_sz)
{
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		const char *name;
		Elf_Data *d;

		if (!gelf_getshdr(scn, &sh)) {
			snprintf(err, err_sz, "corrupt ELF section header: %s", elf_errmsg(-1));
			return -EINVAL;
		}
		if (sh.sh_type != SHT_NOBITS && sh.sh_offset + sh.sh_size > size) {
			snprintf(err, err_sz,
				 "truncated ELF: section #%zu ends at %llu, file has %zu bytes",
				 elf_ndxscn(scn), (unsigned long long)(sh.sh_offset + sh.sh_size),
				 size);
			return -EINVAL;
		}
		if (sh.sh_type == SHT_SYMTAB)
			s->symtab = scn;
		name = elf_strptr(elf, shstrndx, sh.sh_name);
		if (!name || (strcmp(name, ".BTF") && strcmp(name, ".BTF.ext")))
			continue;
		d = sh.sh_type == SHT_NOBITS ? NULL : elf_getdata(scn, NULL);
		if (!d || !d->d_buf) {
			snprintf(err, err_sz, "unreadable %s section: %s", name, elf_errmsg(-1));
			return -EINVAL;
		}
		if (!strcmp(name, ".BTF")) {
			s->btf = d->d_buf;
			s->btf_size = d->d_size;
		} else {
			s->ext = d->d_buf;
			s->ext_size = d->d_size;
		}
	}
	if (!s->btf) {
		snprintf(err, err_sz, "no .BTF section (built without -g?)");
		return -ENOENT;
	}
	return 0;
}

/* The object's .BTF: header checked (libbpf only says EINVAL), parsed, references checked. */
static int object_load_btf(struct core_object *obj, const struct object_sections *s, char *err,
			   size_t err_sz)
{
	int ret = core_btf_check_header(s->btf, s->btf_size, err, err_sz);

	if (ret) {
		char why[160];

		snprintf(why, sizeof(why), "%s", err);
		snprintf(err, err_sz, ".BTF: %s", why);
		return ret;
	}
	obj->btf = btf__new(s->btf, s->btf_size);
	if (!obj->btf) {
		ret = -errno;
		snprintf(err, err_sz, "invalid .BTF: %s", strerror(-ret));
		return ret;
	}
	ret = core_btf_check_refs(obj->btf, err, err_sz);
	if (ret)
		return ret;
	/* libbpf caches the pointer size lazily; settle it now, objects are shared by threads. */
	btf__pointer_size(obj->btf);
	return 0;
}

struct core_object *core_object__open(const char *path, char *err, size_t err_sz)
{
	struct core_object *obj = calloc(1, sizeof(*obj));
	struct object_sections secs = { 0 };
	size_t shstrndx, size = 0;
	void *image = NULL;
	Elf *elf = NULL;
	GElf_Ehdr eh;
	int ret;

	if (!obj) {
		snprintf(err, err_sz, "out of memory");
		errno = ENOMEM;
		return NULL;
	}
	obj->path = strdup(path);
	ret = btfgen_file_read(path, OBJECT_MAX_SIZE, &image, &size, err, err_sz);
	if (ret)
		goto out;
	ret = -EINVAL;
	if (size < EI_NIDENT || memcmp(image, ELFMAG, SELFMAG)) {
		snprintf(err, err_sz, "not an ELF file");
		goto out;
	}
	elf_version(EV_CURRENT);
	elf = elf_memory(image, size);
	if (!elf || !gelf_getehdr(elf, &eh) || elf_getshdrstrndx(elf, &shstrndx)) {
		snprintf(err, err_sz, "corrupt ELF: %s", elf_errmsg(-1));
		goto out;
	}
	if (eh.e_shoff + (__u64)eh.e_shnum * eh.e_shentsize > size) {
		snprintf(err, err_sz,
			 "truncated ELF: section headers end at %llu, file has %zu bytes",
			 (unsigned long long)(eh.e_shoff + (__u64)eh.e_shnum * eh.e_shentsize),
			 size);
		goto out;
	}
	if (eh.e_machine != EM_BPF || eh.e_ident[EI_CLASS] != ELFCLASS64) {
		snprintf(err, err_sz, "not a BPF object (ELF machine %u, class %u)", eh.e_machine,
			 eh.e_ident[EI_CLASS]);
		goto out;
	}
	ret = object_find_sections(elf, shstrndx, size, &secs, err, err_sz);
	if (!ret)
		ret = object_load_btf(obj, &secs, err, err_sz);
	if (ret)
		goto out;
	if (secs.ext) {
		struct ext_reader r = { secs.ext, secs.ext_size, false };
		__u16 magic = 0;

		if (secs.ext_size >= 2)
			memcpy(&magic, secs.ext, 2);
		r.swap = magic == bswap_16(BTF_MAGIC_NATIVE);
		ret = parse_core_relos(obj, &r, elf, shstrndx, secs.symtab, err, err_sz);
		if (ret)
			goto out;
	}
	ret = object_code_load(obj, elf, shstrndx, secs.symtab);
	if (ret) {
		snprintf(err, err_sz, "out of memory");
		goto out;
	}
out:
	elf_end(elf);
	free(image);
	if (ret) {
		core_object__free(obj);
		errno = -ret;
		return NULL;
	}
	return obj;
}

void core_object__free(struct core_object *obj)
{
	if (!obj)
		return;
	for (__u32 i = 0; i < obj->relo_cnt; i++)
		free((char *)obj->relos[i].desc.program);
	free(obj->relos);
	object_code_free(obj->code);
	btf__free(obj->btf);
	free(obj->path);
	free(obj);
}

const char *core_object__path(const struct core_object *obj)
{
	return obj->path;
}

__u32 core_object__relo_cnt(const struct core_object *obj)
{
	return obj->relo_cnt;
}

void core_object__relo_desc(const struct core_object *obj, __u32 idx, struct core_relo_desc *desc)
{
	*desc = obj->relos[idx].desc;
}
