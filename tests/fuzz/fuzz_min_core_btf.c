// SPDX-License-Identifier: BSD-2-Clause
/*
 * tests/fuzz: libFuzzer target for min_core_btf's core: a mutated small target BTF (raw, the
 * input) tailored to fixed objects (the test-data/targets objects, loaded once): parse, index,
 * resolve and mark, emit, then re-check the tailored BTF (core_tailor__verify). A crash, a
 * leak or an emitted BTF libbpf cannot parse is a finding; with BTFGEN_FUZZ_STRICT=1 so is an
 * outcome that differs between the full and the tailored BTF.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "btfgen_core.h"

#ifndef FUZZ_DATA_DIR
#define FUZZ_DATA_DIR "test-data"
#endif

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const objects[] = {
	"targets/edge_match.bpf.o", "targets/edge_prune.bpf.o", "targets/edge_arrays.bpf.o",
	"targets/edge_bits.bpf.o",  "targets/edge_kinds.bpf.o", "targets/kflag0.bpf.o",
	"targets/enum64.bpf.o",
};
#define NOBJ (sizeof(objects) / sizeof(objects[0]))
static struct core_object *objs[NOBJ];
static int strict;

static void quiet(const char *msg)
{
	(void)msg;
}

static int no_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	(void)fmt;
	(void)ap;
	return 0;
}

static void free_objs(void)
{
	size_t i;

	for (i = 0; i < NOBJ; i++)
		core_object__free(objs[i]);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *dir = getenv("BTFGEN_FUZZ_DATA") ?: FUZZ_DATA_DIR;
	char path[4096], err[256];
	size_t i;

	(void)argc;
	(void)argv;
	libbpf_set_print(no_print);
	core_set_log(quiet);
	strict = getenv("BTFGEN_FUZZ_STRICT") && atoi(getenv("BTFGEN_FUZZ_STRICT"));
	for (i = 0; i < NOBJ; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, objects[i]);
		objs[i] = core_object__open(path, err, sizeof(err));
		if (!objs[i]) {
			fprintf(stderr, "fuzz_min_core_btf: %s: %s (set BTFGEN_FUZZ_DATA)\n", path,
				err);
			exit(1);
		}
	}
	atexit(free_objs);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct core_tailor *t = NULL;
	struct kernel_index *ki = NULL;
	struct btf *btf, *out_btf;
	char err[256];
	void *out = NULL;
	__u32 out_sz = 0;
	size_t i;

	btf = core_btf_from_mem(data, size, err, sizeof(err));
	if (!btf) {
		if (!err[0] || strchr(err, '\n'))
			abort();
		return 0;
	}
	ki = kernel_index__new(btf);
	t = ki ? core_tailor__new(ki) : NULL;
	if (!t)
		goto out;
	for (i = 0; i < NOBJ; i++)
		if (core_tailor__add_object(t, objs[i], NULL))
			goto out;
	if (core_tailor__emit(t, &out, &out_sz))
		goto out;
	/* what min_core_btf writes must be BTF libbpf reads */
	out_btf = btf__new(out, out_sz);
	if (!out_btf)
		abort();
	btf__free(out_btf);
	if (core_tailor__verify(t, out, out_sz, err, sizeof(err)) && strict) {
		fprintf(stderr, "fuzz_min_core_btf: %s\n", err);
		abort();
	}
out:
	free(out);
	core_tailor__free(t);
	kernel_index__free(ki);
	btf__free(btf);
	return 0;
}
