// SPDX-License-Identifier: BSD-2-Clause
/* Anonymous local root for type_id_local: needs no target type at all, any tool must cope. */
#include "common.h"

SEC("kprobe/do_nanosleep")
int anon_local_id(void *ctx)
{
	out[0] = bpf_core_type_id_local(struct { int x; });
	out[1] = bpf_core_type_id_local(union {
		int y;
		long z;
	});
	return 0;
}
