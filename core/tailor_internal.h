/* SPDX-License-Identifier: BSD-2-Clause */
/* core: the tailor's state, private to tailor_mark.c, tailor_emit.c and tailor_verify.c. */
#ifndef BTFGEN_TAILOR_INTERNAL_H
#define BTFGEN_TAILOR_INTERNAL_H

#include "core_internal.h"

enum {
	T_MARKED = 1, /* the type is emitted */
	T_FOLLOWED = 2, /* marked with pointers followed (type-based relocations) */
	T_ALL_MEMBERS = 4, /* every member/enumerator is kept (type_matches) */
	T_MATCH_FULL = 8, /* walked by type_matches, not behind a pointer */
	T_MATCH_PTR = 16, /* walked by type_matches, behind a pointer */
	T_ROOT = 32, /* the root of a matching candidate: CO-RE finds it by name */
	T_NOCOLLAPSE = 64, /* on a walk that errored: chain lengths count (resolve depth) */
	T_SIGN_WORD = 128, /* FIELD_SIGNED reads the word after this type's header */
};

struct added_object {
	const struct core_object *obj;
	struct core_relo_result *results; /* outcomes on the full BTF */
};

struct core_tailor {
	const struct kernel_index *ki;
	const struct btf *btf;
	__u32 type_cnt;
	__u8 *tmark; /* per type: T_* flags */
	__u8 **mmark; /* per type: kept flag per member/enumerator, allocated on first mark */
	bool oom; /* a member mark could not be allocated */
	__u8 extra; /* flags every mark_type() adds (T_NOCOLLAPSE on a failed walk) */
	__u32 *stack; /* mark_type()'s work list: no recursion whose depth the input sets */
	size_t stack_cap;
	char err[160]; /* why tailoring failed, when not for memory */
	struct added_object *added;
	size_t added_cnt, added_cap;
	struct blocker *blockers;
	size_t blocker_cnt, blocker_cap;
};

/* A non-matching candidate and the members that made it not match (note_blocker()). */
struct blocker {
	__u32 root;
	bool applied;
	int len;
	struct spec_visit *visit;
};

/* Why tailoring failed as a whole (the input cannot be tailored faithfully); one line. */
void tailor_set_error(struct core_tailor *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Keep what made non-matching candidates not match, once they are emitted (before emitting). */
void tailor_mark_blockers(struct core_tailor *t);

#endif
