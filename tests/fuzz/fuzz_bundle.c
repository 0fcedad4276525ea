// SPDX-License-Identifier: BSD-2-Clause
/*
 * tests/fuzz: libFuzzer target for the runtime bundle reader. The first byte picks what the
 * rest is: 0 the bundle file as is (zstd, xz or plain tar); 1 a tar the harness compresses
 * into one zstd frame with its content size and checksum; 2 the same without a content size
 * (a zstd from a pipe). Modes 1 and 2 let mutations of the tar and of index.json/matrix.json
 * reach the parsers past the frame checksum. Everything an application would call is called.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#include "bundle.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Small limits keep each run fast; the limit logic is what must hold. */
static const struct btfgen_bundle_opts opts = {
	.sz = sizeof(opts),
	.max_size = 8 << 20,
	.max_json_values = 1 << 16,
};

static void check_msg(const char *m)
{
	/* every failure: one printable line */
	if (!m || !*m || strchr(m, '\n') || strchr(m, '\x1b'))
		abort();
}

static void *zstd_wrap(const uint8_t *d, size_t n, int with_size, size_t *out_len)
{
	ZSTD_CCtx *c = ZSTD_createCCtx();
	size_t cap = ZSTD_compressBound(n), r;
	void *out = malloc(cap);

	if (!c || !out)
		abort();
	ZSTD_CCtx_setParameter(c, ZSTD_c_compressionLevel, 1);
	ZSTD_CCtx_setParameter(c, ZSTD_c_checksumFlag, 1);
	ZSTD_CCtx_setParameter(c, ZSTD_c_contentSizeFlag, with_size);
	if (!with_size) {
		ZSTD_inBuffer ib = { d, n, 0 };
		ZSTD_outBuffer ob = { out, cap, 0 };

		r = ZSTD_compressStream2(c, &ob, &ib, ZSTD_e_end);
		r = ZSTD_isError(r) || r ? (size_t)-1 : ob.pos;
	} else {
		r = ZSTD_compress2(c, out, cap, d, n);
	}
	ZSTD_freeCCtx(c);
	if (ZSTD_isError(r))
		abort();
	*out_len = r;
	return out;
}

static void exercise(struct bundle *b)
{
	struct bundle_query q = { 0 };
	struct bundle_match m;
	char err[256], path[64];
	size_t i, j, sz, n = btfgen_bundle__entry_cnt(b);

	for (i = 0; i < btfgen_bundle__object_cnt(b); i++)
		if (!btfgen_bundle__object(b, i))
			abort();
	btfgen_bundle__generator(b, "version");
	btfgen_bundle__index_json(b, &sz);
	for (i = 0; i < n; i++) {
		const struct bundle_entry *e = btfgen_bundle__entry(b, i);
		const void *d = btfgen_bundle__btf_data(b, e, &sz);

		if (d && !sz)
			abort();
		if (!d)
			check_msg(btfgen_bundle__error(b));
		for (j = 0; j < e->unsatisfied_cnt && j < 4; j++) {
			struct bundle_unsatisfied u;

			if (btfgen_bundle__unsatisfied(b, e, j, &u))
				break;
		}
		if (i == 0 && d && btfgen_bundle__btf_path(b, e, path, sizeof(path)))
			abort();
	}
	if (n) {
		const struct bundle_entry *e = btfgen_bundle__entry(b, n - 1);

		snprintf(q.release, sizeof(q.release), "%s", e->release);
		snprintf(q.arch, sizeof(q.arch), "%s", e->arch);
		btfgen_bundle__find(b, &q, &m);
	}
	if (btfgen_bundle__verify(b, err, sizeof(err)))
		check_msg(err);
	btfgen_bundle__matrix_json(b, &sz);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *in = data + 1;
	void *wrapped = NULL;
	struct bundle *b;
	size_t len = size ? size - 1 : 0;
	char err[256];

	if (!size)
		return 0;
	if (data[0] % 3) {
		wrapped = zstd_wrap(data + 1, size - 1, data[0] % 3 == 1, &len);
		in = wrapped;
	}
	b = btfgen_bundle__open_mem_opts(in, len, &opts, err, sizeof(err));
	free(wrapped); /* the bundle keeps its own copy */
	if (!b) {
		if (!errno)
			abort();
		check_msg(err);
		return 0;
	}
	exercise(b);
	btfgen_bundle__free(b);
	return 0;
}
