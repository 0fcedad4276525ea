/* SPDX-License-Identifier: BSD-2-Clause */
/* core: an object's code as read by object_code.c, for the verdicts' analysis (verdict.c). */
#ifndef BTFGEN_OBJECT_CODE_H
#define BTFGEN_OBJECT_CODE_H

#include "core_internal.h"

#define INSN_SZ 8

struct vinsn {
	__u8 code, dst, src;
	__s16 off;
	__s32 imm;
};

struct code_sec {
	const char *name; /* ELF section name, owned by the code strings */
	size_t shndx;
	struct vinsn *insns;
	__u32 cnt;
	bool text; /* ".text": subprograms only */
	__s32 *relo; /* per instruction: CO-RE relocation index, or -1 */
	__u32 *callrel; /* per instruction: target insn in .text + 1 from an ELF relocation, or 0 */
};

struct code_func {
	const char *name;
	__u32 sec, off, len; /* instructions [off, off + len) of sections[sec] */
	bool global, prog;
};

struct object_code {
	struct code_sec *secs;
	__u32 sec_cnt;
	struct code_func *funcs;
	__u32 func_cnt;
	__u32 *progs; /* function indices of the programs, ELF order */
	__u32 prog_cnt;
	__s32 text_sec; /* index into secs, -1 if none */
	char *strings;
	bool blind; /* a code section could not be read: no analysis */
};

/* One instruction from its 8 bytes, in the object's byte order (msb: big-endian). */
void object_code_decode(const unsigned char *p, bool msb, struct vinsn *i);

#endif
