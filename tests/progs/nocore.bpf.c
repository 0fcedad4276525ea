// SPDX-License-Identifier: BSD-2-Clause
/* No CO-RE relocation at all: .BTF.ext has func and line info only. Expect an empty result. */
#include "common.h"

SEC("kprobe/do_nanosleep")
int nocore_prog(void *ctx)
{
	out[0] = bpf_get_current_pid_tgid();
	return 0;
}
