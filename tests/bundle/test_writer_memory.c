// SPDX-License-Identifier: BSD-2-Clause
/*
 * tests/bundle: what the bundle writer holds in memory per kernel until commit is a small
 * fixed record (docs/bench.md, "Scale"): a BTFHub-sized run must not grow with the number of
 * kernels. Measured as the heap's live bytes (the sanitizer's count under ASan, mallinfo2
 * otherwise) after adding many kernels, so the bound holds whatever the writer keeps.
 */
#define _GNU_SOURCE
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bundle_writer.h"
#include "harness.h"

#if defined(__SANITIZE_ADDRESS__)
#define HAVE_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HAVE_ASAN 1
#endif
#endif
#ifdef HAVE_ASAN
/* ASan's allocator replaces glibc's (mallinfo2 reads 0); its public count of live bytes */
size_t __sanitizer_get_current_allocated_bytes(void);
#endif

/*
 * Bytes per kernel the writer may hold: its record (48 bytes) and hash slot, with the slack
 * of their doubling arrays. Before the spill of index entries it held ~500 (the four key
 * strings, the record with a struct bundle_kernel, the entry's text).
 */
#define MAX_PER_KERNEL 160
/* With btfgen_bundle_writer__reserve() for all of them: nothing grows during the run. */
#define MAX_PER_KERNEL_RESERVED 8
#define WARM 1000 /* kernels added before measuring: the arrays have grown past their start */
#define MEASURED 8000

static size_t live_bytes(void)
{
#ifdef HAVE_ASAN
	return __sanitizer_get_current_allocated_bytes();
#else
	struct mallinfo2 mi = mallinfo2();

	return mi.uordblks + mi.hblkhd;
#endif
}

/* Kernel i: an "ok" kernel of one of two BTFs (stored once) or, every third, a failed one. */
static int add(struct bundle_writer *w, size_t i)
{
	static const unsigned char btf[2][64] = { { 1 }, { 2 } };
	struct bundle_unsatisfied u = {
		.object = "objects/app.bpf.o",
		.program = "handle_exec",
		.kind = "field_byte_offset",
		.type = "struct task_struct",
		.access = "0:1",
		.reason = "no candidate",
	};
	char version[32], release[64];
	struct bundle_kernel k = {
		.distro = "debian",
		.version = version,
		.arch = "x86_64",
		.release = release,
		.input_sha256_hex =
			"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
		.input_size = 1000000,
		.full_btf_size = 4000000,
		.unsatisfied = &u,
		.unsatisfied_cnt = 1,
	};

	snprintf(version, sizeof(version), "r%zu", i / 50);
	snprintf(release, sizeof(release), "6.1.0-%zu-cloud-amd64-with-a-long-flavour", i);
	if (i % 3 == 2) {
		k.status = "failed";
		k.reason =
			"archive: corrupt xz stream (reading member: Compressed data is corrupt)";
	} else {
		k.status = "ok";
		k.btf = btf[i % 2];
		k.btf_size = sizeof(btf[i % 2]);
	}
	return btfgen_bundle_writer__add_kernel(w, &k);
}

static void test_held_per_kernel(enum bundle_layout layout, const char *name, int reserve)
{
	size_t max = reserve ? MAX_PER_KERNEL_RESERVED : MAX_PER_KERNEL;
	char dir[] = "/tmp/btfgen-writer-mem-XXXXXX", path[64], err[256];
	struct bundle_writer *w;
	size_t before, after, i;
	int ret = 0;

	REQUIRE(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	w = btfgen_bundle_writer__new(path, layout, BUNDLE_COMPRESS_ZSTD, NULL, err, sizeof(err));
	REQUIRE(w);
	if (reserve)
		REQUIRE(!btfgen_bundle_writer__reserve(w, WARM + MEASURED));
	for (i = 0; i < WARM && !ret; i++)
		ret = add(w, i);
	before = live_bytes();
	for (; i < WARM + MEASURED && !ret; i++)
		ret = add(w, i);
	after = live_bytes();
	CHECK_INT(ret, 0);
	printf("%s%s: %zu bytes held per kernel (at most %zu)\n", name, reserve ? ", reserved" : "",
	       after > before ? (after - before) / MEASURED : 0, max);
	CHECK(after < before + max * MEASURED);
	/* what it held was enough: the bundle commits */
	CHECK_INT(btfgen_bundle_writer__commit(w, err, sizeof(err)), 0);
	btfgen_bundle_writer__free(w);
	unlink(path);
	rmdir(dir);
}

static void test_bundle(void)
{
	test_held_per_kernel(BUNDLE_LAYOUT_BUNDLE, "b.tar.zst", 0);
}

static void test_runtime(void)
{
	test_held_per_kernel(BUNDLE_LAYOUT_RUNTIME, "r.tar.zst", 0);
}

static void test_reserved(void)
{
	test_held_per_kernel(BUNDLE_LAYOUT_BUNDLE, "b.tar.zst", 1);
}

int main(void)
{
	RUN_TEST(test_bundle);
	RUN_TEST(test_runtime);
	RUN_TEST(test_reserved);
	return harness_finish();
}
