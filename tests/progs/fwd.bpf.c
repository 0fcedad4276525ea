// SPDX-License-Identifier: BSD-2-Clause
/* A FWD reached through a type relocation: kernel 'typedef struct __key_reference_with_attributes
 * *key_ref_t' points at a forward declaration. bpftool aborts ("unsupported kind: fwd"). */
#include "common.h"

typedef struct __key_reference_with_attributes *key_ref_t;

SEC("kprobe/do_nanosleep")
int fwd_keyref(void *ctx)
{
	out[0] = bpf_core_type_exists(key_ref_t);
	out[1] = bpf_core_type_size(key_ref_t);
	return 0;
}
