/* SPDX-License-Identifier: BSD-2-Clause */
/* Shared by the CO-RE test programs: results go to a global array so nothing is optimized out. */
#ifndef PROGS_COMMON_H
#define PROGS_COMMON_H

/* no kernel headers: the fixed-width types, spelled as the kernel spells them */
typedef signed char __s8;
typedef unsigned char __u8;
typedef short int __s16;
typedef short unsigned int __u16;
typedef int __s32;
typedef unsigned int __u32;
typedef long long int __s64;
typedef long long unsigned int __u64;
typedef __u16 __be16;
typedef __u32 __be32;
typedef __u32 __wsum;

enum bpf_map_type___local { BPF_MAP_TYPE_HASH___local = 1 };
#define BPF_MAP_TYPE_ARRAY 2
#define BPF_MAP_TYPE_HASH 1

#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

#define PAI __attribute__((preserve_access_index))

/* plain C types spelled as the kernel spells them (type_matches compares names) */
typedef __u8 u8;
typedef __u16 u16;
typedef __u32 u32;
typedef __u64 u64;

__u64 out[64];

char LICENSE[] SEC("license") = "GPL";

#endif
