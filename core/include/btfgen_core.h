/* SPDX-License-Identifier: BSD-2-Clause */
/* core: CO-RE relocation recording and BTF tailoring, on libbpf's public API only. */
#ifndef BTFGEN_CORE_H
#define BTFGEN_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

struct btf;

/*
 * core/ never prints. Messages (debug traces of candidate matching) go to
 * one callback, set once before any thread starts, like libbpf_set_print().
 */
typedef void (*core_log_fn)(const char *msg);
void core_set_log(core_log_fn fn);

/* ---- BPF objects ------------------------------------------------------ */

/*
 * A BPF ELF object reduced to what tailoring needs: its .BTF and the CO-RE
 * records of its .BTF.ext, each with its program name and parsed local spec.
 * Parsed once, immutable afterwards: share it read-only between threads.
 */
struct core_object;

/*
 * Open and parse a BPF object. On failure returns NULL, sets errno and writes
 * a one-line reason (without the path) to err. Little- and big-endian
 * objects are accepted. An object without .BTF.ext has no relocations.
 * Free with core_object__free().
 */
struct core_object *core_object__open(const char *path, char *err, size_t err_sz);
void core_object__free(struct core_object *obj);

const char *core_object__path(const struct core_object *obj);
__u32 core_object__relo_cnt(const struct core_object *obj);

/* One CO-RE relocation, as written in the object. Strings live as long as obj. */
struct core_relo_desc {
	const char *section; /* ELF section of the code, e.g. "kprobe/do_exit" */
	const char *program; /* function symbol holding insn_off, or section if none */
	__u32 insn_off; /* byte offset in section */
	__u32 sec_relo_idx; /* index within its section: libbpf's log calls it "relo #N" */
	__u32 kind; /* enum bpf_core_relo_kind */
	const char *kind_name; /* libbpf's short name: "byte_off", "type_exists", ... */
	const char *type_name; /* local root type name, "" when anonymous */
	const char *access; /* access string, e.g. "0:2:1" */
};
void core_object__relo_desc(const struct core_object *obj, __u32 idx, struct core_relo_desc *desc);

/* ---- Kernel BTF -------------------------------------------------------- */

/*
 * Parse kernel BTF from memory: raw BTF (either byte order) or an ELF with a
 * .BTF section (a vmlinux). Returns NULL with errno and err set. The caller
 * frees with btf__free().
 */
struct btf *core_btf_from_mem(const void *data, size_t size, char *err, size_t err_sz);

/*
 * An index of one kernel BTF: essential name (flavour suffix "___x" cut) and
 * kind class -> type ids, built once and used for every relocation.
 * 'btf' is borrowed and must outlive the index. Read-only once built.
 */
struct kernel_index;
struct kernel_index *kernel_index__new(const struct btf *btf);
void kernel_index__free(struct kernel_index *ki);
const struct btf *kernel_index__btf(const struct kernel_index *ki);

/* ---- Relocation outcomes ---------------------------------------------- */

enum core_relo_status {
	CORE_RELO_RESOLVED, /* a candidate matched: the relocation is satisfied */
	CORE_RELO_NOT_FOUND, /* no candidate: *_exists give 0, value kinds are poisoned */
	CORE_RELO_LOCAL, /* type_id_local: needs nothing from the kernel */
	CORE_RELO_FAILED, /* libbpf refuses to load: ambiguity, bad spec, anonymous root... */
};

/* What libbpf would patch for one relocation on one kernel BTF. */
struct core_relo_result {
	enum core_relo_status status;
	bool poison; /* the instruction is poisoned (libbpf's "invalid insn") */
	__u64 value; /* new value; for type_id_target an id of *that* BTF */
	__u32 target_id; /* root id of the first matching candidate, 0 if none */
	int err; /* -errno when FAILED */
	char reason[112]; /* why NOT_FOUND or FAILED, one line */
};

/* Resolve every relocation of obj against ki exactly as libbpf 1.x does
 * (candidate cache per object, pruned in file order). 'results' has
 * core_object__relo_cnt(obj) entries. Returns 0 or -ENOMEM. */
int core_object__resolve(const struct kernel_index *ki, const struct core_object *obj,
			 struct core_relo_result *results);

/* Same outcome as libbpf sees it: status, poison and value (target type ids
 * aside, which differ between a full and a tailored BTF by design). */
bool core_relo_result_same(const struct core_relo_result *a, const struct core_relo_result *b,
			   __u32 kind);

/* ---- Tailoring ---------------------------------------------------------- */

/*
 * Marks on one kernel BTF (side arrays, the BTF is never modified) for a
 * set of objects, then emits the tailored BTF: the marked types in source
 * order, structs and unions with only the used members at their original
 * offsets and their original sizes, enums with only the used enumerators,
 * pointers to unkept types made void, and modifiers and typedefs that are no
 * candidate's root collapsed into their targets (CO-RE looks through them).
 * Rule: every word libbpf may read of a kept type reads as in the source,
 * including beyond what the BTF spec makes meaningful (libbpf 1.1's FIELD_SIGNED
 * reads the word after any type's header as an INT encoding: such a type keeps
 * its first member or enumerator). Where one kernel candidate gives the same
 * outcome for every relocation of a local type, only it is kept.
 * One tailor per kernel per thread; objects are only read.
 */
struct core_tailor;
struct core_tailor *core_tailor__new(const struct kernel_index *ki);
void core_tailor__free(struct core_tailor *t);

/*
 * Resolve obj (as core_object__resolve()) and mark every kernel type and member that
 * any candidate libbpf could end up using needs. 'results' (may be NULL)
 * receives the outcomes on the full BTF. obj must outlive the tailor.
 * Returns 0, -ENOMEM, or -E2BIG when a candidate walk is beyond what can be tailored
 * (core_tailor__error()); per-relocation failures are outcomes, not errors.
 */
int core_tailor__add_object(struct core_tailor *t, const struct core_object *obj,
			    struct core_relo_result *results);

/*
 * Emit the tailored raw BTF, in the kernel BTF's byte order (as bpftool does). The caller
 * frees *data. Returns 0, -ENOMEM, or another -errno when the kernel BTF cannot be
 * tailored faithfully (core_tailor__error() says why).
 */
int core_tailor__emit(struct core_tailor *t, void **data, __u32 *size);

/* Why the last core_tailor__add_object() or core_tailor__emit() failed: one line, owned
 * by t ("out of memory" unless something else was found). */
const char *core_tailor__error(const struct core_tailor *t);

/*
 * Check the tailored BTF (data, size): re-resolve every added object against
 * it and compare each outcome with the one on the full BTF. Returns 0, or
 * -EPROTO with the first difference described in err ("obj: relo #N ...").
 */
int core_tailor__verify(struct core_tailor *t, const void *data, __u32 size, char *err,
			size_t err_sz);

/* ---- Verdicts (docs/verdicts.md) -------------------------------------- */

/* What loading a program on a kernel gives, by increasing severity. */
enum core_verdict {
	CORE_VERDICT_LOADS, /* every relocation it reaches resolves */
	CORE_VERDICT_PROBES, /* some relocations evaluate to 0, none is poisoned */
	CORE_VERDICT_GUARDED, /* poisoned relocations, all in dead code */
	CORE_VERDICT_FAILS, /* a poisoned relocation is reachable: the verifier rejects it */
	CORE_VERDICT_REFUSED, /* libbpf refuses the whole object */
};

/* What one unresolved relocation does to one program. */
enum core_relo_verdict {
	CORE_RV_PROBE, /* evaluates to 0, not poisoned */
	CORE_RV_GUARDED, /* poisoned, dead code in this program */
	CORE_RV_FAILS, /* poisoned, reachable */
	CORE_RV_REFUSED, /* libbpf refuses the object */
	CORE_RV_UNUSED, /* in a function no program includes */
};

const char *core_verdict_str(enum core_verdict v);
/* "resolved", "not_found", "local" or "failed": the names of min_core_btf -j */
const char *core_relo_status_str(enum core_relo_status s);
const char *core_relo_verdict_str(enum core_relo_verdict v);

/* Programs: function symbols in executable sections other than .text, in ELF order. */
__u32 core_object__prog_cnt(const struct core_object *obj);
const char *core_object__prog_name(const struct core_object *obj, __u32 i);
/* Name of function 'func' (as in core_verdict_rec). */
const char *core_object__func_name(const struct core_object *obj, int func);

struct core_verdict_rec {
	__u32 relo; /* relocation index in obj */
	int prog; /* program index, -1 when no program includes the relocation */
	int func; /* function holding the instruction, -1 if none */
	__u32 insn; /* instruction index in its section */
	enum core_relo_verdict verdict;
};

/* Owned by the caller: free with core_verdicts__free(). */
struct core_verdicts {
	struct core_verdict_rec *recs; /* one per (unresolved relocation, including program) */
	size_t rec_cnt;
	enum core_verdict *progs; /* per program */
	__u32 prog_cnt;
};

/*
 * Decide every program's verdict on one kernel from 'res' (core_object__resolve() or
 * core_tailor__add_object() results for obj). kver: the kernel's version as major << 8 |
 * minor (0: unknown, taken as current), for what its verifier prunes: every comparison on a
 * constant from 4.20, jeq/jne from 4.15, nothing before. Bounded work on any object.
 * 0 or -ENOMEM.
 */
int core_verdicts__compute(const struct core_object *obj, const struct core_relo_result *res,
			   unsigned kver, struct core_verdicts *v);
/* kver of a release string ("5.10.0-30-amd64" -> 5 << 8 | 10); 0 if it does not start so. */
unsigned core_kernel_version(const char *release);
void core_verdicts__free(struct core_verdicts *v);

#endif /* BTFGEN_CORE_H */
