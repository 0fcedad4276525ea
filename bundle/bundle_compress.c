// SPDX-License-Identifier: BSD-2-Clause
/* bundle: one-shot compression (fixed parameters, reproducible) and strict decompression. */
#include <errno.h>
#include <stdint.h>
#include <lzma.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zstd.h>

#include "bundle_priv.h"

/*
 * zstd, single-threaded (workers 0: the bytes never depend on the machine), content size and
 * checksum in every frame. Levels, measured on the BTF part (blobs sorted by content):
 *   51 x86_64 Debian 12 kernels x 61 libbpf-tools objects (39 blobs, 168 KB of tar):
 *     level 19: 7446 bytes, level 22 (ultra): 7375; baseline (bpftool per kernel into a
 *     <distro>/<version>/<arch>/<release>.btf tree, tar -cJf): 7432 bytes. (In order of first
 *     appearance instead of sorted: 7558 / 7466.)
 *   all 118 corpus kernels (90 blobs, 460 KB of tar): 19335 vs 19075 bytes; compressing takes
 *     0.10 vs 0.40 s; in-process lookup (lookup-bench, middle kernel) 0.22 vs 0.21 ms, i.e.
 *     the same: same format, same window.
 * So the BTF part uses 22, with windowLog pinned to 23 (what 19 uses; 22 would pick 27): the
 * parameters depend on nothing but the input size, and a frame whose content fits the window
 * is single-segment, so the decoder's window is the content. The index and matrix parts stay
 * at 19: they are not payload, and level 22 on a full BTFHub's matrix (tens of MB) would cost
 * minutes for a few bytes.
 */
#define BUNDLE_ZSTD_LEVEL 19
#define BUNDLE_ZSTD_LEVEL_PAYLOAD 22
#define BUNDLE_ZSTD_WINDOW_LOG 23
/*
 * The match tables are capped too: at level 22 they grow with the input (a 5.6 MB part took
 * 140 MB to compress, 42 MB capped at 2^22), and a BTFHub-scale bundle has parts that large
 * (the matrix of 590 kernels is 6.5 MB: 92 MB at level 19 uncapped). zstd sizes the tables to
 * the input below that, so bundles of up to a few MB per part get the same bytes as without.
 */
#define BUNDLE_ZSTD_TABLE_LOG 22
#define BUNDLE_XZ_PRESET 6

static const unsigned char zstd_magic[4] = { 0x28, 0xb5, 0x2f, 0xfd };
static const unsigned char xz_magic[6] = { 0xfd, '7', 'z', 'X', 'Z', 0x00 };

static int compress_zstd(const void *in, size_t in_len, int level, unsigned char **out,
			 size_t *out_len, char *err, size_t err_sz)
{
	size_t bound = ZSTD_compressBound(in_len), n;
	ZSTD_CCtx *cctx = ZSTD_createCCtx();
	unsigned char *buf = NULL;
	int ret = -ENOMEM;

	if (!cctx)
		goto out;
	buf = malloc(bound ? bound : 1);
	if (!buf)
		goto out;
	if (ZSTD_isError(ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, level)) ||
	    ZSTD_isError(ZSTD_CCtx_setParameter(cctx, ZSTD_c_windowLog, BUNDLE_ZSTD_WINDOW_LOG)) ||
	    ZSTD_isError(ZSTD_CCtx_setParameter(cctx, ZSTD_c_chainLog, BUNDLE_ZSTD_TABLE_LOG)) ||
	    ZSTD_isError(ZSTD_CCtx_setParameter(cctx, ZSTD_c_hashLog, BUNDLE_ZSTD_TABLE_LOG)) ||
	    ZSTD_isError(ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, 1)) ||
	    ZSTD_isError(ZSTD_CCtx_setParameter(cctx, ZSTD_c_contentSizeFlag, 1))) {
		btfgen_bundle_err(err, err_sz, "zstd: cannot set compression parameters");
		ret = -EINVAL;
		goto out;
	}
	n = ZSTD_compress2(cctx, buf, bound, in, in_len);
	if (ZSTD_isError(n)) {
		btfgen_bundle_err(err, err_sz, "zstd: %s", ZSTD_getErrorName(n));
		ret = -EIO;
		goto out;
	}
	*out = buf;
	*out_len = n;
	buf = NULL;
	ret = 0;
out:
	free(buf);
	ZSTD_freeCCtx(cctx);
	return ret;
}

/* LZMA2 at preset, its dictionary no larger than the input needs (see compress_small). */
static int compress_xz(uint32_t preset, const void *in, size_t in_len, unsigned char **out,
		       size_t *out_len, char *err, size_t err_sz)
{
	size_t bound = lzma_stream_buffer_bound(in_len), pos = 0;
	unsigned char *buf = malloc(bound ? bound : 1);
	lzma_options_lzma opt;
	lzma_filter filters[2];
	lzma_ret lr;

	if (!buf)
		return -ENOMEM;
	if (lzma_lzma_preset(&opt, preset)) {
		free(buf);
		return -EINVAL;
	}
	while (opt.dict_size / 2 >= in_len && opt.dict_size / 2 >= LZMA_DICT_SIZE_MIN)
		opt.dict_size /= 2;
	filters[0] = (lzma_filter){ .id = LZMA_FILTER_LZMA2, .options = &opt };
	filters[1] = (lzma_filter){ .id = LZMA_VLI_UNKNOWN };
	lr = lzma_stream_buffer_encode(filters, LZMA_CHECK_CRC64, NULL, in, in_len, buf, &pos,
				       bound);
	if (lr != LZMA_OK) {
		btfgen_bundle_err(err, err_sz, "xz: encoder error %d", (int)lr);
		free(buf);
		return -EIO;
	}
	*out = buf;
	*out_len = pos;
	return 0;
}

static int compress_level(enum bundle_compression comp, int zstd_level, const void *in,
			  size_t in_len, unsigned char **out, size_t *out_len, char *err,
			  size_t err_sz)
{
	switch (comp) {
	case BUNDLE_COMPRESS_ZSTD:
		return compress_zstd(in, in_len, zstd_level, out, out_len, err, err_sz);
	case BUNDLE_COMPRESS_XZ:
		return compress_xz(BUNDLE_XZ_PRESET, in, in_len, out, out_len, err, err_sz);
	case BUNDLE_COMPRESS_NONE:
		*out = malloc(in_len ? in_len : 1);
		if (!*out)
			return -ENOMEM;
		memcpy(*out, in, in_len);
		*out_len = in_len;
		return 0;
	}
	btfgen_bundle_err(err, err_sz, "unknown compression %d", (int)comp);
	return -EINVAL;
}

int btfgen_bundle_compress(enum bundle_compression comp, const void *in, size_t in_len,
			   unsigned char **out, size_t *out_len, char *err, size_t err_sz)
{
	return compress_level(comp, BUNDLE_ZSTD_LEVEL, in, in_len, out, out_len, err, err_sz);
}

/*
 * The runtime form (strip): a few hundred KB, read whole at start-up, written once per
 * release; so the strongest settings. xz -9e beats zstd --ultra -22 there by 13 % (54 real
 * x86_64 kernels, index.json + 42 blobs in one stream: 6,800 vs 7,886 bytes), and one stream
 * beats two (index.json's keys and the blob names share strings). compress_xz sizes the
 * dictionary to the input: a match never reaches past the input, so a bigger one gains
 * nothing, and the reader's decoder then allocates kilobytes, not preset 9's 64 MiB.
 */
int btfgen_bundle_compress_small(enum bundle_compression comp, const void *in, size_t in_len,
				 unsigned char **out, size_t *out_len, char *err, size_t err_sz)
{
	if (comp == BUNDLE_COMPRESS_XZ)
		return compress_xz(9 | LZMA_PRESET_EXTREME, in, in_len, out, out_len, err, err_sz);
	return compress_level(comp, BUNDLE_ZSTD_LEVEL_PAYLOAD, in, in_len, out, out_len, err,
			      err_sz);
}

/* Part 1 carries the BTF (the payload): the highest level; see BUNDLE_ZSTD_LEVEL_PAYLOAD. */
int btfgen_bundle_compress_parts(enum bundle_compression comp, const struct bbuf *parts, size_t n,
				 unsigned char **out, size_t *out_len, char *err, size_t err_sz)
{
	struct bbuf all = {};
	unsigned char *c;
	size_t i, clen;
	int ret = 0;

	for (i = 0; i < n && !ret; i++) {
		if (!parts[i].len)
			continue; /* no frame for an empty part (a bundle without blobs) */
		ret = compress_level(comp, i == 1 ? BUNDLE_ZSTD_LEVEL_PAYLOAD : BUNDLE_ZSTD_LEVEL,
				     parts[i].data, parts[i].len, &c, &clen, err, err_sz);
		if (ret)
			break;
		ret = btfgen_bbuf__append(&all, c, clen);
		free(c);
	}
	if (ret) {
		btfgen_bbuf__free(&all);
		return ret;
	}
	*out = all.data ? all.data : malloc(1);
	*out_len = all.len;
	return *out ? 0 : -ENOMEM;
}

#define SEG_CHUNK (1u << 20)

/* The next piece of the segments' concatenation, at most SEG_CHUNK bytes; 0 at the end. */
static ssize_t seg_read(const struct bundle_seg *segs, size_t n, size_t *si, size_t *off,
			unsigned char *buf, const void **p)
{
	while (*si < n && *off == segs[*si].len) {
		(*si)++;
		*off = 0;
	}
	if (*si == n)
		return 0;
	{
		const struct bundle_seg *s = &segs[*si];
		size_t len = s->len - *off < SEG_CHUNK ? s->len - *off : SEG_CHUNK;
		ssize_t got;

		if (s->data) {
			*p = (const unsigned char *)s->data + *off;
			*off += len;
			return (ssize_t)len;
		}
		do
			got = pread(s->fd, buf, len, (off_t)*off);
		while (got < 0 && errno == EINTR);
		if (got <= 0)
			return got < 0 ? -errno : -EIO; /* the file is shorter than said */
		*p = buf;
		*off += (size_t)got;
		return got;
	}
}

/*
 * The matrix frame gets a 1 MiB window and 2^19 tables (window_log 20): its repeats are
 * kernel entries a few KB apart, so the 36 MB matrix of 4,000 kernels compresses better
 * than with the 8 MiB window (19746 vs 20199 bytes; zstd CLI, level 19) in a third of the
 * memory (24 vs 72 MB) and time; and the parameters stop depending on the kernel count at
 * ~1 MB of matrix (~100 kernels), so peak memory at commit no longer grows with it.
 */
static int zstd_stream_params(ZSTD_CCtx *cc, unsigned long long total, int window_log)
{
	int wlog = window_log ? window_log : BUNDLE_ZSTD_WINDOW_LOG;
	int tlog = window_log ? window_log - 1 : BUNDLE_ZSTD_TABLE_LOG;

	return ZSTD_isError(
		       ZSTD_CCtx_setParameter(cc, ZSTD_c_compressionLevel, BUNDLE_ZSTD_LEVEL)) ||
	       ZSTD_isError(ZSTD_CCtx_setParameter(cc, ZSTD_c_windowLog, wlog)) ||
	       ZSTD_isError(ZSTD_CCtx_setParameter(cc, ZSTD_c_chainLog, tlog)) ||
	       ZSTD_isError(ZSTD_CCtx_setParameter(cc, ZSTD_c_hashLog, tlog)) ||
	       ZSTD_isError(ZSTD_CCtx_setParameter(cc, ZSTD_c_checksumFlag, 1)) ||
	       ZSTD_isError(ZSTD_CCtx_setParameter(cc, ZSTD_c_contentSizeFlag, 1)) ||
	       ZSTD_isError(ZSTD_CCtx_setPledgedSrcSize(cc, total));
}

/* One step of either encoder: all of in consumed (or, with end, the stream finished). */
static int stream_step(enum bundle_compression comp, ZSTD_CCtx *cc, lzma_stream *ls, const void *in,
		       size_t len, int end, struct bbuf *out)
{
	ZSTD_inBuffer ib = { in, len, 0 };
	size_t left;
	int ret;

	if (comp == BUNDLE_COMPRESS_XZ) {
		ls->next_in = in;
		ls->avail_in = len;
	}
	for (;;) {
		ret = btfgen_bbuf__reserve(out, 1 << 16);
		if (ret)
			return ret;
		if (comp == BUNDLE_COMPRESS_ZSTD) {
			ZSTD_outBuffer ob = { out->data + out->len, out->cap - out->len, 0 };

			left = ZSTD_compressStream2(cc, &ob, &ib,
						    end ? ZSTD_e_end : ZSTD_e_continue);
			out->len += ob.pos;
			if (ZSTD_isError(left))
				return -EIO;
			if (end ? !left : ib.pos == ib.size)
				return 0;
		} else {
			lzma_ret lr;

			ls->next_out = out->data + out->len;
			ls->avail_out = out->cap - out->len;
			lr = lzma_code(ls, end ? LZMA_FINISH : LZMA_RUN);
			out->len = out->cap - ls->avail_out;
			if (lr == LZMA_STREAM_END)
				return 0;
			if (lr != LZMA_OK)
				return lr == LZMA_MEM_ERROR ? -ENOMEM : -EIO;
			if (!end && !ls->avail_in)
				return 0;
		}
	}
}

int btfgen_bundle_compress_segs(enum bundle_compression comp, const struct bundle_seg *segs,
				size_t n, int window_log, struct bbuf *out, char *err,
				size_t err_sz)
{
	unsigned char *buf = malloc(SEG_CHUNK);
	lzma_stream ls = LZMA_STREAM_INIT;
	ZSTD_CCtx *cc = NULL;
	unsigned long long total = 0;
	size_t si = 0, off = 0;
	const void *p = NULL;
	ssize_t got;
	int ret = -ENOMEM;

	for (size_t i = 0; i < n; i++)
		total += segs[i].len;
	if (!buf)
		goto out;
	if (comp == BUNDLE_COMPRESS_ZSTD) {
		cc = ZSTD_createCCtx();
		if (!cc || zstd_stream_params(cc, total, window_log)) {
			btfgen_bundle_err(err, err_sz, "zstd: cannot set compression parameters");
			ret = cc ? -EINVAL : -ENOMEM;
			goto out;
		}
	} else if (comp == BUNDLE_COMPRESS_XZ &&
		   lzma_easy_encoder(&ls, BUNDLE_XZ_PRESET, LZMA_CHECK_CRC64) != LZMA_OK) {
		btfgen_bundle_err(err, err_sz, "xz: cannot start the encoder");
		goto out;
	}
	while ((got = seg_read(segs, n, &si, &off, buf, &p)) > 0) {
		ret = comp == BUNDLE_COMPRESS_NONE ?
			      btfgen_bbuf__append(out, p, (size_t)got) :
			      stream_step(comp, cc, &ls, p, (size_t)got, 0, out);
		if (ret)
			goto fail;
	}
	ret = got < 0 ? (int)got : 0;
	if (!ret && comp != BUNDLE_COMPRESS_NONE)
		ret = stream_step(comp, cc, &ls, NULL, 0, 1, out);
fail:
	if (ret)
		btfgen_bundle_err(err, err_sz, "compressing: %s", strerror(-ret));
out:
	ZSTD_freeCCtx(cc);
	lzma_end(&ls);
	free(buf);
	return ret;
}

/*
 * Makes room for the next output step: 1 MiB more, never past max + 1 bytes (one byte over
 * the limit tells "more than max" from "exactly max"), so an undeclared size cannot make the
 * buffer double past the limit before the check. -EFBIG once max + 1 bytes are out.
 */
static int out_room(struct bbuf *b, unsigned long long max, const char *what, char *err,
		    size_t err_sz)
{
	unsigned long long want;
	void *p;

	if (b->len > max) {
		btfgen_bundle_err(err, err_sz,
				  "%s: decompressed size exceeds %llu bytes (limit max_size)", what,
				  max);
		return -EFBIG;
	}
	if (b->cap > b->len)
		return 0;
	/* doubling (amortized), at least 1 MiB, at most max + 1: b->len <= max here */
	want = b->cap < (1 << 20) ? (1 << 20) : 2ULL * b->cap;
	if (want > max + 1)
		want = max + 1;
	p = realloc(b->data, want);
	if (!p)
		return -ENOMEM;
	b->data = p;
	b->cap = want;
	return 0;
}

static int decompress_zstd(const void *in, size_t in_len, unsigned long long max,
			   unsigned char **out, size_t *out_len, char *err, size_t err_sz)
{
	unsigned long long sz = ZSTD_getFrameContentSize(in, in_len);
	ZSTD_DStream *ds = NULL;
	struct bbuf b = {};
	size_t n;
	int ret;

	/* one frame with its size recorded (what our writer makes): one call, one exact buffer */
	if (sz != ZSTD_CONTENTSIZE_UNKNOWN && sz != ZSTD_CONTENTSIZE_ERROR &&
	    ZSTD_findFrameCompressedSize(in, in_len) == in_len) {
		if (sz > max) {
			btfgen_bundle_err(
				err, err_sz,
				"zstd: content size %llu exceeds %llu bytes (limit max_size)", sz,
				max);
			return -EFBIG;
		}
		b.data = malloc(sz ? sz : 1);
		if (!b.data)
			return -ENOMEM;
		n = ZSTD_decompress(b.data, sz, in, in_len);
		if (ZSTD_isError(n) || n != sz) {
			btfgen_bundle_err(err, err_sz, "corrupt zstd stream: %s",
					  ZSTD_isError(n) ? ZSTD_getErrorName(n) : "size mismatch");
			free(b.data);
			return -EBADMSG;
		}
		*out = b.data;
		*out_len = sz;
		return 0;
	}
	if (sz == ZSTD_CONTENTSIZE_ERROR) {
		btfgen_bundle_err(err, err_sz, "corrupt zstd stream: bad frame header");
		return -EBADMSG;
	}
	/* size not recorded (zstd from a pipe) or several frames: stream it */
	ds = ZSTD_createDStream();
	if (!ds)
		return -ENOMEM;
	{
		ZSTD_inBuffer ib = { in, in_len, 0 };

		for (;;) {
			ZSTD_outBuffer ob;

			ret = out_room(&b, max, "zstd", err, err_sz);
			if (ret)
				goto fail;
			ob = (ZSTD_outBuffer){ b.data + b.len, b.cap - b.len, 0 };
			n = ZSTD_decompressStream(ds, &ob, &ib);
			b.len += ob.pos;
			if (ZSTD_isError(n)) {
				btfgen_bundle_err(err, err_sz, "corrupt zstd stream: %s",
						  ZSTD_getErrorName(n));
				ret = -EBADMSG;
				goto fail;
			}
			if (ib.pos == ib.size && ob.pos < ob.size) {
				if (n) {
					btfgen_bundle_err(err, err_sz,
							  "corrupt zstd stream: truncated");
					ret = -EBADMSG;
					goto fail;
				}
				break;
			}
		}
	}
	ZSTD_freeDStream(ds);
	if (b.len > max) { /* the last step filled the byte past the limit */
		ret = out_room(&b, max, "zstd", err, err_sz);
		btfgen_bbuf__free(&b);
		return ret;
	}
	*out = b.data;
	*out_len = b.len;
	return 0;
fail:
	ZSTD_freeDStream(ds);
	btfgen_bbuf__free(&b);
	return ret;
}

static int decompress_xz(const void *in, size_t in_len, unsigned long long max, unsigned char **out,
			 size_t *out_len, char *err, size_t err_sz)
{
	lzma_stream s = LZMA_STREAM_INIT;
	struct bbuf b = {};
	lzma_ret lr;
	int ret;

	/* the decoder's own memory (dictionary) is bounded by the same limit */
	lr = lzma_stream_decoder(&s, max, LZMA_CONCATENATED);
	if (lr != LZMA_OK) {
		btfgen_bundle_err(err, err_sz, "xz: cannot start decoder (%d)", (int)lr);
		return -ENOMEM;
	}
	s.next_in = in;
	s.avail_in = in_len;
	for (;;) {
		ret = out_room(&b, max, "xz", err, err_sz);
		if (ret)
			goto fail;
		s.next_out = b.data + b.len;
		s.avail_out = b.cap - b.len;
		lr = lzma_code(&s, s.avail_in ? LZMA_RUN : LZMA_FINISH);
		b.len = b.cap - s.avail_out;
		if (lr == LZMA_STREAM_END)
			break;
		if (lr == LZMA_MEMLIMIT_ERROR) {
			btfgen_bundle_err(err, err_sz,
					  "xz: the decoder needs more than %llu bytes (limit "
					  "max_size)",
					  max);
			ret = -EFBIG;
			goto fail;
		}
		if (lr != LZMA_OK) {
			btfgen_bundle_err(err, err_sz, "corrupt xz stream (liblzma error %d)",
					  (int)lr);
			ret = -EBADMSG;
			goto fail;
		}
	}
	lzma_end(&s);
	if (b.len > max) { /* the last step filled the byte past the limit */
		ret = out_room(&b, max, "xz", err, err_sz);
		btfgen_bbuf__free(&b);
		return ret;
	}
	*out = b.data;
	*out_len = b.len;
	return 0;
fail:
	lzma_end(&s);
	btfgen_bbuf__free(&b);
	return ret;
}

int btfgen_bundle_decompress(const void *in, size_t in_len, unsigned long long max,
			     unsigned char **out, size_t *out_len, char *err, size_t err_sz)
{
	if (max > SIZE_MAX - 1)
		max = SIZE_MAX - 1;
	if (in_len >= sizeof(zstd_magic) && !memcmp(in, zstd_magic, sizeof(zstd_magic)))
		return decompress_zstd(in, in_len, max, out, out_len, err, err_sz);
	if (in_len >= sizeof(xz_magic) && !memcmp(in, xz_magic, sizeof(xz_magic)))
		return decompress_xz(in, in_len, max, out, out_len, err, err_sz);
	if (in_len >= TAR_BLOCK && !memcmp((const char *)in + 257, "ustar", 5)) {
		if (in_len > max) {
			btfgen_bundle_err(err, err_sz,
					  "tar: %zu bytes exceed %llu (limit max_size)", in_len,
					  max);
			return -EFBIG;
		}
		*out = malloc(in_len);
		if (!*out)
			return -ENOMEM;
		memcpy(*out, in, in_len);
		*out_len = in_len;
		return 0;
	}
	btfgen_bundle_err(err, err_sz, "not a bundle: neither zstd, xz nor tar");
	return -EBADMSG;
}
