// SPDX-License-Identifier: BSD-2-Clause
/*
 * libbpf refuses the whole object (a relocation rooted at an anonymous local struct), so both
 * programs are 'refused' on every kernel, even the one whose own relocations resolve.
 */
#include "../common.h"

struct task_struct___rf {
	int pid;
} PAI;

SEC("kprobe/do_nanosleep")
int refused_ok_alone(void *ctx)
{
	out[0] = BPF_CORE_READ((struct task_struct___rf *)bpf_get_current_task(), pid);
	return 0;
}

SEC("kprobe/do_nanosleep")
int refused_anon(void *ctx)
{
	struct {
		int btfgen_anon_x;
		int pid;
	} PAI *p = (void *)bpf_get_current_task();

	out[1] = BPF_CORE_READ(p, pid);
	return 0;
}
