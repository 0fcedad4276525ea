// SPDX-License-Identifier: BSD-2-Clause
/* Object for the hand-made target edge_target.bpf.o: foo{a,y} and foo___2{a,x} are compatible
 * duplicates for a read of a alone: one candidate is enough (issue 8, item 6), so the tailored
 * BTF keeps one foo, as bpftool's does (there, rightly). */
#include "edge_types.h"

SEC("kprobe/do_nanosleep")
int edge_single(struct foo *f)
{
	out[0] = BPF_CORE_READ(f, a);
	out[1] = bpf_core_field_exists(f->a);
	return 0;
}
