// SPDX-License-Identifier: BSD-2-Clause
/* lookup-bench: in-process cost of finding one kernel's BTF in an embedded bundle vs a tar.gz. */
/*
 * usage: lookup-bench RUNS BUNDLE TREE.tar.gz DISTRO VERSION ARCH RELEASE
 *
 * Both files are read into memory once, as an application that embeds them has them. Then,
 * RUNS times each, what an application does at start-up:
 *   bundle: btfgen_bundle__open_mem, btfgen_bundle__find, btfgen_bundle__btf_data (hash checked),
 * btfgen_bundle__free; tar.gz: inflate from the start and walk the tar headers until
 * DISTRO/VERSION/ARCH/ RELEASE.btf, copy it out (how bcc's libbpf-tools find theirs; our own code).
 * Prints one line per method: "<method> <us per call> <btf bytes>".
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

#include "bundle.h"

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static void *read_file(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET))
		goto out;
	buf = malloc(n ? n : 1);
	if (buf && fread(buf, 1, n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	*size = n;
out:
	fclose(f);
	return buf;
}

/* Inflates exactly len bytes into dst (or discards them when dst is NULL); 0 or -EIO. */
static int gz_take(z_stream *zs, void *dst, size_t len)
{
	unsigned char sink[16384];
	int ret;

	while (len) {
		size_t chunk = dst ? len : (len < sizeof(sink) ? len : sizeof(sink));

		zs->next_out = dst ? dst : sink;
		zs->avail_out = chunk;
		ret = inflate(zs, Z_NO_FLUSH);
		if (ret != Z_OK && ret != Z_STREAM_END)
			return -EIO;
		chunk -= zs->avail_out;
		if (!chunk)
			return -EIO;
		if (dst)
			dst = (char *)dst + chunk;
		len -= chunk;
	}
	return 0;
}

static unsigned long long octal(const char *p, size_t n)
{
	unsigned long long v = 0;

	for (; n && *p == ' '; p++, n--)
		;
	for (; n && *p >= '0' && *p <= '7'; p++, n--)
		v = v * 8 + (*p - '0');
	return v;
}

/* Finds member name in the gzip'd tar gz/gz_sz; returns a malloc'd copy (size in *size). */
static void *targz_find(const void *gz, size_t gz_sz, const char *name, size_t *size)
{
	unsigned char hdr[512];
	char full[257];
	void *out = NULL;
	z_stream zs = {};

	if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK)
		return NULL;
	zs.next_in = (unsigned char *)gz;
	zs.avail_in = gz_sz;
	while (!gz_take(&zs, hdr, sizeof(hdr)) && hdr[0]) {
		unsigned long long sz = octal((char *)hdr + 124, 12);
		unsigned long long padded = (sz + 511) & ~511ULL;

		/* ustar: "prefix/name" when prefix (offset 345) is set. */
		if (hdr[345])
			snprintf(full, sizeof(full), "%.155s/%.100s", hdr + 345, hdr);
		else
			snprintf(full, sizeof(full), "%.100s", hdr);
		if ((hdr[156] == '0' || hdr[156] == 0) && !strcmp(full, name)) {
			out = malloc(sz ? sz : 1);
			if (out && gz_take(&zs, out, sz)) {
				free(out);
				out = NULL;
			}
			*size = sz;
			break;
		}
		if (gz_take(&zs, NULL, padded))
			break;
	}
	inflateEnd(&zs);
	return out;
}

int main(int argc, char **argv)
{
	struct bundle_query q = {};
	struct bundle_match m;
	size_t bsz, gsz, size = 0, got_b = 0, got_t = 0;
	char member[512], err[256];
	void *bdata, *gdata;
	double t0, t_b, t_t;
	int runs, i;

	if (argc != 8) {
		fprintf(stderr,
			"usage: lookup-bench RUNS BUNDLE TREE.tar.gz DISTRO VERSION ARCH RELEASE\n");
		return 2;
	}
	runs = atoi(argv[1]);
	bdata = read_file(argv[2], &bsz);
	gdata = read_file(argv[3], &gsz);
	if (runs < 1 || !bdata || !gdata) {
		fprintf(stderr, "lookup-bench: bad RUNS or unreadable input\n");
		return 2;
	}
	snprintf(q.distro, sizeof(q.distro), "%s", argv[4]);
	snprintf(q.version, sizeof(q.version), "%s", argv[5]);
	snprintf(q.arch, sizeof(q.arch), "%s", argv[6]);
	snprintf(q.release, sizeof(q.release), "%s", argv[7]);
	snprintf(member, sizeof(member), "%s/%s/%s/%s.btf", argv[4], argv[5], argv[6], argv[7]);

	t0 = now_us();
	for (i = 0; i < runs; i++) {
		struct bundle *b = btfgen_bundle__open_mem(bdata, bsz, err, sizeof(err));

		if (!b || btfgen_bundle__find(b, &q, &m) ||
		    !btfgen_bundle__btf_data(b, m.entry, &got_b)) {
			fprintf(stderr, "lookup-bench: bundle: %s\n", b ? "not found" : err);
			return 1;
		}
		btfgen_bundle__free(b);
	}
	t_b = (now_us() - t0) / runs;

	t0 = now_us();
	for (i = 0; i < runs; i++) {
		void *btf = targz_find(gdata, gsz, member, &size);

		if (!btf) {
			fprintf(stderr, "lookup-bench: %s not in the tar.gz\n", member);
			return 1;
		}
		got_t = size;
		free(btf);
	}
	t_t = (now_us() - t0) / runs;

	printf("bundle %.1f %zu\ntargz %.1f %zu\n", t_b, got_b, t_t, got_t);
	free(bdata);
	free(gdata);
	return 0;
}
