/* SPDX-License-Identifier: BSD-2-Clause */
/* bundle: internals shared by the writer and the reader (tar, compression); not exported. */
#ifndef BTFGEN_BUNDLE_PRIV_H
#define BTFGEN_BUNDLE_PRIV_H

#include <stddef.h>

#include "bundle_writer.h"

#define TAR_BLOCK 512
#define TAR_RECORD 10240 /* GNU tar's default record: the archive is padded to a multiple */
/* The tar writer's own limit on a member name (ustar: prefix 155 + '/' + name 100). */
#define TAR_NAME_MAX 256

struct bbuf {
	unsigned char *data;
	size_t len, cap;
};

int btfgen_bbuf__reserve(struct bbuf *b, size_t extra);
int btfgen_bbuf__append(struct bbuf *b, const void *data, size_t len);
void btfgen_bbuf__free(struct bbuf *b);

/* Appends a regular-file member's header only: its data (size bytes) and padding follow. */
int btfgen_tar__header(struct bbuf *out, const char *path, size_t size);
/* Appends one regular-file member (deterministic ustar header + padded data). */
int btfgen_tar__append(struct bbuf *out, const char *name, const void *data, size_t size);
/* 1 if path fits a ustar header (split into prefix/name at a '/'), else 0. */
int btfgen_tar__name_ok(const char *path);
/*
 * Appends the two zero blocks and pads to TAR_RECORD; before is the length of the archive's
 * parts that precede out (0 if out holds all of it).
 */
int btfgen_tar__finish(struct bbuf *out, size_t before);

/* One member as the reader sees it. */
struct tar_member {
	char name[256 + 2];
	char type;
	size_t data, size; /* offset of the data in buf, its size */
	size_t next; /* offset of the next header */
};

int btfgen_tar__parse_header(const unsigned char *h, size_t off, size_t room, struct tar_member *m,
			     char *err, size_t err_sz);

/* Compresses in[0..in_len) into *out (allocated). 0 or -errno. */
int btfgen_bundle_compress(enum bundle_compression comp, const void *in, size_t in_len,
			   unsigned char **out, size_t *out_len, char *err, size_t err_sz);
/* Compresses in as one stream with the strongest settings (the runtime form). 0 or -errno. */
int btfgen_bundle_compress_small(enum bundle_compression comp, const void *in, size_t in_len,
				 unsigned char **out, size_t *out_len, char *err, size_t err_sz);
/*
 * Compresses each non-empty part as its own zstd frame or xz stream (each with its own
 * checksum, checked when the reader reaches the part's end) and concatenates them.
 */
int btfgen_bundle_compress_parts(enum bundle_compression comp, const struct bbuf *parts, size_t n,
				 unsigned char **out, size_t *out_len, char *err, size_t err_sz);
/*
 * A piece of input for btfgen_bundle_compress_segs: len bytes at data, or, with data NULL, the
 * first len bytes of the file fd (read with pread, so large parts need not be in memory).
 */
struct bundle_seg {
	const void *data;
	int fd;
	size_t len;
};
/*
 * Compresses the concatenation of segs as one zstd frame (BUNDLE_ZSTD_LEVEL; content size
 * recorded; window_log 0: the bundle's usual window and tables, else that window and tables
 * one smaller) or xz stream, streamed in bounded memory, and appends it to out. 0 or -errno.
 */
int btfgen_bundle_compress_segs(enum bundle_compression comp, const struct bundle_seg *segs,
				size_t n, int window_log, struct bbuf *out, char *err,
				size_t err_sz);
/*
 * Detects zstd/xz/plain tar by magic and decompresses into *out (allocated), at most max bytes
 * (checked before the buffer grows past max + 1: -EFBIG naming the limit). 0 or -errno.
 */
int btfgen_bundle_decompress(const void *in, size_t in_len, unsigned long long max,
			     unsigned char **out, size_t *out_len, char *err, size_t err_sz);

/*
 * The error channel: formats one line into err (if given) and into the calling thread's
 * btfgen_bundle__errstr(). Untrusted strings go through BQ() first.
 */
void btfgen_bundle_err(char *err, size_t err_sz, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* An escaped copy of an untrusted string for one message (a buffer alive for the statement). */
#define BQ(s) BTFGEN_BUNDLE_QUOTED(s)

/* bundle_file.c: the helpers of btfgen_bundle_file__write_atomic, shared with the tree writer */
void btfgen_bundle_path_split(const char *path, char *dir, size_t dir_sz, char *base,
			      size_t base_sz);
int btfgen_bundle_fsync_dir(const char *dir);
int btfgen_bundle_write_all(int fd, const void *data, size_t len);

/* bundle_tree.c: one file of a tree output */
struct tree_file {
	const char *distro, *version, *arch, *release;
	const void *data;
	size_t size;
};

/* Writes index.json, matrix.json and the files as a tree at out_path, replacing an old tree. */
int btfgen_bundle_tree__write(const char *out_path, const char *index, size_t index_len,
			      const char *matrix, size_t matrix_len, const struct tree_file *files,
			      size_t n, char *err, size_t err_sz);

#endif
