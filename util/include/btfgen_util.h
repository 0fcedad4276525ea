/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * util: the helpers every module shares (as zstd's lib/common): reading a regular file,
 * mkdir -p, FNV-1a, array growth, error messages, quoting untrusted strings, a string set.
 *
 * Depends on libc only. Linked into the bundle runtime library, so every symbol it exports
 * carries the btfgen_ prefix (scripts/check-symbols.sh checks it) and it is built with
 * -fvisibility=hidden: nothing here is part of an installed API.
 *
 * Errors: functions return 0 or -errno and, where they take (err, err_sz), write a one-line
 * cause there (err may be NULL or err_sz 0). No function prints.
 */
#ifndef BTFGEN_UTIL_H
#define BTFGEN_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* ---- files ---- */

/*
 * Read the whole regular file at 'path', at most 'max' bytes. The file is opened with
 * O_NONBLOCK (a FIFO must not hang us before fstat() rejects it) and read to EOF rather
 * than trusting st_size (it may change under us). On success *buf (malloc'ed, one spare
 * byte past *len, the caller frees it) holds *len bytes. On failure returns -errno and
 * writes the cause, without the path, to err:
 *   -ENOENT, -EACCES, ... "cannot open: ..." / "cannot stat: ..." / "read error: ...";
 *   -EISDIR, -EINVAL      "not a regular file";
 *   -EFBIG                "input exceeds <max>";
 *   -EBADMSG              "input grew while being read";
 *   -ENOMEM.
 */
int btfgen_file_read(const char *path, size_t max, void **buf, size_t *len, char *err,
		     size_t err_sz);

/*
 * Create 'path' and every missing folder above it (mode 0755), as mkdir -p; an existing
 * folder is fine. With 'parents_only', stop before the last component (the folders above an
 * output file). On failure returns -errno and writes "cannot create folder '<the prefix that
 * failed, quoted>': <cause>" to err.
 */
int btfgen_mkdir_p(const char *path, int parents_only, char *err, size_t err_sz);
/*
 * An anonymous scratch file: O_TMPFILE in $TMPDIR (or /tmp), else mkstemp + unlink; gone with
 * the process whatever happens. Read/write, close-on-exec. The fd, or -errno.
 */
int btfgen_tmpfile(void);

/* ---- hashing: FNV-1a, 32 bits (not cryptographic: tables only; SHA-256 is for keys) ---- */

#define BTFGEN_FNV1A32_INIT 2166136261u
#define BTFGEN_FNV1A32_PRIME 16777619u

/* One byte more into a running hash (for loops that also look at each byte). */
static inline uint32_t btfgen_fnv1a32_byte(uint32_t h, unsigned char c)
{
	return (h ^ c) * BTFGEN_FNV1A32_PRIME;
}

/* n bytes more into a running hash h (start from BTFGEN_FNV1A32_INIT). */
uint32_t btfgen_fnv1a32_update(uint32_t h, const void *p, size_t n);

/* The hash of a NUL-terminated string. */
uint32_t btfgen_fnv1a32_str(const char *s);

/* ---- arrays ---- */

/*
 * Make room for at least 'need' elements of 'elem' bytes in *arr, whose capacity is *cap
 * elements: nothing when *cap >= need, else realloc to max(need, 2 * *cap, 16) elements
 * (geometric: appending n elements costs O(n) copies). Overflow of the byte size is
 * -ENOMEM. On failure *arr and *cap are untouched (the caller still owns *arr).
 */
int btfgen_array_grow(void **arr, size_t *cap, size_t need, size_t elem);

/* ---- messages ---- */

/* vsnprintf into err (nothing if err is NULL or err_sz 0). */
void btfgen_err_set(char *err, size_t err_sz, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void btfgen_err_vset(char *err, size_t err_sz, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

/* "64 MiB", "12 KiB" or "1000 bytes" (limits are usually round numbers); returns buf. */
const char *btfgen_fmt_size(size_t n, char *buf, size_t buf_sz);

/*
 * An untrusted string made fit for a one-line message: '\\' and bytes that are not printable
 * ASCII (control bytes, DEL, bytes >= 0x80) become \\, \n, \t, \r or \xNN, and a string
 * longer than 'max' input bytes (0: no limit but buf_sz) is cut and ends in "...". Never
 * writes past buf_sz (>= 1); NULL prints as "". Returns buf. The caller adds the quotes.
 */
const char *btfgen_quote(const char *s, size_t max, char *buf, size_t buf_sz);

/* ---- a set of strings, each stored once, by offset ---- */

/*
 * A growing byte buffer of NUL-terminated strings, each stored once: offset 0 is always ""
 * (as in a BTF or ELF string table), and strings are laid out in the order they are first
 * added, so the bytes are deterministic. Offsets stay valid as the set grows; pointers into
 * data do not. Zero-initialise, then btfgen_strset__init(); free with btfgen_strset__free().
 */
struct btfgen_strset {
	char *data;
	size_t len, cap;
	uint32_t *slots; /* open addressing: offset + 1, 0 = empty */
	size_t nslots, used;
};

int btfgen_strset__init(struct btfgen_strset *s);
void btfgen_strset__free(struct btfgen_strset *s);

/* The offset of str in the set, adding it if new ("" is 0); -ENOMEM or -EFBIG (over 4 GiB). */
long btfgen_strset__add(struct btfgen_strset *s, const char *str);

#endif
