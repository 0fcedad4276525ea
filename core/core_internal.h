/* SPDX-License-Identifier: BSD-2-Clause */
/* core: private structures shared by the core's own files (not exported to other modules). */
#ifndef BTFGEN_CORE_INTERNAL_H
#define BTFGEN_CORE_INTERNAL_H

#include <stdarg.h>
#include <bpf/btf.h>

#include "btfgen_core.h"

/* enum bpf_core_relo_kind values, as in include/uapi/linux/bpf.h */
enum {
	RELO_FIELD_BYTE_OFFSET = 0,
	RELO_FIELD_BYTE_SIZE = 1,
	RELO_FIELD_EXISTS = 2,
	RELO_FIELD_SIGNED = 3,
	RELO_FIELD_LSHIFT_U64 = 4,
	RELO_FIELD_RSHIFT_U64 = 5,
	RELO_TYPE_ID_LOCAL = 6,
	RELO_TYPE_ID_TARGET = 7,
	RELO_TYPE_EXISTS = 8,
	RELO_TYPE_SIZE = 9,
	RELO_ENUMVAL_EXISTS = 10,
	RELO_ENUMVAL_VALUE = 11,
	RELO_TYPE_MATCHES = 12,
	RELO_KIND_CNT,
};

static inline bool relo_is_field_based(__u32 kind)
{
	return kind <= RELO_FIELD_RSHIFT_U64;
}

static inline bool relo_is_type_based(__u32 kind)
{
	return (kind >= RELO_TYPE_ID_LOCAL && kind <= RELO_TYPE_SIZE) || kind == RELO_TYPE_MATCHES;
}

static inline bool relo_is_enumval_based(__u32 kind)
{
	return kind == RELO_ENUMVAL_EXISTS || kind == RELO_ENUMVAL_VALUE;
}

const char *relo_kind_name(__u32 kind);

/* libbpf's limits: access strings of at most 64 indices, 32 levels of type recursion. */
#define SPEC_MAX_LEN 64
#define TYPE_MAX_DEPTH 32

/* One high-level step of a spec: a named member, an array index or the root. */
struct spec_accessor {
	__u32 type_id; /* the composite (named member) or element type (index) */
	__u32 idx;
	const char *name; /* member or enumerator name; NULL for array indices */
};

/*
 * What a target field walk visited that decides its outcome: each member it took (named,
 * or anonymous on the way to a named one) and each member whose name matched but whose
 * type did not (libbpf leaves such a member's index and bit offset in the spec, so its
 * offset is part of the result). The tailor keeps exactly these; raw_spec cannot serve as
 * a path, as it holds those stale entries.
 */
#define SPEC_MAX_VISITS 256

struct spec_visit {
	__u32 type_id; /* the composite, modifiers and typedefs skipped */
	__u32 idx; /* member index, < vlen of type_id */
};

/* A parsed access path on one BTF (local or candidate), as libbpf's bpf_core_spec. */
struct core_spec {
	const struct btf *btf;
	struct spec_accessor spec[SPEC_MAX_LEN];
	__u32 root_type_id;
	__u32 kind;
	int len;
	__u32 raw_spec[SPEC_MAX_LEN];
	int raw_len;
	__u32 bit_offset;
	struct spec_visit *visit; /* SPEC_MAX_VISITS entries, target walks only (not owned) */
	int visit_len;
	bool visit_overflow; /* more visits than SPEC_MAX_VISITS: cannot be tailored */
	__u32 fail_type_id; /* the composite whose member loop hit the 64-entry limit */
	__u32 fail_idx; /* and the member it was at */
	bool blocked; /* a member had the local name and an incompatible type */
};

struct core_relo {
	struct core_relo_desc desc;
	__u32 type_id; /* local root type */
	int spec_err; /* parsing the local spec failed: libbpf refuses the object */
	char spec_why[80];
	bool anon_root;
	struct core_spec local; /* valid when !spec_err */
};

struct core_object {
	char *path;
	struct btf *btf; /* local .BTF */
	struct core_relo *relos;
	__u32 relo_cnt;
	char *strings; /* section and program names, owned */
	struct object_code *code; /* instructions and functions (object_code.c); NULL if unreadable */
};

/* Type-walking helpers on validated BTFs (ids in range). */
const struct btf_type *core_skip_mods_typedefs(const struct btf *btf, __u32 id, __u32 *res_id);
size_t kernel_index_essential_len(const char *name);
/* FNV-1a hash of the essential name; its length in *len. */
__u32 kernel_index_hash(const char *name, size_t *len);
/* Check a raw BTF header's magic, version and section bounds; 0 or -errno with a reason. */
int core_btf_check_header(const void *data, size_t size, char *err, size_t err_sz);
/* Check every type id and name offset a BTF refers to; 0 or -EINVAL with a reason. */
int core_btf_check_refs(const struct btf *btf, char *err, size_t err_sz);

/* A zero-length array that is the last member of a struct may be indexed past its end. */
static inline bool is_flex_arr(const struct btf *btf, const struct spec_accessor *acc,
			       const struct btf_array *arr)
{
	if (!acc->name || arr->nelems > 0)
		return false;
	return acc->idx == (__u32)btf_vlen(btf__type_by_id(btf, acc->type_id)) - 1;
}

/* Bit offset of element idx of an array of sz-byte elements, as libbpf's __u32 keeps it. */
static inline __u32 bit_offset_of(__u32 idx, __s64 sz)
{
	return (__u32)((__u64)idx * (__u64)sz * 8);
}

/* relo_spec.c */
int relo_spec_parse(const struct btf *btf, __u32 type_id, const char *access, __u32 kind,
		    struct core_spec *spec, char *why, size_t why_sz);

/* relo_value.c: the value one spec gives (libbpf's bpf_core_calc_*_relo); spec NULL: nothing
 * matched. 0, or -errno with the reason in why. */
struct relo_value {
	__u64 val;
	bool poison;
};
int relo_calc_value(__u32 kind, const struct core_spec *spec, struct relo_value *out, char *why,
		    size_t why_sz);

/* relo_match.c */
/*
 * Matching reports, it does not mark: an observer (the tailor) hears of every candidate
 * walk that decides an outcome. MATCHED: the candidate matched; FAILED: the walk errored
 * (libbpf gives up the object: what it went through, so the tailored BTF fails the same
 * way); BLOCKED: no match because a member had the local name and another type (what
 * decided it is in cand->visit). error(): resolving stops, msg says why (one line).
 */
enum relo_walk { RELO_WALK_MATCHED, RELO_WALK_FAILED, RELO_WALK_BLOCKED };
struct relo_observer {
	void (*walked)(void *ctx, const struct core_spec *cand, enum relo_walk how);
	void (*error)(void *ctx, const char *msg);
	void *ctx;
};

/* Resolve every relocation of obj; when obs is not NULL, report what each candidate walk
 * uses, with one candidate per local type where one gives the same outcomes. 'trace' sends
 * the decisions to the core_set_log() callback. */
int relo_resolve_object(const struct kernel_index *ki, const struct core_object *obj,
			struct core_relo_result *results, const struct relo_observer *obs,
			bool trace);

/* kernel_index.c: candidates for a local type (same essential name, core-compatible kind) in
 * ascending id order. Writes up to cap ids and returns how many there are in all. */
__u32 kernel_index_cands(const struct kernel_index *ki, const char *name, __u16 kind, __u32 *ids,
			 __u32 cap);

/* object_code.c: read the code sections, function symbols and call relocations of an object. */
struct object_code;
struct Elf;
struct Elf_Scn;
int object_code_load(struct core_object *obj, struct Elf *elf, size_t shstrndx,
		     struct Elf_Scn *symtab);
void object_code_free(struct object_code *c);
/*
 * For tests: the reachability analysis of one function, insns[cnt] in host order (LE only),
 * relo_at[i] the index in res of the relocation patching insn i, or -1. reached[cnt]
 * receives 1 for each instruction the verifier may reach; *wild is set when it gave up.
 */
struct bpf_insn;
/* verdict.c */
int verdict_reach_insns(const struct bpf_insn *insns, __u32 cnt, const __s32 *relo_at,
			const struct core_relo_result *res, unsigned kver, __u8 *reached,
			bool *wild);

/* Logging to the callback set with core_set_log(). */
void core_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
extern core_log_fn core_log_cb;

#endif
