// SPDX-License-Identifier: BSD-2-Clause
/* Object for the hand-made target edge_target.bpf.o: the brief's §0.1 pruning pattern,
 * foo{a,y} and foo___2{a,x}; read a, then x.
 * bpftool marks only foo.a for the first read, so on its output x is poisoned. */
#include "edge_types.h"

SEC("kprobe/do_nanosleep")
int edge_prune(struct foo *f)
{
	out[0] = BPF_CORE_READ(f, a);
	out[1] = BPF_CORE_READ(f, x);
	return 0;
}
