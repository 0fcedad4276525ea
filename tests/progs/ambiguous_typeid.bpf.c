// SPDX-License-Identifier: BSD-2-Clause
/* Decision ambiguity: type_id_target of 'struct syscall_tp_t', which exists twice, gives two
 * different target ids; libbpf fails ("relocation decision ambiguity") on the full BTF. */
#include "common.h"

struct syscall_tp_t {
	unsigned long syscall_nr;
} PAI;

SEC("kprobe/do_nanosleep")
int ambiguous_typeid(void *ctx)
{
	out[0] = bpf_core_type_id_kernel(struct syscall_tp_t);
	return 0;
}
