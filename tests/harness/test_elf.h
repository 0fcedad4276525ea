/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tests/harness: writing small BPF ELF objects (libelf only, no libbpf: the unit tests and
 * both difftest builds, each with its own libbpf, share it).
 */
#ifndef BTFGEN_TEST_ELF_H
#define BTFGEN_TEST_ELF_H

#include <gelf.h>
#include <libelf.h>
#include <stdbool.h>
#include <stddef.h>

/* A string table under construction (.shstrtab, .strtab); start with .len = 1 (""). */
struct test_strtab {
	char buf[128];
	size_t len;
};

/* Appends str (its offset is returned); the tables hold a handful of section names. */
size_t test_strtab__add(struct test_strtab *s, const char *str);
/* A section named at name (in .shstrtab) holding buf; NULL on a libelf error. */
Elf_Scn *test_elf__add_scn(Elf *elf, size_t name, Elf64_Word type, Elf64_Xword flags, void *buf,
			   size_t size, Elf_Type dtype, size_t align);
/*
 * Creates path and starts a relocatable EM_BPF object in it; NULL on error, else *fd is the
 * open file (the caller closes it after elf_end) and *ehdr its header.
 */
Elf *test_elf__begin(const char *path, bool big_endian, int *fd, Elf64_Ehdr **ehdr);
/*
 * Adds .symtab (syms[0..nsyms), globals from first_global on), .strtab (str) and .shstrtab
 * (shstr, which gets their names here: add it last) and writes the file. 0 or -1.
 */
int test_elf__finish(Elf *elf, Elf64_Ehdr *ehdr, Elf64_Sym *syms, size_t nsyms, size_t first_global,
		     struct test_strtab *str, struct test_strtab *shstr);

#endif
