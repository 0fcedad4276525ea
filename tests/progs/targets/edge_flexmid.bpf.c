// SPDX-License-Identifier: BSD-2-Clause
/* Object for the hand-made target edge_target.bpf.o, brief §1.10b: arr[0] in the middle of the
 * target struct is not flexible, so arr[2] does not match on the full BTF; reading arr itself
 * keeps arr, and if the tailored struct loses 'tail', arr becomes last and arr[2] would match. */
#include "common.h"

struct flexmid {
	int n;
	int arr[];
} PAI;

SEC("kprobe/do_nanosleep")
int edge_flexmid(struct flexmid *f)
{
	out[0] = bpf_core_field_offset(f->arr);
	out[1] = BPF_CORE_READ(f, arr[2]);
	out[2] = BPF_CORE_READ(f, n);
	return 0;
}
