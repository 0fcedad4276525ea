// SPDX-License-Identifier: BSD-2-Clause
/* bundle: growable byte buffers, deterministic ustar writing, error formatting. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundle_priv.h"

void bundle_err(char *err, size_t err_sz, const char *fmt, ...)
{
	va_list ap;

	if (!err || !err_sz)
		return;
	va_start(ap, fmt);
	vsnprintf(err, err_sz, fmt, ap);
	va_end(ap);
}

int bbuf__reserve(struct bbuf *b, size_t extra)
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

int bbuf__append(struct bbuf *b, const void *data, size_t len)
{
	int err = bbuf__reserve(b, len);

	if (err)
		return err;
	if (len)
		memcpy(b->data + b->len, data, len);
	b->len += len;
	return 0;
}

void bbuf__free(struct bbuf *b)
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

int tar__name_ok(const char *path)
{
	char name[100], prefix[155];

	return !tar_split_name(path, name, prefix);
}

int tar__header(struct bbuf *out, const char *path, size_t size)
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
	tar_octal((char *)h + 100, 8, 0644);  /* mode */
	tar_octal((char *)h + 108, 8, 0);     /* uid */
	tar_octal((char *)h + 116, 8, 0);     /* gid */
	tar_octal((char *)h + 124, 12, size); /* size */
	tar_octal((char *)h + 136, 12, 0);    /* mtime: 0, so bytes never depend on the clock */
	h[156] = '0';			      /* regular file */
	memcpy(h + 257, "ustar", 6);	      /* POSIX magic "ustar\0" + version "00" */
	memcpy(h + 263, "00", 2);
	memcpy(h + 265, "root", 4); /* uname */
	memcpy(h + 297, "root", 4); /* gname */
	memset(h + 148, ' ', 8);    /* checksum counted as spaces */
	for (i = 0; i < TAR_BLOCK; i++)
		sum += h[i];
	snprintf((char *)h + 148, 8, "%06o", sum); /* six digits, NUL, space */
	h[155] = ' ';
	return bbuf__append(out, h, sizeof(h));
}

int tar__append(struct bbuf *out, const char *path, const void *data, size_t size)
{
	size_t pad = (TAR_BLOCK - size % TAR_BLOCK) % TAR_BLOCK;
	int err;

	err = bbuf__reserve(out, TAR_BLOCK + size + pad);
	if (err)
		return err;
	err = tar__header(out, path, size);
	if (err)
		return err;
	bbuf__append(out, data, size);
	memset(out->data + out->len, 0, pad);
	out->len += pad;
	return 0;
}

int tar__finish(struct bbuf *out, size_t before)
{
	size_t pad = 2 * TAR_BLOCK, len = before + out->len;
	int err;

	if ((len + pad) % TAR_RECORD)
		pad += TAR_RECORD - (len + pad) % TAR_RECORD;
	err = bbuf__reserve(out, pad);
	if (err)
		return err;
	memset(out->data + out->len, 0, pad);
	out->len += pad;
	return 0;
}
