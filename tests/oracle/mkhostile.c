// SPDX-License-Identifier: BSD-2-Clause
/*
 * tests/oracle: write crafted kernel BTFs and BPF objects for the cases issue 8 found, so that
 * libbpf judges them like any other target (hostile.sh runs run_oracle.sh on each pair).
 *
 * Usage: mkhostile OUTDIR CASE   writes OUTDIR/CASE.btf and OUTDIR/CASE.bpf.o
 * Cases:
 *   stale_path   match_member's stale raw_spec entry (a name matched with an incompatible type
 *                inside an anonymous member); the tailor once replayed it as a path and wrote
 *                past its member marks. libbpf's value includes the stale bit offset.
 *   deep_chain   300,000 ARRAYs chained through index_type: marking once recursed per link.
 *   huge_index   access index 2^31-1 on a 2 GiB root: the bit offset overflows 64 bits.
 *   huge_size    the same on a 3.75 GiB root: libbpf 1.1 fails (its int size goes negative).
 *   resolve_depth a field walk on which libbpf 1.1 errors (btf__resolve_size() depth > 32
 *                through a typedef chain): collapsing the chain once made it resolve.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/btf.h>

#include "unit_support.h"

static int write_btf(const char *path, const struct btf *btf)
{
	__u32 size;
	const void *raw = btf__raw_data(btf, &size);
	FILE *f = fopen(path, "wb");
	int ok;

	if (!raw || !f) {
		if (f)
			fclose(f);
		return -1;
	}
	ok = fwrite(raw, 1, size, f) == size;
	return fclose(f) == 0 && ok ? 0 : -1;
}

/* unit_hostile_stale_path()'s BTFs, with the relocations on its local struct */
static int stale_path(struct btf *k, struct btf *l, struct unit_relo *r, size_t *n)
{
	int lts = unit_hostile_stale_path(k, l);

	if (lts < 0)
		return -1;
	r[0] = (struct unit_relo){ lts, "0:0", BPF_CORE_FIELD_BYTE_OFFSET };
	r[1] = (struct unit_relo){ lts, "0:0", BPF_CORE_FIELD_EXISTS };
	r[2] = (struct unit_relo){ lts, "0:0", BPF_CORE_FIELD_BYTE_SIZE };
	*n = 3;
	return 0;
}

/* unit_hostile_deep_chain()'s BTFs */
static int deep_chain(struct btf *k, struct btf *l, struct unit_relo *r, size_t *n)
{
	int ls = unit_hostile_deep_chain(k, l);

	if (ls < 0)
		return -1;
	r[0] = (struct unit_relo){ ls, "0:0", BPF_CORE_FIELD_BYTE_OFFSET };
	r[1] = (struct unit_relo){ ls, "0:0:0", BPF_CORE_FIELD_BYTE_OFFSET };
	*n = 2;
	return 0;
}

/*
 * struct big { char a[256 MiB]; int x; } of 2 GiB - 1 MiB, read as big[2^31-1].x: the local
 * bit offset needs more than 64 bits (libbpf keeps the low 32). struct huge, the same at
 * 3.75 GiB: libbpf 1.1's target walk keeps sizes in an int and fails with (int)size.
 */
static int huge_index(struct btf *k, struct btf *l, struct unit_relo *r, size_t *n)
{
	struct btf *b[2] = { k, l };
	int big = 0, huge = 0;

	for (int i = 0; i < 2; i++) {
		int c = btf__add_int(b[i], "char", 1, BTF_INT_SIGNED);
		int in = btf__add_int(b[i], "int", 4, BTF_INT_SIGNED);
		int a = btf__add_array(b[i], in, c, 1u << 28);

		big = btf__add_struct(b[i], "big", 0x7ff00000u);
		btf__add_field(b[i], "a", a, 0, 0);
		btf__add_field(b[i], "x", in, 1u << 31, 0);
		huge = btf__add_struct(b[i], "huge", 0xf0000000u);
		btf__add_field(b[i], "a", a, 0, 0);
		btf__add_field(b[i], "x", in, 1u << 31, 0);
		if (big < 0 || huge < 0)
			return -1;
	}
	r[0] = (struct unit_relo){ big, "2147483647:1", BPF_CORE_FIELD_BYTE_OFFSET };
	r[1] = (struct unit_relo){ big, "2147483647:0:7", BPF_CORE_FIELD_BYTE_OFFSET };
	r[2] = (struct unit_relo){ big, "1:1", BPF_CORE_FIELD_BYTE_OFFSET };
	*n = 3;
	return 0;
}

/* the same, on struct huge: libbpf fails the object */
static int huge_size(struct btf *k, struct btf *l, struct unit_relo *r, size_t *n)
{
	int err = huge_index(k, l, r, n);

	r[0].type_id = r[1].type_id = r[2].type_id = r[0].type_id + 1;
	return err;
}

/* struct rd { T33 m[1][1]; } with T33 a chain of 33 typedefs to int; read rd.m[0][0] */
static int resolve_depth(struct btf *k, struct btf *l, struct unit_relo *r, size_t *n)
{
	int kint = btf__add_int(k, "int", 4, BTF_INT_SIGNED), td = kint, inner, outer, s;
	int lint, li, lo, ls;
	char name[16];

	for (int i = 0; i < 33; i++) {
		snprintf(name, sizeof(name), "t%d", i);
		td = btf__add_typedef(k, name, td);
	}
	inner = btf__add_array(k, kint, td, 1);
	outer = btf__add_array(k, kint, inner, 1);
	s = btf__add_struct(k, "rd", 4);
	btf__add_field(k, "m", outer, 0, 0);
	lint = btf__add_int(l, "int", 4, BTF_INT_SIGNED);
	li = btf__add_array(l, lint, lint, 1);
	lo = btf__add_array(l, lint, li, 1);
	ls = btf__add_struct(l, "rd", 4);
	btf__add_field(l, "m", lo, 0, 0);
	if (s < 0 || ls < 0)
		return -1;
	r[0] = (struct unit_relo){ ls, "0:0:0:0", BPF_CORE_FIELD_BYTE_OFFSET };
	*n = 1;
	return 0;
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*build)(struct btf *k, struct btf *l, struct unit_relo *r, size_t *n);
	} cases[] = {
		{ "stale_path", stale_path },	    { "deep_chain", deep_chain },
		{ "huge_index", huge_index },	    { "huge_size", huge_size },
		{ "resolve_depth", resolve_depth },
	};
	struct unit_relo relos[8];
	char path[4096];
	size_t n = 0;

	if (argc != 3) {
		fprintf(stderr, "usage: mkhostile OUTDIR CASE\n");
		return 2;
	}
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct btf *k, *l;
		int err;

		if (strcmp(cases[i].name, argv[2]))
			continue;
		k = btf__new_empty();
		l = btf__new_empty();
		err = !k || !l || cases[i].build(k, l, relos, &n);
		snprintf(path, sizeof(path), "%s/%s.btf", argv[1], argv[2]);
		err = err || write_btf(path, k);
		snprintf(path, sizeof(path), "%s/%s.bpf.o", argv[1], argv[2]);
		err = err || unit_obj__write(path, l, relos, n, 0);
		btf__free(k);
		btf__free(l);
		if (err)
			fprintf(stderr, "mkhostile: %s: cannot build\n", argv[2]);
		return err ? 1 : 0;
	}
	fprintf(stderr, "mkhostile: unknown case '%s'\n", argv[2]);
	return 2;
}
