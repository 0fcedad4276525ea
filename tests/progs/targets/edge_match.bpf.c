// SPDX-License-Identifier: BSD-2-Clause
/* Object for the hand-made target edge_target.bpf.o: type_matches (kind 12, patched in by
 * build.sh from type_exists) on a struct whose pointer members carry TYPE_TAGs; bpftool aborts
 * with "unsupported kind: type_tag". */
#include "common.h"

struct foo {
	int a;
};

struct tagged {
	int *uptr;
	struct foo *fptr;
};

SEC("kprobe/do_nanosleep")
int edge_match(void *ctx)
{
	out[0] = bpf_core_type_exists(struct tagged);
	return 0;
}
