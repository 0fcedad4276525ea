// SPDX-License-Identifier: BSD-2-Clause
/*
 * tests/bundle: start-up cost of the runtime lookup on a full-corpus-sized bundle (230 kernels
 * with realistic compatibility matrices, ~40 unsatisfied relocations each): open from memory +
 * find + btf_data (decode up to the blob, hash it), for every kernel of the bundle. Prints
 * the times; it fails only if a lookup fails or serves the wrong bytes, never on time (the
 * machine is shared: the budget is checked by scripts/bench.sh, not here). Also prints what
 * loading the matrix costs, which lookup no longer pays.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bundle_writer.h"

#define NKERN 230
#define NUNSAT 42 /* 4992 unsatisfied relocations over 118 Debian kernels */
#define BLOB_SZ 4500 /* all 61 libbpf-tools objects tailor a Debian 12 kernel to 4.3 KB */
#define RUNS 5

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static const char *const distros[] = { "ubuntu", "centos", "debian", "fedora",
				       "amzn",	 "ol",	   "rhel",   "sles" };

static void kernel_keys(size_t i, char *ver, size_t ver_sz, char *rel, size_t rel_sz)
{
	snprintf(ver, ver_sz, "%zu", 10 + i % 7);
	snprintf(rel, rel_sz, "5.%zu.0-%zu-generic", i % 20, i);
}

/* The kernels' BTF: one base, a few bytes per 64 that differ by kernel (BTF-like similarity). */
static void make_btf(unsigned char *btf, size_t i)
{
	unsigned x = (unsigned)i * 2654435761u + 1;
	size_t j;

	for (j = 0; j < BLOB_SZ; j++) {
		x = x * 1103515245 + 12345;
		btf[j] = j % 64 ? (unsigned char)((j * 7 / 16) % 251) : (unsigned char)(x >> 24);
	}
}

static char *make_bundle(size_t *size)
{
	static const char *const kinds[] = { "field_byte_offset", "field_exists", "type_exists",
					     "enumval_exists" };
	static const char *const types[] = { "struct request", "struct task_struct", "struct bio",
					     "enum blk_opf", "struct sock" };
	char path[] = "/tmp/btfgen-perf-XXXXXX", err[256], rel[64], ver[16], obj[NUNSAT][32],
	     prog[NUNSAT][48], acc[NUNSAT][16];
	struct bundle_unsatisfied u[NUNSAT];
	unsigned char *btf = malloc(BLOB_SZ);
	struct bundle_writer *w;
	char *data = NULL;
	size_t i, j;
	FILE *f;
	int fd;

	fd = mkstemp(path);
	if (fd < 0 || !btf)
		return NULL;
	close(fd);
	for (j = 0; j < NUNSAT; j++) {
		snprintf(obj[j], sizeof(obj[j]), "tool%zu.bpf.o", j % 17);
		snprintf(prog[j], sizeof(prog[j]), "tracepoint__block__rq_issue_%zu", j % 5);
		snprintf(acc[j], sizeof(acc[j]), "0:%zu", j % 13);
		u[j] = (struct bundle_unsatisfied){
			obj[j],	      prog[j], (unsigned)j,	    kinds[j % 4],
			types[j % 5], acc[j],  "no matching member"
		};
	}
	w = btfgen_bundle_writer__new(path, BUNDLE_LAYOUT_BUNDLE, BUNDLE_COMPRESS_ZSTD, NULL, err,
				      sizeof(err));
	for (i = 0; w && i < NKERN; i++) {
		struct bundle_kernel k = {};

		make_btf(btf, i);
		kernel_keys(i, ver, sizeof(ver), rel, sizeof(rel));
		k.distro = distros[i % 8];
		k.version = ver;
		k.arch = i % 3 ? "x86_64" : "arm64";
		k.release = rel;
		k.status = "ok";
		k.btf = btf;
		k.btf_size = BLOB_SZ;
		k.input_sha256_hex =
			"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
		k.input_size = 1 << 20;
		k.full_btf_size = 5 << 20;
		k.unsatisfied = u;
		k.unsatisfied_cnt = NUNSAT - i % 5;
		if (btfgen_bundle_writer__add_kernel(w, &k))
			goto out;
	}
	if (!w || btfgen_bundle_writer__commit(w, err, sizeof(err))) {
		fprintf(stderr, "writer: %s\n", err);
		goto out;
	}
	f = fopen(path, "rb");
	if (!f)
		goto out;
	fseek(f, 0, SEEK_END);
	*size = ftell(f);
	fseek(f, 0, SEEK_SET);
	data = malloc(*size);
	if (data && fread(data, 1, *size, f) != *size) {
		free(data);
		data = NULL;
	}
	fclose(f);
out:
	btfgen_bundle_writer__free(w);
	remove(path);
	free(btf);
	return data;
}

int main(void)
{
	static double times[NKERN * RUNS];
	unsigned char want[BLOB_SZ];
	double t0, sum = 0, tm;
	struct bundle_query q;
	struct bundle_match m;
	size_t size, i, n = 0, il = 0, ml = 0;
	char err[256], *data;
	struct bundle *b;
	int r;

	data = make_bundle(&size);
	if (!data)
		return 1;
	for (i = 0; i < NKERN; i++) {
		memset(&q, 0, sizeof(q));
		snprintf(q.distro, sizeof(q.distro), "%s", distros[i % 8]);
		snprintf(q.arch, sizeof(q.arch), "%s", i % 3 ? "x86_64" : "aarch64");
		kernel_keys(i, q.version, sizeof(q.version), q.release, sizeof(q.release));
		make_btf(want, i);
		for (r = 0; r < RUNS; r++) {
			const void *d;
			size_t sz;

			t0 = now_ms();
			b = btfgen_bundle__open_mem(data, size, err, sizeof(err));
			if (!b || btfgen_bundle__find(b, &q, &m) ||
			    !(d = btfgen_bundle__btf_data(b, m.entry, &sz))) {
				fprintf(stderr, "FAIL: kernel %zu: %s\n", i,
					b ? btfgen_bundle__error(b) : err);
				return 1;
			}
			times[n++] = now_ms() - t0;
			if (sz != BLOB_SZ || memcmp(d, want, sz)) {
				fprintf(stderr, "FAIL: kernel %zu: wrong BTF\n", i);
				return 1;
			}
			btfgen_bundle__free(b);
		}
	}
	for (i = 0; i < n; i++)
		sum += times[i];
	qsort(times, n, sizeof(times[0]), cmp_double);
	b = btfgen_bundle__open_mem(data, size, err, sizeof(err));
	t0 = now_ms();
	if (!b || btfgen_bundle__load_matrix(b, err, sizeof(err)) ||
	    !btfgen_bundle__index_json(b, &il) || !btfgen_bundle__matrix_json(b, &ml)) {
		fprintf(stderr, "FAIL: matrix: %s\n", err);
		return 1;
	}
	tm = now_ms() - t0;
	btfgen_bundle__free(b);
	printf("bundle: %d kernels, %d x %d bytes of BTF, index.json %zu bytes, matrix.json %zu "
	       "bytes, %zu bytes compressed\n",
	       NKERN, NKERN, BLOB_SZ, il, ml, size);
	printf("open_mem + find + btf_data, every kernel x %d: mean %.3f ms, median %.3f, "
	       "p90 %.3f, max %.3f (not a pass/fail budget: scripts/bench.sh times it)\n",
	       RUNS, sum / n, times[n / 2], times[n * 9 / 10], times[n - 1]);
	printf("loading matrix.json on top (what lookup does not pay): %.3f ms\n", tm);
	free(data);
	return 0;
}
