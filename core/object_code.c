// SPDX-License-Identifier: BSD-2-Clause
/*
 * core: an object's code, read once when it is opened: its executable sections decoded, its
 * function symbols (programs and subprograms), calls into .text and the CO-RE relocation
 * of each instruction, for the verdicts (verdict.c).
 */
#include <byteswap.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <gelf.h>
#include <libelf.h>
#include <linux/bpf.h>

#include "object_code.h"

#define SEC_MAX_INSNS (1u << 20) /* the kernel's limit for a whole program */

void object_code_decode(const unsigned char *p, bool msb, struct vinsn *i)
{
	__u16 off;
	__u32 imm;

	memcpy(&off, p + 2, 2);
	memcpy(&imm, p + 4, 4);
	i->code = p[0];
	i->dst = msb ? p[1] >> 4 : p[1] & 0xf;
	i->src = msb ? p[1] & 0xf : p[1] >> 4;
	i->off = (__s16)(msb ? bswap_16(off) : off);
	i->imm = (__s32)(msb ? bswap_32(imm) : imm);
}

static int code_add_sec(struct object_code *c, Elf_Scn *scn, const char *name, bool msb)
{
	Elf_Data *d = elf_getdata(scn, NULL);
	struct code_sec *ns, *s;

	if (d && !d->d_size)
		return 0; /* an empty section (clang writes an empty .text): no code, no relocation */
	if (!d || !d->d_buf || d->d_size % INSN_SZ || d->d_size / INSN_SZ > SEC_MAX_INSNS) {
		c->blind = true; /* not code we can read: every relocation counts as reached */
		return 0;
	}
	ns = realloc(c->secs, (c->sec_cnt + 1) * sizeof(*ns));
	if (!ns)
		return -ENOMEM;
	c->secs = ns;
	s = &ns[c->sec_cnt];
	memset(s, 0, sizeof(*s));
	s->name = name;
	s->shndx = elf_ndxscn(scn);
	s->cnt = d->d_size / INSN_SZ;
	s->text = !strcmp(name, ".text");
	s->insns = calloc(s->cnt + 1, sizeof(*s->insns));
	s->relo = malloc((s->cnt + 1) * sizeof(*s->relo));
	s->callrel = calloc(s->cnt + 1, sizeof(*s->callrel));
	c->sec_cnt++;
	if (!s->insns || !s->relo || !s->callrel)
		return -ENOMEM;
	for (__u32 i = 0; i < s->cnt; i++) {
		object_code_decode((const unsigned char *)d->d_buf + i * INSN_SZ, msb,
				   &s->insns[i]);
		s->relo[i] = -1;
	}
	if (s->text)
		c->text_sec = c->sec_cnt - 1;
	return 0;
}

static struct code_sec *sec_by_shndx(struct object_code *c, size_t shndx, __u32 *idx)
{
	for (__u32 i = 0; i < c->sec_cnt; i++) {
		if (c->secs[i].shndx == shndx) {
			if (idx)
				*idx = i;
			return &c->secs[i];
		}
	}
	return NULL;
}

/* ELF relocations of call instructions into .text: the callee is symbol value / 8 + imm + 1. */
static void code_read_calls(struct object_code *c, Elf_Scn *rel, Elf_Scn *symtab)
{
	Elf_Data *d = elf_getdata(rel, NULL), *sd = elf_getdata(symtab, NULL);
	struct code_sec *s, *text;
	GElf_Shdr sh;

	if (!d || !sd || !gelf_getshdr(rel, &sh) || !sh.sh_entsize || c->text_sec < 0)
		return;
	s = sec_by_shndx(c, sh.sh_info, NULL);
	text = &c->secs[c->text_sec];
	for (size_t i = 0; s && i < sh.sh_size / sh.sh_entsize; i++) {
		GElf_Rel r;
		GElf_Sym sym;
		__u64 at, target;

		if (!gelf_getrel(d, i, &r) || !gelf_getsym(sd, GELF_R_SYM(r.r_info), &sym))
			continue;
		at = r.r_offset / INSN_SZ;
		if (r.r_offset % INSN_SZ || at >= s->cnt || sym.st_shndx != text->shndx ||
		    s->insns[at].code != (BPF_JMP | BPF_CALL) ||
		    s->insns[at].src != BPF_PSEUDO_CALL)
			continue;
		target = sym.st_value / INSN_SZ + (__s64)s->insns[at].imm + 1;
		if (sym.st_value % INSN_SZ || target >= text->cnt)
			s->callrel[at] = (__u32)-1; /* unresolvable: the analysis gives up */
		else
			s->callrel[at] = target + 1;
	}
}

static int func_cmp(const void *pa, const void *pb)
{
	const struct code_func *a = pa, *b = pb;

	if (a->sec != b->sec)
		return a->sec < b->sec ? -1 : 1;
	return a->off < b->off ? -1 : a->off > b->off;
}

static int code_read_funcs(struct object_code *c, Elf *elf, Elf_Scn *symtab)
{
	Elf_Data *d = elf_getdata(symtab, NULL);
	GElf_Shdr sh;
	size_t cap = 0, n;

	if (!d || !gelf_getshdr(symtab, &sh) || !sh.sh_entsize)
		return 0;
	n = sh.sh_size / sh.sh_entsize;
	for (size_t i = 0; i < n; i++) {
		struct code_func *f;
		struct code_sec *s;
		const char *name;
		GElf_Sym sym;
		__u32 si;

		if (!gelf_getsym(d, i, &sym) || GELF_ST_TYPE(sym.st_info) != STT_FUNC ||
		    !(s = sec_by_shndx(c, sym.st_shndx, &si)) || sym.st_value % INSN_SZ ||
		    !sym.st_size || sym.st_size % INSN_SZ ||
		    sym.st_value / INSN_SZ + sym.st_size / INSN_SZ > s->cnt ||
		    !(name = elf_strptr(elf, sh.sh_link, sym.st_name)))
			continue;
		if (c->func_cnt == cap) {
			size_t ncap = cap ? cap * 2 : 16;
			struct code_func *nf = realloc(c->funcs, ncap * sizeof(*nf));

			if (!nf)
				return -ENOMEM;
			c->funcs = nf;
			cap = ncap;
		}
		f = &c->funcs[c->func_cnt++];
		f->name = name; /* re-pointed into c->strings below */
		f->sec = si;
		f->off = sym.st_value / INSN_SZ;
		f->len = sym.st_size / INSN_SZ;
		f->global = GELF_ST_BIND(sym.st_info) != STB_LOCAL;
		f->prog = !s->text;
	}
	if (c->func_cnt)
		qsort(c->funcs, c->func_cnt, sizeof(*c->funcs), func_cmp);
	return 0;
}

/* Names of sections and functions are copied: the ELF image is freed after loading. */
static int code_own_strings(struct object_code *c)
{
	size_t len = 0, pos = 0;

	for (__u32 i = 0; i < c->sec_cnt; i++)
		len += strlen(c->secs[i].name) + 1;
	for (__u32 i = 0; i < c->func_cnt; i++)
		len += strlen(c->funcs[i].name) + 1;
	c->strings = malloc(len + 1);
	if (!c->strings)
		return -ENOMEM;
	for (__u32 i = 0; i < c->sec_cnt; i++) {
		size_t l = strlen(c->secs[i].name) + 1;

		memcpy(c->strings + pos, c->secs[i].name, l);
		c->secs[i].name = c->strings + pos;
		pos += l;
	}
	for (__u32 i = 0; i < c->func_cnt; i++) {
		size_t l = strlen(c->funcs[i].name) + 1;

		memcpy(c->strings + pos, c->funcs[i].name, l);
		c->funcs[i].name = c->strings + pos;
		pos += l;
	}
	return 0;
}

static int code_index(struct object_code *c, struct core_object *obj)
{
	c->progs = calloc(c->func_cnt + 1, sizeof(*c->progs));
	if (!c->progs)
		return -ENOMEM;
	for (__u32 i = 0; i < c->func_cnt; i++)
		if (c->funcs[i].prog)
			c->progs[c->prog_cnt++] = i;
	for (__u32 r = 0; r < obj->relo_cnt; r++) {
		const struct core_relo_desc *d = &obj->relos[r].desc;

		for (__u32 i = 0; i < c->sec_cnt; i++) {
			struct code_sec *s = &c->secs[i];

			if (!strcmp(s->name, d->section) && d->insn_off % INSN_SZ == 0 &&
			    d->insn_off / INSN_SZ < s->cnt && s->relo[d->insn_off / INSN_SZ] < 0)
				s->relo[d->insn_off / INSN_SZ] = r;
		}
	}
	return 0;
}

void object_code_free(struct object_code *c)
{
	if (!c)
		return;
	for (__u32 i = 0; i < c->sec_cnt; i++) {
		free(c->secs[i].insns);
		free(c->secs[i].relo);
		free(c->secs[i].callrel);
	}
	free(c->secs);
	free(c->funcs);
	free(c->progs);
	free(c->strings);
	free(c);
}

int object_code_load(struct core_object *obj, struct Elf *elf, size_t shstrndx,
		     struct Elf_Scn *symtab)
{
	struct object_code *c = calloc(1, sizeof(*c));
	Elf_Scn *scn = NULL;
	GElf_Ehdr eh;
	bool msb;
	int err = -ENOMEM;

	if (!c)
		return -ENOMEM;
	c->text_sec = -1;
	msb = gelf_getehdr(elf, &eh) && eh.e_ident[EI_DATA] == ELFDATA2MSB;
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		const char *name;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_PROGBITS ||
		    !(sh.sh_flags & SHF_EXECINSTR) ||
		    !(name = elf_strptr(elf, shstrndx, sh.sh_name)))
			continue;
		if (code_add_sec(c, scn, name, msb))
			goto fail;
	}
	while (symtab && (scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;

		if (gelf_getshdr(scn, &sh) && sh.sh_type == SHT_REL)
			code_read_calls(c, scn, symtab);
	}
	if ((symtab && code_read_funcs(c, elf, symtab)) || code_own_strings(c) ||
	    code_index(c, obj))
		goto fail;
	obj->code = c;
	return 0;
fail:
	object_code_free(c);
	return err;
}

__u32 core_object__prog_cnt(const struct core_object *obj)
{
	return obj->code ? obj->code->prog_cnt : 0;
}

const char *core_object__prog_name(const struct core_object *obj, __u32 i)
{
	return obj->code->funcs[obj->code->progs[i]].name;
}

const char *core_object__func_name(const struct core_object *obj, int func)
{
	return obj->code && func >= 0 && (__u32)func < obj->code->func_cnt ?
		       obj->code->funcs[func].name :
		       "";
}
