/* SPDX-License-Identifier: BSD-2-Clause */
/* pipeline: read one kernel's BTF from a BTFHub archive file, in memory, with size caps. */
#ifndef BTFGEN_KERNEL_ARCHIVE_H
#define BTFGEN_KERNEL_ARCHIVE_H

#include <stddef.h>

/*
 * Caps on what one input may cost. A field of 0 takes the default; a NULL
 * limits pointer takes all defaults.
 *   max_input:  size of the input file as stored (default 256 MiB);
 *   max_member: size of the .btf member, or of a raw BTF file (default 64 MiB);
 *   max_total:  decompressed bytes of the whole tar stream, every member and
 *               header included (default 128 MiB); bounds the work spent on
 *               members we skip, whose data libarchive must still decode.
 * The largest BTFHub kernel BTF is ~10 MiB, stored as ~2 MiB of xz.
 */
struct kernel_archive_limits {
	size_t max_input;
	size_t max_member;
	size_t max_total;
};

#define KERNEL_ARCHIVE_MAX_INPUT (256u << 20)
#define KERNEL_ARCHIVE_MAX_MEMBER (64u << 20)
#define KERNEL_ARCHIVE_MAX_TOTAL (128u << 20)

/*
 * Read the kernel BTF stored at 'path'. The file is either
 *   - a tar, plain or compressed with xz, gzip or zstd (detected by content,
 *     not by name), holding exactly one regular-file member whose name ends in
 *     ".btf" (other members are skipped), or
 *   - a raw BTF file (magic 0xEB9F in either byte order).
 * Everything happens in memory: nothing from the archive is written to disk,
 * and member names only ever appear in messages.
 *
 * Rejected: a member with an absolute path or a ".." component (whatever its
 * name), a symlink, hardlink, device or directory named *.btf, no or several
 * .btf members, anything over a cap (checked on the tar header and on the
 * bytes actually decoded), truncated or corrupt data, an empty file, anything
 * else.
 *
 * On success returns 0; *data (malloc'ed, the caller frees it with free()) and
 * *size hold the BTF bytes, and sha256, if not NULL, the SHA-256 of the input
 * file as stored. On failure returns -errno and writes a one-line cause,
 * without the path, to err (if err_sz > 0); *data and *size are untouched.
 *   -ENOENT, -EACCES, -EISDIR, ...: opening or reading the file failed;
 *   -EFBIG:   a cap was exceeded;
 *   -EBADMSG: corrupt, truncated or unrecognized data;
 *   -EINVAL:  a well-formed tar with the wrong members (none, several, unsafe);
 *   -ENOMEM.
 * Thread-safe: it keeps no state between calls.
 */
int kernel_archive__read(const char *path, const struct kernel_archive_limits *lim, void **data,
			 size_t *size, unsigned char sha256[32], char *err, size_t err_sz);

/*
 * Only read the input file as stored (within max_input) and hash it (sha256 may be NULL),
 * without decoding: the batch keys its cache on the input's SHA-256 and decodes with
 * kernel_archive__read_mem() only on a miss. *buf (*len bytes) is malloc'ed, the caller
 * frees it; 0 or -errno as kernel_archive__read().
 */
int kernel_archive__load(const char *path, const struct kernel_archive_limits *lim, void **buf,
			 size_t *len, unsigned char sha256[32], char *err, size_t err_sz);

/*
 * As kernel_archive__read(), on a buffer already in memory, e.g. from kernel_archive__load()
 * (no SHA-256; buf stays the caller's; a raw BTF is copied into *data).
 */
int kernel_archive__read_mem(const void *buf, size_t len, const struct kernel_archive_limits *lim,
			     void **data, size_t *size, char *err, size_t err_sz);

#endif
