// SPDX-License-Identifier: BSD-2-Clause
/* Object for the hand-made target edge_target.bpf.o: a TYPE_TAG reached by type relocations
 * through a pointer typedef (bpftool aborts: "unsupported kind: type_tag") and a FWD behind a
 * pointer typedef (bpftool aborts). */
#include "edge_types.h"

SEC("kprobe/do_nanosleep")
int edge_kinds(struct tagged *t)
{
	out[7] = (unsigned long)BPF_CORE_READ(t, uptr);
	out[8] = bpf_core_type_exists(uptr_t);
	out[9] = bpf_core_type_size(uptr_t);
	out[10] = bpf_core_type_exists(fwd_ptr_t);
	out[11] = bpf_core_type_exists(struct tagged);
	return 0;
}
