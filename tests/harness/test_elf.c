// SPDX-License-Identifier: BSD-2-Clause
/* tests/harness: writing small BPF ELF objects (test_elf.h). */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "test_elf.h"

#ifndef EM_BPF
#define EM_BPF 247
#endif

size_t test_strtab__add(struct test_strtab *s, const char *str)
{
	size_t off = s->len;

	memcpy(s->buf + s->len, str, strlen(str) + 1);
	s->len += strlen(str) + 1;
	return off;
}

Elf_Scn *test_elf__add_scn(Elf *elf, size_t name, Elf64_Word type, Elf64_Xword flags, void *buf,
			   size_t size, Elf_Type dtype, size_t align)
{
	Elf_Scn *scn = elf_newscn(elf);
	Elf_Data *data;
	Elf64_Shdr *shdr;

	if (!scn)
		return NULL;
	data = elf_newdata(scn);
	shdr = elf64_getshdr(scn);
	if (!data || !shdr)
		return NULL;
	data->d_buf = buf;
	data->d_size = size;
	data->d_type = dtype;
	data->d_align = align;
	data->d_version = EV_CURRENT;
	shdr->sh_name = name;
	shdr->sh_type = type;
	shdr->sh_flags = flags;
	shdr->sh_addralign = align;
	return scn;
}

Elf *test_elf__begin(const char *path, bool big_endian, int *fd, Elf64_Ehdr **ehdr)
{
	Elf *elf;

	if (elf_version(EV_CURRENT) == EV_NONE)
		return NULL;
	*fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (*fd < 0)
		return NULL;
	elf = elf_begin(*fd, ELF_C_WRITE, NULL);
	*ehdr = elf ? elf64_newehdr(elf) : NULL;
	if (!*ehdr) {
		elf_end(elf);
		close(*fd);
		*fd = -1;
		return NULL;
	}
	(*ehdr)->e_ident[EI_DATA] = big_endian ? ELFDATA2MSB : ELFDATA2LSB;
	(*ehdr)->e_type = ET_REL;
	(*ehdr)->e_machine = EM_BPF;
	(*ehdr)->e_version = EV_CURRENT;
	return elf;
}

int test_elf__finish(Elf *elf, Elf64_Ehdr *ehdr, Elf64_Sym *syms, size_t nsyms, size_t first_global,
		     struct test_strtab *str, struct test_strtab *shstr)
{
	size_t n_sym = test_strtab__add(shstr, ".symtab");
	size_t n_str = test_strtab__add(shstr, ".strtab");
	size_t n_shstr = test_strtab__add(shstr, ".shstrtab");
	Elf_Scn *symtab, *strscn, *shscn;

	symtab = test_elf__add_scn(elf, n_sym, SHT_SYMTAB, 0, syms, nsyms * sizeof(syms[0]),
				   ELF_T_SYM, 8);
	strscn = test_elf__add_scn(elf, n_str, SHT_STRTAB, 0, str->buf, str->len, ELF_T_BYTE, 1);
	shscn = test_elf__add_scn(elf, n_shstr, SHT_STRTAB, 0, shstr->buf, shstr->len, ELF_T_BYTE,
				  1);
	if (!symtab || !strscn || !shscn)
		return -1;
	elf64_getshdr(symtab)->sh_link = elf_ndxscn(strscn);
	elf64_getshdr(symtab)->sh_info = first_global;
	elf64_getshdr(symtab)->sh_entsize = sizeof(Elf64_Sym);
	ehdr->e_shstrndx = elf_ndxscn(shscn);
	return elf_update(elf, ELF_C_WRITE) < 0 ? -1 : 0;
}
