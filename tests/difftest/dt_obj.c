// SPDX-License-Identifier: BSD-2-Clause
/* tests/difftest: write the generated case as a BPF ELF object libbpf can open and relocate. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <bpf/btf.h>

#include "dt_gen.h"
#include "test_elf.h"

#define DT_SEC "kprobe/dt"
#define DT_PROG "dt_prog"

/* The instruction(s) for one relocation at insns[*n]; returns its byte offset. */
static __u32 emit_insn(const struct dt_relo *rl, struct bpf_insn *insns, int *n)
{
	static const __u8 sizes[9] = { [1] = BPF_B, [2] = BPF_H, [4] = BPF_W, [8] = BPF_DW };
	struct bpf_insn *in = &insns[*n];
	__u32 off = *n * sizeof(*in);

	memset(in, 0, 2 * sizeof(*in));
	switch (rl->insn) {
	case DT_INSN_LDX:
		in->code = BPF_LDX | BPF_MEM | sizes[rl->mem_sz];
		in->dst_reg = BPF_REG_0;
		in->src_reg = BPF_REG_1;
		in->off = (__s16)rl->local_val;
		*n += 1;
		break;
	case DT_INSN_LDIMM:
		in[0].code = BPF_LD | BPF_IMM | BPF_DW;
		in[0].imm = (__u32)rl->local_val;
		in[1].imm = (__u32)(rl->local_val >> 32);
		*n += 2;
		break;
	default:
		in->code = BPF_ALU64 | BPF_MOV | BPF_K;
		in->imm = (__s32)rl->local_val;
		*n += 1;
		break;
	}
	return off;
}

/* .BTF.ext: header, no func_info or line_info (libbpf ignores empty ones), the CO-RE records. */
static __u32 *build_ext(struct dt_case *c, __u32 mask, const __u32 *insn_off, int sec_name,
			__u32 *size)
{
	__u32 n = 0, *ext, *p;
	int acc;

	for (int i = 0; i < c->relo_cnt; i++)
		n += !!(mask & (1U << i));
	*size = 32 + (n ? 4 + 8 + 16 * n : 0);
	ext = calloc(1, *size);
	if (!ext)
		return NULL;
	((__u16 *)ext)[0] = 0xeB9F;
	((__u8 *)ext)[2] = 1;
	ext[1] = 32; /* hdr_len; func_info and line_info: offset 0, length 0 */
	ext[6] = 0; /* core_relo_off */
	ext[7] = *size - 32;
	p = ext + 8;
	if (n) {
		*p++ = sizeof(struct bpf_core_relo);
		*p++ = sec_name;
		*p++ = n;
	}
	for (int i = 0; i < c->relo_cnt; i++) {
		if (!(mask & (1U << i)))
			continue;
		acc = btf__add_str(c->local, c->relos[i].access);
		if (acc < 0) {
			free(ext);
			return NULL;
		}
		*p++ = insn_off[i];
		*p++ = c->relos[i].type_id;
		*p++ = acc;
		*p++ = c->relos[i].kind;
	}
	return ext;
}

int dt_obj__write(const char *path, struct dt_case *c, __u32 mask)
{
	struct test_strtab shstr = { .len = 1 }, str = { .len = 1 };
	struct bpf_insn insns[2 * DT_MAX_RELOS + 1];
	__u32 insn_off[DT_MAX_RELOS] = {}, ext_size, btf_size, *ext = NULL;
	size_t n_text, n_btf, n_ext;
	Elf64_Sym syms[3] = {};
	const void *btf_raw;
	void *btf_copy = NULL;
	Elf64_Ehdr *ehdr;
	Elf_Scn *text;
	Elf *elf = NULL;
	int fd, n = 0, sec_name, err = -EINVAL;

	for (int i = 0; i < c->relo_cnt; i++)
		if (mask & (1U << i))
			insn_off[i] = emit_insn(&c->relos[i], insns, &n);
	memset(&insns[n], 0, sizeof(insns[n]));
	insns[n++].code = BPF_JMP | BPF_EXIT;

	sec_name = btf__add_str(c->local, DT_SEC);
	if (sec_name < 0)
		return sec_name;
	ext = build_ext(c, mask, insn_off, sec_name, &ext_size);
	btf_raw = ext ? btf__raw_data(c->local, &btf_size) : NULL;
	btf_copy = btf_raw ? malloc(btf_size) : NULL;
	if (!btf_copy) {
		free(ext);
		return -ENOMEM;
	}
	memcpy(btf_copy, btf_raw, btf_size);

	n_text = test_strtab__add(&shstr, DT_SEC);
	n_btf = test_strtab__add(&shstr, ".BTF");
	n_ext = test_strtab__add(&shstr, ".BTF.ext");
	errno = 0;
	elf = test_elf__begin(path, false, &fd, &ehdr);
	if (!elf) {
		err = errno ? -errno : -EINVAL;
		goto out;
	}
	text = test_elf__add_scn(elf, n_text, SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, insns,
				 n * sizeof(insns[0]), ELF_T_BYTE, 8);
	if (!text ||
	    !test_elf__add_scn(elf, n_btf, SHT_PROGBITS, 0, btf_copy, btf_size, ELF_T_BYTE, 4) ||
	    !test_elf__add_scn(elf, n_ext, SHT_PROGBITS, 0, ext, ext_size, ELF_T_BYTE, 4))
		goto out_fd;
	syms[1].st_info = ELF64_ST_INFO(STB_LOCAL, STT_SECTION);
	syms[1].st_shndx = elf_ndxscn(text);
	syms[2].st_name = test_strtab__add(&str, DT_PROG);
	syms[2].st_info = ELF64_ST_INFO(STB_GLOBAL, STT_FUNC);
	syms[2].st_shndx = elf_ndxscn(text);
	syms[2].st_size = n * sizeof(insns[0]);
	if (!test_elf__finish(elf, ehdr, syms, 3, 2, &str, &shstr))
		err = 0;
out_fd:
	if (err)
		fprintf(stderr, "difftest: writing %s: %s\n", path, elf_errmsg(-1));
	elf_end(elf);
	close(fd);
out:
	free(btf_copy);
	free(ext);
	return err;
}
