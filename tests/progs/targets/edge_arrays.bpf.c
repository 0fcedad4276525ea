// SPDX-License-Identifier: BSD-2-Clause
/* Object for the hand-made target edge_target.bpf.o: nested arrays (m[2][3], c[1][2][1]),
 * an array element size, a flexible array. */
#include "edge_types.h"

SEC("kprobe/do_nanosleep")
int edge_arrays(struct nested *n)
{
	out[2] = BPF_CORE_READ(n, m[2][3]);
	out[3] = BPF_CORE_READ(n, c[1][2][1]);
	out[4] = bpf_core_field_size(n->m[1]);
	out[5] = BPF_CORE_READ(n, tail[5]);
	out[6] = bpf_core_field_offset(n->tail);
	return 0;
}
