// SPDX-License-Identifier: BSD-2-Clause
/* Enum relocations: enumval_exists and enumval_value on 32-bit enums (a value added in 6.1),
 * on 64-bit enums (ENUM64 in 6.x kernels, 8-byte ENUM in 5.10), and a missing enumerator. */
#include "common.h"

enum bpf_map_type {
	BPF_MAP_TYPE_RINGBUF = 27,
	BPF_MAP_TYPE_USER_RINGBUF = 31, /* 6.1+ */
	BPF_MAP_TYPE_BTFGEN_NOPE = 1000,
};

/* 64-bit values: ENUM64 'perf_callchain_context' on 6.x */
enum perf_callchain_context {
	PERF_CONTEXT_HV = 0xffffffffffffffe0ULL,
	PERF_CONTEXT_KERNEL = 0xffffffffffffff80ULL,
	PERF_CONTEXT_USER = 0xfffffffffffffe00ULL,
	PERF_CONTEXT_MAX = 0xfffffffffffff001ULL,
};

/*
 * ENUM64 'hmm_pfn_flags' on 6.x holds 1ULL << 62: clang 14 truncates local enum values to 32
 * bits (and libbpf then rejects the instruction), so the local value is a small stand-in; the
 * relocated value comes from the target.
 */
enum hmm_pfn_flags {
	HMM_PFN_VALID = 1,
	HMM_PFN_WRITE = 2,
};

SEC("kprobe/do_nanosleep")
int enums_all(void *ctx)
{
	out[0] = bpf_core_enum_value_exists(enum bpf_map_type, BPF_MAP_TYPE_RINGBUF);
	out[1] = bpf_core_enum_value(enum bpf_map_type, BPF_MAP_TYPE_RINGBUF);
	out[2] = bpf_core_enum_value_exists(enum bpf_map_type, BPF_MAP_TYPE_USER_RINGBUF);
	if (bpf_core_enum_value_exists(enum bpf_map_type, BPF_MAP_TYPE_USER_RINGBUF))
		out[3] = bpf_core_enum_value(enum bpf_map_type, BPF_MAP_TYPE_USER_RINGBUF);
	out[4] = bpf_core_enum_value_exists(enum bpf_map_type, BPF_MAP_TYPE_BTFGEN_NOPE);
	out[5] = bpf_core_enum_value(enum perf_callchain_context, PERF_CONTEXT_USER);
	out[6] = bpf_core_enum_value_exists(enum perf_callchain_context, PERF_CONTEXT_MAX);
	out[7] = bpf_core_enum_value(enum hmm_pfn_flags, HMM_PFN_WRITE);
	out[8] = bpf_core_type_size(enum perf_callchain_context);
	return 0;
}
