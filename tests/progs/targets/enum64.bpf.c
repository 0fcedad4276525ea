// SPDX-License-Identifier: BSD-2-Clause
/* Object for the hand-made target enum64.btf: enumval relocations against ENUM64 (unsigned and
 * signed 64-bit values), a typedef'd ENUM64 root, ENUM vs ENUM64 candidates. clang 14 has no
 * ENUM64, so local values are small stand-ins; the relocated values come from the target. */
#include "common.h"

enum big64 {
	BIG_LOW = 1,
	BIG_HIGH = 2,
	BIG_TOP = 3,
	BIG_MID = 4,
	BIG_NOPE = 5,
};

enum sbig64 {
	SBIG_NEG = -5,
	SBIG_MIN = 6,
};

typedef enum big64 big64_t;

enum small32 {
	SMALL_A = 7,
	SMALL_NEG = -1,
};

SEC("kprobe/do_nanosleep")
int enum64_vals(void *ctx)
{
	out[0] = bpf_core_enum_value(enum big64, BIG_HIGH);
	out[1] = bpf_core_enum_value(enum big64, BIG_TOP);
	out[2] = bpf_core_enum_value(enum big64, BIG_MID);
	out[3] = bpf_core_enum_value_exists(enum big64, BIG_NOPE);
	out[4] = bpf_core_enum_value(enum sbig64, SBIG_NEG);
	out[5] = bpf_core_enum_value(enum sbig64, SBIG_MIN);
	out[6] = bpf_core_enum_value(big64_t, BIG_LOW);
	out[7] = bpf_core_type_size(enum big64);
	out[8] = bpf_core_enum_value(enum small32, SMALL_NEG);
	out[9] = bpf_core_type_exists(big64_t);
	return 0;
}
