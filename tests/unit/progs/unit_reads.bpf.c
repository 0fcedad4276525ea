// SPDX-License-Identifier: BSD-2-Clause
/* tests/unit: a clang-built CO-RE object with known relocations, read by test_core_object. */

struct inner {
	int x;
	int y;
} __attribute__((preserve_access_index));

struct task {
	int pid;
	struct inner in;
	unsigned int flags : 3;
	int arr[4];
} __attribute__((preserve_access_index));

enum state { ST_A = 1, ST_B = 2 };

__attribute__((section("kprobe/unit_reads"), used)) int unit_reads(struct task *t)
{
	int v;

	v = t->in.y;
	v += t->arr[2];
	v += __builtin_preserve_field_info(t->flags, 2 /* field_exists */);
	v += __builtin_preserve_type_info(*t, 1 /* type_size */);
	v += __builtin_preserve_enum_value(*(enum state *)ST_B, 1 /* enumval_value */);
	return v;
}

char _license[] __attribute__((section("license"), used)) = "GPL";
