// SPDX-License-Identifier: BSD-2-Clause
/* pipeline: read one kernel's BTF from a BTFHub archive (tar + xz/gzip/zstd, or raw BTF). */
#define _GNU_SOURCE /* strcasestr */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <archive.h>
#include <archive_entry.h>

#include "btfgen_util.h"
#include "kernel_archive.h"
#include "sha256.h"

/* Longest member name quoted in a message; the rest is elided. */
#define NAME_QUOTE_MAX 80
/* Room for every byte of a quoted name escaped (\xNN), "..." and the NUL. */
#define NAME_QUOTE_BUF (NAME_QUOTE_MAX * 4 + 4)

/* "x.btf", or "x.btf/" as directories are named in tar, so those are caught and reported too. */
static bool has_btf_suffix(const char *name)
{
	size_t len = strlen(name);

	while (len && name[len - 1] == '/')
		len--;
	return len >= 4 && strncmp(name + len - 4, ".btf", 4) == 0;
}

/* Add a member's declared size to the running total: false once over the cap. */
static bool total_ok(struct archive *a, uint64_t *total, la_int64_t declared,
		     const struct kernel_archive_limits *lim)
{
	*total += (uint64_t)declared;
	/* libarchive's own count also covers headers, padding and pax records. */
	return *total <= lim->max_total && (uint64_t)archive_filter_bytes(a, 0) <= lim->max_total;
}

/* Absolute, or with a ".." component: a name that would escape a directory it was written to. */
static bool unsafe_path(const char *name)
{
	const char *p = name;

	if (name[0] == '/')
		return true;
	while (*p) {
		size_t len = strcspn(p, "/");

		if (len == 2 && p[0] == '.' && p[1] == '.')
			return true;
		p += len;
		p += strspn(p, "/");
	}
	return false;
}

static bool is_raw_btf(const unsigned char *buf, size_t len)
{
	/* struct btf_header starts with __u16 magic = 0xEB9F, in the producer's byte order. */
	return len >= 2 &&
	       ((buf[0] == 0x9f && buf[1] == 0xeb) || (buf[0] == 0xeb && buf[1] == 0x9f));
}

static const struct kernel_archive_limits *
limits_or_default(const struct kernel_archive_limits *lim, struct kernel_archive_limits *tmp)
{
	tmp->max_input = lim && lim->max_input ? lim->max_input : KERNEL_ARCHIVE_MAX_INPUT;
	tmp->max_member = lim && lim->max_member ? lim->max_member : KERNEL_ARCHIVE_MAX_MEMBER;
	tmp->max_total = lim && lim->max_total ? lim->max_total : KERNEL_ARCHIVE_MAX_TOTAL;
	return tmp;
}

/* What the stream is, for messages: by magic, so it is known even when libarchive fails early. */
static const char *stream_kind(const unsigned char *buf, size_t len)
{
	static const unsigned char xz_magic[6] = { 0xfd, '7', 'z', 'X', 'Z', 0 };

	if (len >= 6 && memcmp(buf, xz_magic, 6) == 0)
		return "xz";
	if (len >= 2 && buf[0] == 0x1f && buf[1] == 0x8b)
		return "gzip";
	if (len >= 4 && memcmp(buf, "\x28\xb5\x2f\xfd", 4) == 0)
		return "zstd";
	return "tar";
}

/*
 * libarchive's messages are terse and sometimes name internals ("lzma decompression
 * failed", "Truncated tar archive", "Damaged tar archive"); say which stream broke
 * and keep its words for the detail.
 */
static int archive_failure(struct archive *a, const char *kind, const char *what, char *err,
			   size_t err_sz)
{
	const char *src = archive_error_string(a);
	int e = archive_errno(a);
	char msg[160];
	size_t i, n = 0;

	/* One line, single spaces: libarchive pads some messages ("error:  No progress"). */
	for (i = 0; src && src[i] && n + 1 < sizeof(msg); i++) {
		char c = (unsigned char)src[i] < 0x20 ? ' ' : src[i];

		if (c == ' ' && (n == 0 || msg[n - 1] == ' '))
			continue;
		msg[n++] = c;
	}
	msg[n] = '\0';
	if (!n)
		snprintf(msg, sizeof(msg), "unknown error");
	if (e == ENOMEM) {
		btfgen_err_set(err, err_sz, "out of memory decoding %s stream", kind);
		return -ENOMEM;
	}
	/* liblzma and zstd, fed from memory, report a cut stream as "no progress". */
	if (strcasestr(msg, "truncated") || strcasestr(msg, "premature end") ||
	    strcasestr(msg, "no progress") || strcasestr(msg, "unexpected end"))
		btfgen_err_set(err, err_sz, "truncated %s stream (%s: %s)", kind, what, msg);
	else
		btfgen_err_set(err, err_sz, "corrupt %s stream (%s: %s)", kind, what, msg);
	return -EBADMSG;
}

/*
 * Copy the current member's data into a buffer sized from its header. Sparse
 * members come as blocks at offsets; holes stay zero. Bytes are counted as they
 * arrive, so a header that lies about the size cannot make us overrun.
 */
static int read_member(struct archive *a, const char *kind, const char *qname, size_t declared,
		       void **data, char *err, size_t err_sz)
{
	unsigned char *buf;
	size_t end = 0;
	int ret;

	/* +1: never malloc(0), and leaves room to NUL-terminate for debugging. */
	buf = malloc(declared + 1);
	if (!buf) {
		btfgen_err_set(err, err_sz, "out of memory for member '%s' (%zu bytes)", qname,
			       declared);
		return -ENOMEM;
	}
	for (;;) {
		const void *blk;
		size_t blk_len;
		la_int64_t off;

		ret = archive_read_data_block(a, &blk, &blk_len, &off);
		if (ret == ARCHIVE_EOF)
			break;
		if (ret < ARCHIVE_WARN) {
			ret = archive_failure(a, kind, "reading member", err, err_sz);
			goto fail;
		}
		if (off < 0 || (uint64_t)off > declared || blk_len > declared - (size_t)off) {
			btfgen_err_set(err, err_sz,
				       "member '%s' holds more data than its declared %zu bytes",
				       qname, declared);
			ret = -EBADMSG;
			goto fail;
		}
		if ((size_t)off > end)
			memset(buf + end, 0, (size_t)off - end);
		memcpy(buf + off, blk, blk_len);
		if ((size_t)off + blk_len > end)
			end = (size_t)off + blk_len;
	}
	if (end < declared)
		memset(buf + end, 0, declared - end);
	*data = buf;
	return 0;
fail:
	free(buf);
	return ret;
}

static int not_tar(char *err, size_t err_sz)
{
	btfgen_err_set(err, err_sz, "not a tar archive (plain, xz, gzip or zstd) nor raw BTF");
	return -EBADMSG;
}

/* A reader over buf for tar with the filters BTFHub uses, and nothing else. */
static int open_reader(const void *buf, size_t len, const char *kind, struct archive **ap,
		       char *err, size_t err_sz)
{
	struct archive *a = archive_read_new();
	int ret;

	*ap = NULL;
	if (!a) {
		btfgen_err_set(err, err_sz, "out of memory creating archive reader");
		return -ENOMEM;
	}
	/*
	 * Only what BTFHub and its mirrors use. ARCHIVE_WARN from a filter means
	 * libarchive would run an external program: refuse that too.
	 */
	if (archive_read_support_format_tar(a) != ARCHIVE_OK ||
	    archive_read_support_filter_xz(a) != ARCHIVE_OK ||
	    archive_read_support_filter_gzip(a) != ARCHIVE_OK ||
	    archive_read_support_filter_zstd(a) != ARCHIVE_OK) {
		btfgen_err_set(err, err_sz,
			       "libarchive lacks built-in tar/xz/gzip/zstd support: %s",
			       archive_error_string(a) ?: "?");
		archive_read_free(a);
		return -ENOTSUP;
	}
	if (archive_read_open_memory(a, buf, len) != ARCHIVE_OK) {
		const char *msg = archive_error_string(a);

		if (msg && strstr(msg, "Unrecognized archive format"))
			ret = not_tar(err, err_sz);
		else
			ret = archive_failure(a, kind, "opening", err, err_sz);
		archive_read_free(a);
		return ret;
	}
	*ap = a;
	return 0;
}

/* The next member's header: 0, 1 at the end of the archive, or -errno. */
static int next_header(struct archive *a, const char *kind, bool first,
		       struct archive_entry **entry, char *err, size_t err_sz)
{
	int ret = archive_read_next_header(a, entry);
	const char *msg;

	if (ret == ARCHIVE_EOF)
		return 1;
	/* ARCHIVE_RETRY is a damaged header (bad checksum): corrupt, not a member */
	if (ret == ARCHIVE_OK || ret == ARCHIVE_WARN)
		return 0;
	msg = archive_error_string(a);
	if (first && msg && strstr(msg, "Unrecognized archive format"))
		return not_tar(err, err_sz);
	return archive_failure(a, kind, "reading header", err, err_sz);
}

static int too_big(const struct kernel_archive_limits *lim, const char *qname, char *err,
		   size_t err_sz)
{
	char lbuf[32];

	btfgen_err_set(err, err_sz, "archive exceeds %s decompressed (at member '%s')",
		       btfgen_fmt_size(lim->max_total, lbuf, sizeof(lbuf)), qname);
	return -EFBIG;
}

/*
 * Checks one member's header (step 1 of read_tar) and counts its declared size into *total;
 * qname gets its quoted name. 1: a .btf member; 0: another member, to skip; or -errno.
 */
static int check_member(struct archive *a, struct archive_entry *entry,
			const struct kernel_archive_limits *lim, uint64_t *total, char *qname,
			size_t qname_sz, char *err, size_t err_sz)
{
	const char *name = archive_entry_pathname(entry);
	la_int64_t declared;
	char lbuf[32];
	mode_t type;

	btfgen_quote(name, NAME_QUOTE_MAX, qname, qname_sz);
	if (!name || !name[0]) {
		btfgen_err_set(err, err_sz, "member with an empty name");
		return -EINVAL;
	}
	if (unsafe_path(name)) {
		btfgen_err_set(err, err_sz, "unsafe member path '%s'", qname);
		return -EINVAL;
	}
	declared = archive_entry_size_is_set(entry) ? archive_entry_size(entry) : 0;
	if (declared < 0) {
		btfgen_err_set(err, err_sz, "member '%s' has a negative size", qname);
		return -EBADMSG;
	}
	if (!has_btf_suffix(name)) {
		/* Counted, then skipped: libarchive decodes its data on the next header. */
		return total_ok(a, total, declared, lim) ? 0 : too_big(lim, qname, err, err_sz);
	}
	type = archive_entry_filetype(entry);
	if (archive_entry_hardlink(entry)) {
		btfgen_err_set(err, err_sz, "member '%s' is a hardlink", qname);
		return -EINVAL;
	}
	if (type != AE_IFREG) {
		btfgen_err_set(err, err_sz, "member '%s' is a %s, not a regular file", qname,
			       type == AE_IFLNK			    ? "symlink" :
			       type == AE_IFDIR			    ? "directory" :
			       type == AE_IFCHR || type == AE_IFBLK ? "device" :
								      "special file");
		return -EINVAL;
	}
	if (!archive_entry_size_is_set(entry)) {
		btfgen_err_set(err, err_sz, "member '%s' has no size", qname);
		return -EBADMSG;
	}
	if ((uint64_t)declared > lim->max_member) {
		btfgen_err_set(err, err_sz, "member '%s' exceeds %s", qname,
			       btfgen_fmt_size(lim->max_member, lbuf, sizeof(lbuf)));
		return -EFBIG;
	}
	return total_ok(a, total, declared, lim) ? 1 : too_big(lim, qname, err, err_sz);
}

/*
 * Walk the tar stream in buf:
 * 1. check every header: safe path; a *.btf name must be a regular file within
 *    max_member; the declared sizes of all members add up to at most max_total,
 *    which bounds the decoding spent on members we skip;
 * 2. read the first .btf member into memory, skip the others (counting .btf ones);
 * 3. go on to the tar's end-of-archive marker rather than stopping after the
 *    member, so later members are checked and a truncated or corrupt tail is
 *    noticed (libarchive reads ahead past the marker, through xz's index and
 *    footer, for the files BTFHub has: tested by test_bad.sh);
 * 4. exactly one .btf member, or fail.
 *
 * Cost, measured on debian/12/x86_64/6.1.0-47-amd64 (1.0 MB of xz, 4.4 MB of BTF),
 * CPU time per read: 63-65 ms here, 70 ms for liblzma's one-shot
 * lzma_stream_buffer_decode() of the same file into a preallocated buffer; libarchive's
 * streaming and the one copy into the member buffer cost nothing measurable. The
 * SHA-256 of the input adds ~5 ms. Peak memory: the input, the member, and the
 * decoder's state (xz -6: 8 MiB dictionary).
 */
static int read_tar(const void *buf, size_t len, const struct kernel_archive_limits *lim,
		    void **data, size_t *size, char *err, size_t err_sz)
{
	char qname[NAME_QUOTE_BUF], qfirst[NAME_QUOTE_BUF], qsecond[NAME_QUOTE_BUF];
	struct archive_entry *entry;
	void *member = NULL;
	size_t member_sz = 0;
	uint64_t total = 0;
	const char *kind = stream_kind(buf, len);
	struct archive *a;
	int ret, btf_cnt = 0;

	ret = open_reader(buf, len, kind, &a, err, err_sz);
	if (ret)
		return ret;
	for (;;) {
		ret = next_header(a, kind, total == 0 && btf_cnt == 0, &entry, err, err_sz);
		if (ret)
			break;
		ret = check_member(a, entry, lim, &total, qname, sizeof(qname), err, err_sz);
		if (ret <= 0) {
			if (ret < 0)
				break;
			continue;
		}
		if (++btf_cnt > 1) {
			/* Counted, named in the message, not read. */
			if (btf_cnt == 2)
				memcpy(qsecond, qname, sizeof(qsecond));
			continue;
		}
		memcpy(qfirst, qname, sizeof(qfirst));
		member_sz = (size_t)archive_entry_size(entry);
		ret = read_member(a, kind, qname, member_sz, &member, err, err_sz);
		if (ret)
			break;
	}
	if (ret < 0)
		goto out;
	if (btf_cnt == 0) {
		btfgen_err_set(err, err_sz, "no .btf member");
		ret = -EINVAL;
	} else if (btf_cnt > 1) {
		btfgen_err_set(err, err_sz, "%d .btf members ('%s', '%s'%s)", btf_cnt, qfirst,
			       qsecond, btf_cnt > 2 ? ", ..." : "");
		ret = -EINVAL;
	} else {
		*data = member;
		*size = member_sz;
		member = NULL;
		ret = 0;
	}
out:
	free(member);
	archive_read_free(a);
	return ret;
}

static int decode(const void *buf, size_t len, const struct kernel_archive_limits *lim, bool *raw,
		  void **data, size_t *size, char *err, size_t err_sz)
{
	char lbuf[32];

	*raw = false;
	if (len == 0) {
		btfgen_err_set(err, err_sz, "empty file");
		return -EBADMSG;
	}
	if (is_raw_btf(buf, len)) {
		if (len > lim->max_member) {
			btfgen_err_set(err, err_sz, "raw BTF exceeds %s",
				       btfgen_fmt_size(lim->max_member, lbuf, sizeof(lbuf)));
			return -EFBIG;
		}
		*raw = true;
		return 0;
	}
	return read_tar(buf, len, lim, data, size, err, err_sz);
}

int kernel_archive__read(const char *path, const struct kernel_archive_limits *lim, void **data,
			 size_t *size, unsigned char sha256_out[32], char *err, size_t err_sz)
{
	struct kernel_archive_limits tmp;
	unsigned char *buf = NULL;
	size_t len = 0;
	bool raw;
	int ret;

	lim = limits_or_default(lim, &tmp);
	/* the whole file in one buffer: libarchive then reads it in place, with no copy */
	ret = btfgen_file_read(path, lim->max_input, (void **)&buf, &len, err, err_sz);
	if (ret)
		return ret;
	ret = decode(buf, len, lim, &raw, data, size, err, err_sz);
	if (ret)
		goto out;
	if (sha256_out)
		btfgen_sha256(buf, len, sha256_out);
	if (raw) {
		/* The input is the BTF: hand over the buffer itself. */
		*data = buf;
		*size = len;
		buf = NULL;
	}
out:
	free(buf);
	return ret;
}

int kernel_archive__read_mem(const void *buf, size_t len, const struct kernel_archive_limits *lim,
			     void **data, size_t *size, char *err, size_t err_sz)
{
	struct kernel_archive_limits tmp;
	void *copy;
	bool raw;
	int ret;

	lim = limits_or_default(lim, &tmp);
	if (len > lim->max_input) {
		char lbuf[32];

		btfgen_err_set(err, err_sz, "input exceeds %s",
			       btfgen_fmt_size(lim->max_input, lbuf, sizeof(lbuf)));
		return -EFBIG;
	}
	ret = decode(buf, len, lim, &raw, data, size, err, err_sz);
	if (ret || !raw)
		return ret;
	copy = malloc(len);
	if (!copy) {
		btfgen_err_set(err, err_sz, "out of memory for %zu-byte BTF", len);
		return -ENOMEM;
	}
	memcpy(copy, buf, len);
	*data = copy;
	*size = len;
	return 0;
}

int kernel_archive__load(const char *path, const struct kernel_archive_limits *lim, void **buf,
			 size_t *len, unsigned char sha256_out[32], char *err, size_t err_sz)
{
	struct kernel_archive_limits tmp;
	unsigned char *p = NULL;
	int ret;

	lim = limits_or_default(lim, &tmp);
	ret = btfgen_file_read(path, lim->max_input, (void **)&p, len, err, err_sz);
	if (ret)
		return ret;
	if (sha256_out)
		btfgen_sha256(p, *len, sha256_out);
	*buf = p;
	return 0;
}
