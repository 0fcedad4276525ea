// SPDX-License-Identifier: BSD-2-Clause
/* type_exists and type_size on an anonymous struct: clang 14 refuses them, so build.sh re-roots
 * the records on 'struct btfgen_anon_stand_in' at the anonymous struct of 'anon_var'
 * (patch_relo.py anon). libbpf refuses ("relocation doesn't support anonymous types"), bpftool
 * aborts; the tool must fail, or produce a BTF on which libbpf fails the same way. */
#include "common.h"

struct btfgen_anon_stand_in {
	int x;
};

struct {
	int x;
} anon_var;

SEC("kprobe/do_nanosleep")
int anon_exists(void *ctx)
{
	out[0] = bpf_core_type_exists(struct btfgen_anon_stand_in);
	out[1] = bpf_core_type_size(struct btfgen_anon_stand_in);
	out[2] = anon_var.x;
	return 0;
}
