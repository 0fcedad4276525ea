// SPDX-License-Identifier: BSD-2-Clause
/* Type relocations on real kernel types: type_id_local, type_id_target, type_exists, type_size
 * on structs, unions, typedefs, enums, a func-proto pointer typedef, and a missing type. */
#include "common.h"

struct task_struct {
	int pid;
} PAI;

union bpf_attr {
	__u32 map_type;
} PAI;

typedef int __kernel_pid_t;
typedef __kernel_pid_t pid_t;

/* a local FWD would not be compatible with the kernel's STRUCT */
struct irq_desc {
	int irq_common_data;
};

/* typedef -> PTR -> FUNC_PROTO(struct irq_desc *): followed through the pointer */
typedef void (*irq_flow_handler_t)(struct irq_desc *desc);

/* typedef -> PTR -> FUNC_PROTO(const void *, const void *) returning int */
typedef int (*cmp_func_t)(const void *a, const void *b);

enum pid_type {
	PIDTYPE_PID,
	PIDTYPE_TGID,
};

struct btfgen_no_such_type {
	int x;
};

SEC("kprobe/do_nanosleep")
int types_all(void *ctx)
{
	out[0] = bpf_core_type_id_local(struct task_struct);
	out[1] = bpf_core_type_id_kernel(struct task_struct);
	out[2] = bpf_core_type_id_kernel(pid_t);
	out[3] = bpf_core_type_exists(struct task_struct);
	out[4] = bpf_core_type_exists(struct btfgen_no_such_type);
	out[5] = bpf_core_type_size(struct task_struct);
	out[6] = bpf_core_type_size(union bpf_attr);
	out[7] = bpf_core_type_exists(pid_t);
	out[8] = bpf_core_type_size(pid_t);
	out[9] = bpf_core_type_exists(irq_flow_handler_t);
	out[10] = bpf_core_type_size(irq_flow_handler_t);
	out[11] = bpf_core_type_exists(cmp_func_t);
	out[12] = bpf_core_type_id_kernel(irq_flow_handler_t);
	out[13] = bpf_core_type_exists(enum pid_type);
	out[14] = bpf_core_type_size(enum pid_type);
	out[15] = bpf_core_type_size(struct btfgen_no_such_type);
	out[16] = bpf_core_type_id_local(pid_t);
	return 0;
}
