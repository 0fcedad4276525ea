// SPDX-License-Identifier: BSD-2-Clause
/* Object for the hand-made target edge_target.bpf.o: kflag=1 bitfields (3, 5 signed, 40 and
 * 12 signed bits) and members inside anonymous unions. */
#include "edge_types.h"

SEC("kprobe/do_nanosleep")
int edge_bits(struct bits *b)
{
	struct anon_twice *at = (void *)b;

	out[12] = BPF_CORE_READ_BITFIELD_PROBED(b, a);
	out[13] = BPF_CORE_READ_BITFIELD_PROBED(b, b);
	out[14] = BPF_CORE_READ_BITFIELD_PROBED(b, c);
	out[15] = BPF_CORE_READ_BITFIELD_PROBED(b, d);
	out[16] = BPF_CORE_READ(at, second);
	out[17] = BPF_CORE_READ(at, first);
	return 0;
}
