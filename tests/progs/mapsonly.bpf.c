// SPDX-License-Identifier: BSD-2-Clause
/* Maps only, no program: built without .BTF.ext (build.sh strips it). bpftool fails on it. */
#include "common.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");
