// SPDX-License-Identifier: BSD-2-Clause
/*
 * Object for the hand-made target enum_bits.btf: an enum-typed bitfield read with
 * BPF_CORE_READ_BITFIELD, no enumerator used. libbpf 1.1 computes FIELD_SIGNED of an enum as
 * kflag || (the word after the enum's header has bit 24 set): that word is the first
 * enumerator's name offset, so the tailored enum must keep it.
 */
#include "common.h"

enum color { RED, GREEN };

struct sbits {
	unsigned int pad;
	enum color c : 3;
} PAI;

SEC("kprobe/do_nanosleep")
int enum_bits(struct sbits *s)
{
	out[0] = BPF_CORE_READ_BITFIELD(s, c);
	return 0;
}
