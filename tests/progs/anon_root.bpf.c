// SPDX-License-Identifier: BSD-2-Clause
/* A relocation on an anonymous local root: libbpf refuses ("relocation doesn't support
 * anonymous types") on any target and bpftool aborts. clang 14 refuses type_exists on an
 * anonymous type, so this uses a field read through an anonymous preserve_access_index struct.
 * The tool must fail, or produce a BTF on which libbpf fails the same way. */
#include "common.h"

struct task_struct {
	int pid;
} PAI;

SEC("kprobe/do_nanosleep")
int anon_root(struct task_struct *t)
{
	struct {
		int btfgen_anon_x;
		int pid;
	} PAI *p = (void *)t;

	out[0] = BPF_CORE_READ(t, pid);
	out[1] = BPF_CORE_READ(p, pid);
	return 0;
}
