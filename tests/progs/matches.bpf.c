// SPDX-License-Identifier: BSD-2-Clause
/* type_matches (kind 12) on real kernel types. clang 14 cannot emit it: each type_exists
 * record here becomes type_matches in build.sh (patch_relo.py kind 8 12). Covers structs
 * matched member by member (nested struct not behind a pointer, self pointers behind one),
 * a func-proto member, an enum, a typedef chain to int, and non-matching types. */
#include "common.h"

struct list_head {
	struct list_head *next;
	struct list_head *prev;
};

struct hlist_node {
	struct hlist_node *next;
	struct hlist_node **pprev;
};

/* nested structs not behind a pointer: their members are matched too */
struct plist_node {
	int prio;
	struct list_head prio_list;
	struct list_head node_list;
};

struct callback_head {
	struct callback_head *next;
	void (*func)(struct callback_head *head);
};

enum pid_type {
	PIDTYPE_PID,
	PIDTYPE_TGID,
};

typedef int __kernel_pid_t;
typedef __kernel_pid_t pid_t;

/* 'long long' is not the kernel's 'long long int': names must match, so this does not */
struct timespec64 {
	long long tv_sec;
};

/* a slice of a big struct: bpftool then keeps every member of task_struct and walks every
 * member type that is not behind a pointer */
struct task_struct___m {
	int pid;
	int tgid;
	struct task_struct___m *real_parent;
};

/* a member the kernel lacks */
struct list_head___nope {
	struct list_head *next;
	int btfgen_absent;
};

SEC("kprobe/do_nanosleep")
int matches_all(void *ctx)
{
	out[0] = bpf_core_type_exists(struct list_head);
	out[1] = bpf_core_type_exists(struct hlist_node);
	out[2] = bpf_core_type_exists(struct plist_node);
	out[3] = bpf_core_type_exists(struct callback_head);
	out[4] = bpf_core_type_exists(enum pid_type);
	out[5] = bpf_core_type_exists(pid_t);
	out[6] = bpf_core_type_exists(struct timespec64);
	out[7] = bpf_core_type_exists(struct list_head___nope);
	out[8] = bpf_core_type_exists(struct task_struct___m);
	return 0;
}
