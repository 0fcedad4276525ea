// SPDX-License-Identifier: BSD-2-Clause
#define _GNU_SOURCE /* asprintf */
/* pipeline: the kernel cache (see kernel_cache.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include "kernel_archive.h"
#include "kernel_cache.h"
#include "result_cache.h"

#define KC_MAGIC "BTFGKC1\n"
#define KC_HDR 16
/* zstd 3: 26 ms to write a 4.3 MB BTF, 1.46 MB stored, ~5 ms to read (docs/bench.md) */
#define KC_LEVEL 3

int kernel_cache__prepare(const char *dir, char *err, size_t err_sz)
{
	char why[400] = "";
	int ret = result_cache__prepare(dir, why, sizeof(why));

	/* say which folder it was: the output's, the result cache's or ours */
	if (ret)
		snprintf(err, err_sz, "kernel cache: %s", why);
	return ret;
}

static char *entry_path(const char *dir, const char *sha_hex)
{
	char *p = NULL;

	if (asprintf(&p, "%s/%s.kbtf", dir, sha_hex) < 0)
		return NULL;
	return p;
}

static int is_btf(const unsigned char *p, size_t n)
{
	return n >= 2 && ((p[0] == 0x9f && p[1] == 0xeb) || (p[0] == 0xeb && p[1] == 0x9f));
}

int kernel_cache__get(const char *dir, const char *sha_hex, size_t max_size, void **data,
		      size_t *size)
{
	struct kernel_archive_limits lim = { .max_input = max_size + KC_HDR + 4096 };
	char *path = entry_path(dir, sha_hex);
	unsigned char *buf = NULL, *out = NULL;
	unsigned long long n = 0, fcs;
	size_t len = 0, got;
	int ret;

	if (!path)
		return -ENOMEM;
	/* a zstd frame is never larger than its content plus a small margin */
	ret = kernel_archive__load(path, &lim, (void **)&buf, &len, NULL, NULL, 0);
	free(path);
	if (ret)
		return ret == -EFBIG ? -EFBIG : -ENOENT;
	ret = -EBADMSG;
	if (len < KC_HDR || memcmp(buf, KC_MAGIC, 8))
		goto out;
	for (int i = 7; i >= 0; i--)
		n = n << 8 | buf[8 + i];
	fcs = ZSTD_getFrameContentSize(buf + KC_HDR, len - KC_HDR);
	if (n == 0 || fcs != n) /* also catches ZSTD_CONTENTSIZE_ERROR/UNKNOWN */
		goto out;
	if (n > max_size) {
		ret = -EFBIG;
		goto out;
	}
	/* exactly one frame, nothing after it */
	if (ZSTD_findFrameCompressedSize(buf + KC_HDR, len - KC_HDR) != len - KC_HDR)
		goto out;
	out = malloc(n);
	if (!out) {
		ret = -ENOMEM;
		goto out;
	}
	/* verifies the frame's content checksum (XXH64): a flipped bit is a miss */
	got = ZSTD_decompress(out, n, buf + KC_HDR, len - KC_HDR);
	if (ZSTD_isError(got) || got != n || !is_btf(out, n))
		goto out;
	*data = out;
	*size = n;
	out = NULL;
	ret = 0;
out:
	free(out);
	free(buf);
	return ret;
}

static int write_all(int fd, const void *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		p = (const char *)p + w;
		n -= w;
	}
	return 0;
}

int kernel_cache__put(const char *dir, const char *sha_hex, const void *data, size_t size)
{
	size_t bound = ZSTD_compressBound(size), clen;
	unsigned char *buf = malloc(KC_HDR + bound);
	char *path = entry_path(dir, sha_hex), *tmp = NULL;
	ZSTD_CCtx *cc = ZSTD_createCCtx();
	int fd = -1, ret = -ENOMEM;

	if (!buf || !path || !cc || asprintf(&tmp, "%s/.%s.tmpXXXXXX", dir, sha_hex) < 0) {
		tmp = NULL;
		goto out;
	}
	memcpy(buf, KC_MAGIC, 8);
	for (int i = 0; i < 8; i++)
		buf[8 + i] = (unsigned char)((uint64_t)size >> (8 * i));
	ZSTD_CCtx_setParameter(cc, ZSTD_c_compressionLevel, KC_LEVEL);
	ZSTD_CCtx_setParameter(cc, ZSTD_c_checksumFlag, 1);
	clen = ZSTD_compress2(cc, buf + KC_HDR, bound, data, size);
	if (ZSTD_isError(clen)) {
		ret = -EIO;
		goto out;
	}
	/*
	 * temp + rename: a reader, in this run or another sharing the dir, sees the old
	 * entry, the new one, or none; no fsync: an entry torn by a crash fails its checksum
	 */
	fd = mkstemp(tmp);
	if (fd < 0) {
		ret = -errno;
		goto out;
	}
	ret = write_all(fd, buf, KC_HDR + clen);
	if (!ret && fchmod(fd, 0644))
		ret = -errno;
	if (close(fd) && !ret)
		ret = -errno;
	if (!ret && rename(tmp, path))
		ret = -errno;
	if (ret)
		unlink(tmp);
out:
	ZSTD_freeCCtx(cc);
	free(tmp);
	free(path);
	free(buf);
	return ret;
}
