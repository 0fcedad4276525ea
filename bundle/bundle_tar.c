// SPDX-License-Identifier: BSD-2-Clause
/* bundle: growable byte buffers, error formatting, and ustar: deterministic writing, strict reading. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundle_priv.h"

/* The last message of this thread (btfgen_bundle__errstr): handles may live in any thread. */
static __thread char last_err[512];

void btfgen_bundle_err(char *err, size_t err_sz, const char *fmt, ...)
{
	char line[sizeof(last_err)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	/* err may be what a caller formats from (a path prefix added to an earlier message) */
	memcpy(last_err, line, sizeof(line));
	if (err && err_sz)
		snprintf(err, err_sz, "%s", line);
}

const char *btfgen_bundle__errstr(void)
{
	return last_err;
}

/*
 * Bytes a terminal or a log parser would act on are written as C escapes: control characters
 * (a newline would split the one-line message, ESC starts terminal sequences), DEL, bytes
 * >= 0x80 (8-bit C1 controls) and the backslash itself, so the result is unambiguous.
 */
const char *btfgen_bundle__quote(const char *s, char *buf, size_t sz)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;

	if (!buf || !sz)
		return "";
	if (!s)
		s = "(null)";
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		char e[5] = { '\\', 0, 0, 0, 0 };
		size_t n = 2;

		if (c == '\n' || c == '\t' || c == '\r' || c == '\\') {
			e[1] = c == '\n' ? 'n' : c == '\t' ? 't' : c == '\r' ? 'r' : '\\';
		} else if (c < 0x20 || c >= 0x7f) {
			e[1] = 'x';
			e[2] = hex[c >> 4];
			e[3] = hex[c & 15];
			n = 4;
		} else {
			e[0] = (char)c;
			n = 1;
		}
		if (o + n + 4 > sz) { /* room for "..." and the NUL */
			if (o + 4 <= sz)
				memcpy(buf + o, "...", 3), o += 3;
			break;
		}
		memcpy(buf + o, e, n);
		o += n;
	}
	buf[o] = '\0';
	return buf;
}

int btfgen_bbuf__reserve(struct bbuf *b, size_t extra)
{
	size_t cap = b->cap ? b->cap : 4096;
	unsigned char *p;

	if (b->len + extra < b->len)
		return -ENOMEM;
	if (b->len + extra <= b->cap)
		return 0;
	while (cap < b->len + extra)
		cap *= 2;
	p = realloc(b->data, cap);
	if (!p)
		return -ENOMEM;
	b->data = p;
	b->cap = cap;
	return 0;
}

int btfgen_bbuf__append(struct bbuf *b, const void *data, size_t len)
{
	int err = btfgen_bbuf__reserve(b, len);

	if (err)
		return err;
	if (len)
		memcpy(b->data + b->len, data, len);
	b->len += len;
	return 0;
}

void btfgen_bbuf__free(struct bbuf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

static void tar_octal(char *field, size_t width, unsigned long long v)
{
	/* width-1 octal digits, zero-padded, then NUL: what GNU tar and libarchive write */
	snprintf(field, width, "%0*llo", (int)(width - 1), v);
}

/* Splits name into ustar prefix (<=155) and name (<=100) at a '/'; -ENAMETOOLONG if impossible. */
static int tar_split_name(const char *path, char name[100], char prefix[155])
{
	size_t len = strlen(path), i;

	memset(name, 0, 100);
	memset(prefix, 0, 155);
	if (len <= 100) {
		memcpy(name, path, len);
		return 0;
	}
	for (i = len - 1; i > 0; i--) {
		if (path[i] != '/')
			continue;
		if (i <= 155 && len - i - 1 <= 100 && len - i - 1 > 0) {
			memcpy(prefix, path, i);
			memcpy(name, path + i + 1, len - i - 1);
			return 0;
		}
	}
	return -ENAMETOOLONG;
}

int btfgen_tar__name_ok(const char *path)
{
	char name[100], prefix[155];

	return !tar_split_name(path, name, prefix);
}

int btfgen_tar__header(struct bbuf *out, const char *path, size_t size)
{
	unsigned char h[TAR_BLOCK];
	unsigned sum = 0;
	int err, i;

	if (size >= 8ULL * 1024 * 1024 * 1024) /* 11 octal digits */
		return -EFBIG;
	memset(h, 0, sizeof(h));
	err = tar_split_name(path, (char *)h, (char *)h + 345);
	if (err)
		return err;
	tar_octal((char *)h + 100, 8, 0644); /* mode */
	tar_octal((char *)h + 108, 8, 0); /* uid */
	tar_octal((char *)h + 116, 8, 0); /* gid */
	tar_octal((char *)h + 124, 12, size); /* size */
	tar_octal((char *)h + 136, 12, 0); /* mtime: 0, so bytes never depend on the clock */
	h[156] = '0'; /* regular file */
	memcpy(h + 257, "ustar", 6); /* POSIX magic "ustar\0" + version "00" */
	memcpy(h + 263, "00", 2);
	memcpy(h + 265, "root", 4); /* uname */
	memcpy(h + 297, "root", 4); /* gname */
	memset(h + 148, ' ', 8); /* checksum counted as spaces */
	for (i = 0; i < TAR_BLOCK; i++)
		sum += h[i];
	snprintf((char *)h + 148, 8, "%06o", sum); /* six digits, NUL, space */
	h[155] = ' ';
	return btfgen_bbuf__append(out, h, sizeof(h));
}

int btfgen_tar__append(struct bbuf *out, const char *path, const void *data, size_t size)
{
	size_t pad = (TAR_BLOCK - size % TAR_BLOCK) % TAR_BLOCK;
	int err;

	err = btfgen_bbuf__reserve(out, TAR_BLOCK + size + pad);
	if (err)
		return err;
	err = btfgen_tar__header(out, path, size);
	if (err)
		return err;
	btfgen_bbuf__append(out, data, size);
	memset(out->data + out->len, 0, pad);
	out->len += pad;
	return 0;
}

int btfgen_tar__finish(struct bbuf *out, size_t before)
{
	size_t pad = 2 * TAR_BLOCK, len = before + out->len;
	int err;

	if ((len + pad) % TAR_RECORD)
		pad += TAR_RECORD - (len + pad) % TAR_RECORD;
	err = btfgen_bbuf__reserve(out, pad);
	if (err)
		return err;
	memset(out->data + out->len, 0, pad);
	out->len += pad;
	return 0;
}

/* ---- reading ---- */

/* Parses a NUL- or space-terminated octal field; -1 if malformed. */
static long long tar_num(const unsigned char *f, size_t width)
{
	unsigned long long v = 0;
	size_t i = 0;

	while (i < width && f[i] == ' ')
		i++;
	if (i == width || f[i] < '0' || f[i] > '7')
		return -1;
	for (; i < width && f[i] >= '0' && f[i] <= '7'; i++) {
		if (v >> 60)
			return -1;
		v = v * 8 + (f[i] - '0');
	}
	for (; i < width; i++)
		if (f[i] != ' ' && f[i] != '\0')
			return -1;
	return (long long)v;
}

static int tar_checksum_ok(const unsigned char *h)
{
	long long want = tar_num(h + 148, 8);
	unsigned long sum = 0;
	int i;

	/* the checksum field counts as eight spaces */
	for (i = 0; i < TAR_BLOCK; i++)
		sum += h[i];
	for (i = 148; i < 156; i++)
		sum -= h[i];
	sum += 8 * ' ';
	return want >= 0 && (unsigned long)want == sum;
}

static int is_zero_block(const unsigned char *h)
{
	int i;

	for (i = 0; i < TAR_BLOCK; i++)
		if (h[i])
			return 0;
	return 1;
}

/*
 * Parses the ustar header h found at offset off, whose data may take at most room bytes.
 * 1 with *m filled (data and next as offsets from the archive start), 0 for the zero block
 * that ends an archive, -EBADMSG on damage or on a member type we refuse.
 */
int btfgen_tar__parse_header(const unsigned char *h, size_t off, size_t room, struct tar_member *m,
			     char *err, size_t err_sz)
{
	long long size;
	size_t nlen, plen;

	if (is_zero_block(h))
		return 0;
	if (!tar_checksum_ok(h) || memcmp(h + 257, "ustar", 5)) {
		btfgen_bundle_err(err, err_sz, "corrupt tar: bad header at offset %zu", off);
		return -EBADMSG;
	}
	size = tar_num(h + 124, 12);
	if (size < 0 || (unsigned long long)size > room) {
		btfgen_bundle_err(err, err_sz,
				  "corrupt tar: member at offset %zu overruns the archive", off);
		return -EBADMSG;
	}
	m->type = (char)h[156];
	nlen = strnlen((const char *)h, 100);
	plen = strnlen((const char *)h + 345, 155);
	if (plen)
		snprintf(m->name, sizeof(m->name), "%.*s/%.*s", (int)plen, h + 345, (int)nlen, h);
	else
		snprintf(m->name, sizeof(m->name), "%.*s", (int)nlen, h);
	if (m->type != '0' && m->type != '\0' && m->type != '5') {
		/* pax/GNU long names would rename the next member: refuse, never guess */
		char t[2] = { m->type, 0 };

		btfgen_bundle_err(err, err_sz, "unsupported tar member type '%s' ('%s')", BQ(t),
				  BQ(m->name));
		return -EBADMSG;
	}
	m->data = off + TAR_BLOCK;
	m->size = (size_t)size;
	m->next = m->data + ((m->size + TAR_BLOCK - 1) / TAR_BLOCK) * TAR_BLOCK;
	return 1;
}
