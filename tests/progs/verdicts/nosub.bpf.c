// SPDX-License-Identifier: BSD-2-Clause
/*
 * No subprogram, so clang writes an empty .text next to the program's section: the empty
 * section must not stop the analysis (the read stays guarded).
 */
#include "../common.h"

struct task_struct___ns {
	int pid;
	int btfgen_missing;
} PAI;

SEC("kprobe/do_nanosleep")
int guarded_no_subprog(void *ctx)
{
	struct task_struct___ns *t = (void *)bpf_get_current_task();

	if (bpf_core_field_exists(t->btfgen_missing))
		out[0] = BPF_CORE_READ(t, btfgen_missing);
	return 0;
}
