// SPDX-License-Identifier: BSD-2-Clause
/* Object for the hand-made target kflag0.btf (old-style kflag=0 bitfields: bpftool fails with
 * "error generating BTF" because btf__add_field rejects them). */
#include "common.h"

struct oldbits {
	unsigned int a : 3;
	int b : 5;
	unsigned long long c : 40;
	unsigned int d;
} PAI;

SEC("kprobe/do_nanosleep")
int kflag0_bits(struct oldbits *o)
{
	out[0] = BPF_CORE_READ_BITFIELD_PROBED(o, a);
	out[1] = BPF_CORE_READ_BITFIELD_PROBED(o, b);
	out[2] = BPF_CORE_READ_BITFIELD_PROBED(o, c);
	out[3] = BPF_CORE_READ(o, d);
	return 0;
}
