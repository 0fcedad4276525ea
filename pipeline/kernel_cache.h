/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * pipeline: the kernel cache: each input's decoded BTF, so that a re-run after an object
 * changed skips the archives' xz. Not to be confused with the result cache (result_cache.h),
 * which keeps tailored results and only helps when neither kernel nor objects changed.
 */
#ifndef BTFGEN_KERNEL_CACHE_H
#define BTFGEN_KERNEL_CACHE_H

#include <stddef.h>

/*
 * One file per input, <dir>/<input SHA-256>.kbtf: a 16-byte header ("BTFGKC1\n" and the
 * BTF's size, 64-bit little endian), then one zstd frame (level 3, content size and
 * checksum). docs/bench.md has the measurements behind the choice: 4.3x smaller than
 * raw BTF, decoded ~10x faster than the .btf.tar.xz.
 *
 * An entry is written to a temp file in dir and renamed into place, so readers (other
 * runs sharing the dir included) see a whole entry or none. An entry read back whose
 * header, size or zstd checksum does not match, or that is not BTF, is a miss: the
 * caller decodes the archive again (and overwrites the entry).
 */

/* 'dir' is created if missing (mkdir -p). 0 or -errno with a reason in err. */
int kernel_cache__prepare(const char *dir, char *err, size_t err_sz);

/*
 * The decoded BTF of the input whose SHA-256 is sha_hex: 0 with *data (malloc'ed, the
 * caller frees) and *size; -ENOENT when absent; -EBADMSG for a damaged entry; -EFBIG
 * over max_size. Any error means: decode the archive. Thread-safe.
 */
int kernel_cache__get(const char *dir, const char *sha_hex, size_t max_size, void **data,
		      size_t *size);

/* Store a decoded BTF; best effort (a full disk only costs a decode), 0 or -errno. */
int kernel_cache__put(const char *dir, const char *sha_hex, const void *data, size_t size);

#endif
