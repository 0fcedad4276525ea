/* SPDX-License-Identifier: BSD-2-Clause */
/* tests/unit: build BPF objects from a local BTF and CO-RE records, resolve and tailor them. */
#ifndef UNIT_SUPPORT_H
#define UNIT_SUPPORT_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include <linux/bpf.h>

#include "btfgen_core.h"
#include "unit_harness.h"

struct btf;

/* One CO-RE record as clang would write it in .BTF.ext. */
struct unit_relo {
	__u32 type_id; /* local root type id */
	const char *access; /* access string, e.g. "0:1:2" */
	__u32 kind; /* enum bpf_core_relo_kind */
	__u32 sec; /* code section: 0 UNIT_SEC, 1 UNIT_SEC2 (records grouped, 0 first) */
};

enum {
	UNIT_OBJ_NO_EXT = 1 << 0, /* no .BTF.ext section at all */
	UNIT_OBJ_BIG_ENDIAN = 1 << 1, /* a bpfeb object: ELF, .BTF and .BTF.ext big-endian */
	UNIT_OBJ_TWO_FUNCS = 1 << 2, /* UNIT_SEC holds UNIT_PROG, then UNIT_SUB from its middle */
};

/* Sections and functions the records point into; UNIT_SEC2 has no function symbol. */
#define UNIT_SEC "kprobe/unit"
#define UNIT_SEC2 "tp/unit2"
#define UNIT_PROG "unit_prog"
#define UNIT_SUB "unit_sub"

/*
 * Write a little-endian BPF ELF relocatable object: code sections (UNIT_SEC, and UNIT_SEC2 if a
 * record asks for it) holding one instruction per record plus an exit, a function symbol
 * UNIT_PROG over UNIT_SEC, 'lbtf' as .BTF and a .BTF.ext with no func/line info and the
 * records, in order, at insn_off 8 * (index within the section). Access strings and section
 * names are added to lbtf's strings. Returns 0 or -errno.
 */
int unit_obj__write(const char *path, struct btf *lbtf, const struct unit_relo *relos, size_t cnt,
		    unsigned int flags);

/* A fresh path in the temp directory; the caller unlinks it and frees the string. */
char *unit_tmp_path(const char *suffix);

/* Write the object to a temp file and open it with core_object__open (CHECK on failure). */
struct core_object *unit_obj__open(struct btf *lbtf, const struct unit_relo *relos, size_t cnt);
struct core_object *unit_obj__open_flags(struct btf *lbtf, const struct unit_relo *relos,
					 size_t cnt, unsigned int flags);

enum {
	UNIT_NO_TAILOR = 1 << 0, /* resolve on the full BTF only */
};

/*
 * Resolve the records against kernel BTF 'kbtf' into res[cnt] (core_object__resolve). Unless
 * UNIT_NO_TAILOR, also tailor kbtf for the object and check: core_tailor__add_object gives the
 * same results as core_object__resolve, the emitted BTF parses with btf__new, core_tailor__verify
 * accepts it, and resolving again on the emitted BTF gives the same status, poison and value
 * (type_id_target aside; a FAILED relocation only needs to fail again). If 'emitted' is not NULL it
 * receives the tailored BTF (caller frees with btf__free). Returns 0 or -1 after CHECK output.
 */
int unit_resolve(const struct btf *kbtf, struct btf *lbtf, const struct unit_relo *relos,
		 size_t cnt, struct core_relo_result *res, unsigned int flags,
		 struct btf **emitted);

const char *unit_status_name(enum core_relo_status st);

/* Check one outcome: status, poison and value; prints the core's reason on mismatch. */
int unit_check_res(const char *file, int line, const struct core_relo_result *r,
		   enum core_relo_status status, bool poison, __u64 value);
#define CHECK_RES(r, st, poison, val) unit_check_res(__FILE__, __LINE__, &(r), st, poison, val)
/* FAILED with a negative err and a non-empty reason; value not checked. */
int unit_check_failed(const char *file, int line, const struct core_relo_result *r);
#define CHECK_FAILED(r) unit_check_failed(__FILE__, __LINE__, &(r))

/* Find a type by name and kind in btf (CHECK if missing): its id, or 0. */
__u32 unit_find(const struct btf *btf, const char *name, int kind);

/* Raw bytes of a BTF as a fresh struct btf (round trip through btf__raw_data/btf__new). */
struct btf *unit_btf_copy(const struct btf *btf);

/*
 * Issue 8's stale raw_spec case into k (kernel) and l (local), for tests/unit and
 * tests/oracle/mkhostile alike: struct task_struct { struct { int pad; struct blob state; };
 * int a, b, c, d; long state; } against a local task_struct___v1 { long state; }.
 * Returns the local struct's id, or -1 if btf__add_* failed.
 */
int unit_hostile_stale_path(struct btf *k, struct btf *l);

/*
 * Issue 8's deep ARRAY chain: struct deep { int m[1]; } in k and l, the kernel's array with
 * an index_type chain of 300,000 ARRAYs (marking it once recursed per link).
 * Returns the local struct's id, or -1 if btf__add_* failed.
 */
int unit_hostile_deep_chain(struct btf *k, struct btf *l);

#endif /* UNIT_SUPPORT_H */
