/* SPDX-License-Identifier: BSD-2-Clause */
/* tests/difftest: random target BTF, local view, CO-RE relocations and BPF object from a seed. */
#ifndef DT_GEN_H
#define DT_GEN_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

struct btf;

#define DT_MAX_RELOS 16

/* enum bpf_core_relo_kind (the system's linux/bpf.h may predate TYPE_MATCHES) */
enum {
	DT_FIELD_BYTE_OFFSET,
	DT_FIELD_BYTE_SIZE,
	DT_FIELD_EXISTS,
	DT_FIELD_SIGNED,
	DT_FIELD_LSHIFT_U64,
	DT_FIELD_RSHIFT_U64,
	DT_TYPE_ID_LOCAL,
	DT_TYPE_ID_TARGET,
	DT_TYPE_EXISTS,
	DT_TYPE_SIZE,
	DT_ENUMVAL_EXISTS,
	DT_ENUMVAL_VALUE,
	DT_TYPE_MATCHES,
};

/* One CO-RE relocation over the local BTF, with the instruction that carries it. */
struct dt_relo {
	__u32 type_id; /* local root type */
	char access[96]; /* access string */
	__u32 kind; /* enum bpf_core_relo_kind */
	bool local_ok; /* the local spec is valid (libbpf computes a local value) */
	__u64 local_val; /* what the instruction holds: libbpf checks it before patching */
	__u8 insn; /* DT_INSN_* */
	__u8 mem_sz; /* DT_INSN_LDX: load size */
};

enum {
	DT_INSN_ALU, /* r0 = imm (ALU64 MOV K) */
	DT_INSN_LDX, /* r0 = *(size *)(r1 + off) */
	DT_INSN_LDIMM, /* r0 = imm64 (two slots) */
};

/* A generated case: target and local BTF and the relocations. */
struct dt_case {
	__u64 seed;
	struct btf *target; /* the "kernel" */
	struct btf *local; /* the object's .BTF */
	struct dt_relo relos[DT_MAX_RELOS];
	int relo_cnt;
};

/* Build the case for seed; 0 or -errno. Free with dt_case__free. */
int dt_case__gen(struct dt_case *c, __u64 seed);
void dt_case__free(struct dt_case *c);

/*
 * Write a little-endian BPF object: one program "dt_prog" in section "kprobe/dt" with one
 * instruction per relocation whose bit in 'mask' is set (in order), .BTF = local BTF,
 * .BTF.ext with empty func/line info and the CO-RE records. 0 or -errno.
 */
int dt_obj__write(const char *path, struct dt_case *c, __u32 mask);

#endif /* DT_GEN_H */
