/* SPDX-License-Identifier: BSD-2-Clause */
/* bundle: read a btfgen bundle and find the BTF of a kernel in it (no libbpf needed). */
#ifndef BTFGEN_BUNDLE_H
#define BTFGEN_BUNDLE_H

#include <stddef.h>

/*
 * The library is built with -fvisibility=hidden: only what is marked BTFGEN_API is exported
 * from libbtfgen-bundle.so, and every global symbol of the library starts with btfgen_.
 */
#ifndef BTFGEN_API
#define BTFGEN_API __attribute__((visibility("default")))
#endif

#define BUNDLE_FORMAT "btfgen-bundle"
#define BUNDLE_FORMAT_VERSION 1

/* An object the bundle was tailored for (index.json "objects"). */
struct bundle_object {
	const char *name, *arch, *sha256_hex;
	unsigned relocations;
	/* its programs (docs/verdicts.md), ELF order; NULL/0 in bundles written before verdicts */
	const char *const *programs;
	size_t program_cnt;
};

/* A relocation that cannot be satisfied on a kernel (matrix.json kernels[].unsatisfied). */
struct bundle_unsatisfied {
	const char *object, *program;
	unsigned relocation; /* index of the relocation within its program */
	const char *kind, *type, *access, *reason;
	/* docs/verdicts.md: "probe", "guarded", "fails", "refused" or "unused" ("" if absent) */
	const char *verdict;
	const char *function; /* the subprogram holding it, "" (or NULL) when in 'program' itself */
	unsigned insn; /* instruction index in its section */
};

/* A kernel as given to the writer (index.json "kernels" entry). */
struct bundle_kernel {
	const char *distro, *version, *arch, *release;
	const char *status, *reason; /* "ok" | "failed" | "skipped"; reason NULL when ok */
	const char *input_sha256_hex;
	unsigned long long input_size, full_btf_size;
	const void *btf; /* tailored BTF, NULL unless ok */
	size_t btf_size;
	const struct bundle_unsatisfied *unsatisfied;
	size_t unsatisfied_cnt;
};

/* A kernel as read from a bundle. Strings live as long as the bundle; never NULL ("" if absent). */
struct bundle_entry {
	const char *distro, *version, *arch, *release;
	const char *status, *reason;
	const char *blob; /* member "blobs/<distro>/<version>/<arch>/<release>.btf", "" unless ok */
	const char *input_sha256_hex;
	unsigned long long btf_size, input_size, full_btf_size;
	size_t unsatisfied_cnt; /* index.json "unsatisfied" (the list is in matrix.json) */
	size_t index; /* position in index.json "kernels" */
	/* SHA-256 of the BTF, checked before it is served; "" unless ok, and in the runtime form
	 * (its blobs are checked as one set, index.json "blobs_sha256") */
	const char *btf_sha256_hex;
};

/*
 * A bundle decodes lazily: btfgen_bundle__btf_data, btfgen_bundle__btf_path,
 * btfgen_bundle__unsatisfied, btfgen_bundle__load_matrix, btfgen_bundle__matrix_json and
 * btfgen_bundle__verify may decode more of the stream and record checks; call those from one thread
 * at a time. The rest is read-only after open.
 */
struct bundle;

/*
 * Opens a bundle held in memory (zstd, xz or plain tar). data is only read during the call:
 * the bundle keeps its own copy, so data may be freed right after. Open decodes and parses
 * index.json only (a zstd bundle from our writer: just its first frame, whose checksum is
 * checked); blobs are decoded when first asked for, matrix.json when the matrix is.
 * Strict: an unknown format or version, a corrupt stream, tar or index.json fails with NULL,
 * errno set and a one-line message in err. Later damage (a corrupt or missing blob, a bad
 * matrix.json) fails the call that reaches it, with the message in btfgen_bundle__error.
 * What is verified when: index.json by its frame's checksum before it is parsed (xz and
 * zstd without content sizes: the whole stream is decoded and checked at open; a plain tar has
 * no checksum); a blob by its SHA-256 (index.json "btf_sha256") before it is served, always;
 * matrix.json and every frame by their checksums when the matrix is loaded (btfgen_bundle__verify
 * does everything).
 */
BTFGEN_API struct bundle *btfgen_bundle__open_mem(const void *data, size_t size, char *err,
						  size_t err_sz);
BTFGEN_API struct bundle *btfgen_bundle__open_file(const char *path, char *err, size_t err_sz);

/*
 * Limits: the contract between a bundle and the process that opens it. A bundle is untrusted
 * input (a truncated download, a tampered file, a newer writer): whatever it holds, opening and
 * reading it stay within these bounds, or the call fails with errno EFBIG and a one-line
 * message naming the limit ("... (limit max_size)"). Every limit is checked before the memory
 * it guards is allocated, with overflow-safe arithmetic. The defaults fit the runtime form
 * (btfgen-batch strip) of a whole BTFHub with room to spare (4,000 kernels: about 1 MB
 * decompressed; index.json has a JSON value per ~20 bytes). The full form of that many kernels
 * is larger (104 MiB decompressed, ~3.8 M JSON values in matrix.json): a program that reads
 * full forms passes larger limits, as btfgen-batch does (512 MiB, 2^25 values).
 *
 * Memory bound: an open bundle holds at most its input (<= max_size), the decompressed tar
 * (<= max_size), a copy of index.json (<= max_size) and, per parsed JSON document (index.json
 * at open, matrix.json when loaded), BTFGEN_BUNDLE_NODE_SIZE bytes per JSON value, at most
 * min(document bytes / json_bytes_per_value + 64, max_json_values) values; plus, per kernel
 * and object, a few hundred bytes (<= max_kernels, max_objects). Defaults: about 290 MiB
 * in the worst case, whatever the input; real bundles of a few MB need a few MB.
 *
 * Pass NULL for the defaults; a field left 0 takes its default. sz is sizeof(struct
 * btfgen_bundle_opts) as the caller was compiled (fields added later are appended).
 */
struct btfgen_bundle_opts {
	size_t sz;
	/* input file size and decompressed size (zstd, xz or tar); default 64 MiB */
	unsigned long long max_size;
	/* JSON values per document: proportional bound (bytes per value), hard cap */
	unsigned long long json_bytes_per_value; /* default 8 */
	unsigned long long max_json_values; /* default 2^21 (2097152) */
	unsigned long long max_kernels; /* index.json "kernels"; default 262144 */
	unsigned long long max_objects; /* index.json "objects"; default 65536 */
	/* bytes of a kernel key field (distro, version, arch, release) and a blob name; 255 */
	unsigned long long max_name_len;
};

#define BTFGEN_BUNDLE_MAX_SIZE (64ULL << 20)
#define BTFGEN_BUNDLE_JSON_BYTES_PER_VALUE 8
#define BTFGEN_BUNDLE_MAX_JSON_VALUES (1ULL << 21)
#define BTFGEN_BUNDLE_MAX_KERNELS (1ULL << 18)
#define BTFGEN_BUNDLE_MAX_OBJECTS (1ULL << 16)
#define BTFGEN_BUNDLE_MAX_NAME_LEN 255
#define BTFGEN_BUNDLE_NODE_SIZE 48 /* bytes per parsed JSON value (x86_64) */

/* As btfgen_bundle__open_mem / btfgen_bundle__open_file, with limits (opts may be NULL: the
 * defaults). */
BTFGEN_API struct bundle *btfgen_bundle__open_mem_opts(const void *data, size_t size,
						       const struct btfgen_bundle_opts *opts,
						       char *err, size_t err_sz);
BTFGEN_API struct bundle *btfgen_bundle__open_file_opts(const char *path,
							const struct btfgen_bundle_opts *opts,
							char *err, size_t err_sz);

/*
 * The error channel. Every call of this API that fails sets errno (or returns -errno) and
 * leaves one printable line saying what failed and why in btfgen_bundle__errstr(): per
 * thread, valid until the thread's next failing call, never NULL. Strings that come from the
 * bundle or the caller (member names, release names, paths) are escaped in it (see
 * btfgen_bundle__quote). Calls that take err/err_sz also copy that line there, and
 * btfgen_bundle__error(b) keeps the last lazy failure of a handle.
 */
BTFGEN_API const char *btfgen_bundle__errstr(void);
/*
 * Writes s to buf (sz bytes, NUL-terminated, cut with "..." if too long) with control
 * characters, DEL, bytes >= 0x80 and backslashes as C escapes (\n, \x1b, \\): safe to print
 * on a terminal and on one line. Returns buf. Use it on any string read from a bundle.
 */
BTFGEN_API const char *btfgen_bundle__quote(const char *s, char *buf, size_t sz);
/* btfgen_bundle__quote into a buffer that lives until the end of the enclosing block. */
#define BTFGEN_BUNDLE_QUOTE_MAX 320
#define BTFGEN_BUNDLE_QUOTED(s) \
	btfgen_bundle__quote((s), (char[BTFGEN_BUNDLE_QUOTE_MAX]){ 0 }, BTFGEN_BUNDLE_QUOTE_MAX)
/* NULL is a no-op. Closes the memfds handed out by btfgen_bundle__btf_path. */
BTFGEN_API void btfgen_bundle__free(struct bundle *b);
/*
 * Decodes everything and checks it: every blob the index names is present and matches its
 * SHA-256 (the runtime form: the blobs match blobs_sha256), matrix.json matches the index (the
 * runtime form has none), every frame checksum. 0 or -errno (message in err).
 */
BTFGEN_API int btfgen_bundle__verify(struct bundle *b, char *err, size_t err_sz);
/* The message of the last lazy failure (btf_data, unsatisfied, ...); "" if none. Owned by b. */
BTFGEN_API const char *btfgen_bundle__error(const struct bundle *b);

BTFGEN_API size_t btfgen_bundle__entry_cnt(const struct bundle *b);
BTFGEN_API const struct bundle_entry *btfgen_bundle__entry(const struct bundle *b, size_t i);
BTFGEN_API size_t btfgen_bundle__object_cnt(const struct bundle *b);
/* Valid until btfgen_bundle__free. */
BTFGEN_API const struct bundle_object *btfgen_bundle__object(const struct bundle *b, size_t i);
/*
 * Fills *u with the i-th unsatisfied relocation of e; 0, -ERANGE, or -errno if matrix.json
 * cannot be loaded (message in btfgen_bundle__error). Loads matrix.json on first use (not const
 * inside: see the threading note above). Strings owned by b.
 */
BTFGEN_API int btfgen_bundle__unsatisfied(const struct bundle *b, const struct bundle_entry *e,
					  size_t i, struct bundle_unsatisfied *u);
/* Loads matrix.json now (see btfgen_bundle__unsatisfied); 0 or -errno (message in err). */
BTFGEN_API int btfgen_bundle__load_matrix(struct bundle *b, char *err, size_t err_sz);
/* matrix.json as stored (not NUL-terminated), loading it; NULL on error (btfgen_bundle__error). */
BTFGEN_API const char *btfgen_bundle__matrix_json(struct bundle *b, size_t *size);
/* index.json as stored in the bundle (not NUL-terminated); valid until btfgen_bundle__free. */
BTFGEN_API const char *btfgen_bundle__index_json(const struct bundle *b, size_t *size);
/* Number of distinct blobs the index names. */
BTFGEN_API size_t btfgen_bundle__blob_cnt(const struct bundle *b);
/*
 * 1 for the runtime form (index.json "form": "runtime", written by btfgen-batch strip): lookup
 * data only, no generator, objects, provenance or matrix.json; 0 for the full form.
 */
BTFGEN_API int btfgen_bundle__is_runtime(const struct bundle *b);
/* index.json "generator" fields (name, version, libbpf, ...), "" if absent; owned by b. */
BTFGEN_API const char *btfgen_bundle__generator(const struct bundle *b, const char *field);

/*
 * The tailored BTF of an "ok" entry, pointing into the bundle (valid until btfgen_bundle__free).
 * Decodes the stream up to the blob and checks its SHA-256 on first use: NULL with errno
 * EBADMSG on a mismatch or a corrupt stream, ENOENT if the blob is missing, ENODATA if the
 * entry is not "ok" (message in btfgen_bundle__error).
 */
BTFGEN_API const void *btfgen_bundle__btf_data(struct bundle *b, const struct bundle_entry *e,
					       size_t *size);
/*
 * Writes "/proc/self/fd/N" to buf, N a memfd holding the entry's BTF, for libbpf's
 * bpf_object_open_opts.btf_custom_path (no temp file). The memfd stays open until
 * btfgen_bundle__free. 0 or -errno (-ENAMETOOLONG if buf is too small).
 */
BTFGEN_API int btfgen_bundle__btf_path(struct bundle *b, const struct bundle_entry *e, char *buf,
				       size_t buf_sz);

/* What to look for. Empty strings are "unknown". */
struct bundle_query {
	char distro[64]; /* os-release ID, e.g. "debian" */
	char version[64]; /* os-release VERSION_ID, e.g. "11" */
	char arch[65]; /* uname -m or BTFHub arch, e.g. "aarch64" */
	char release[256]; /* uname -r */
};

enum bundle_match_kind {
	BUNDLE_MATCH_EXACT, /* distro, version, arch and release as given */
	BUNDLE_MATCH_ALIAS, /* after normalization (arch names, Debian codenames, ...) */
	BUNDLE_MATCH_RELEASE_ONLY, /* distro/version missed; the release (+arch) alone matched */
};

#define BUNDLE_MAX_CANDIDATES 16

struct bundle_match {
	const struct bundle_entry *entry; /* the match (also set for -ENODATA) */
	enum bundle_match_kind kind;
	/* on -ENOTUNIQ: the candidates (first BUNDLE_MAX_CANDIDATES), cand_cnt is the total */
	size_t cand_cnt;
	const struct bundle_entry *cands[BUNDLE_MAX_CANDIDATES];
};

/*
 * Finds q's kernel. Order: exact keys; normalized keys (case, amazon/redhat/oracle/suse ->
 * amzn/rhel/ol/sles, aarch64->arm64, amd64->x86_64,
 * Debian 10/11/12/13 <-> buster/bullseye/bookworm/trixie, RHEL/OL/CentOS/Rocky/Alma major
 * version only, Amazon 2018.03 -> 2018); then the release (+arch) alone. Several matches that
 * map to the same blob count as one. Returns 0 (m->entry is "ok", has a BTF), -ENODATA
 * (m->entry found but failed/skipped), -ENOENT (no match), -ENOTUNIQ (several, see m->cands),
 * -EINVAL (q has no release).
 */
BTFGEN_API int btfgen_bundle__find(const struct bundle *b, const struct bundle_query *q,
				   struct bundle_match *m);
BTFGEN_API const char *btfgen_bundle_match_kind__str(enum bundle_match_kind kind);

/*
 * Fills q from the host: os-release from $BTFGEN_OS_RELEASE, else os_release_path (if not
 * NULL), else /etc/os-release, then /usr/lib/os-release; release and arch from uname(2).
 * Only empty fields of q are filled, so callers may preset some. 0 or -errno (a missing
 * os-release is not an error: distro/version stay empty and lookup falls back to release).
 */
BTFGEN_API int btfgen_bundle_host__detect(struct bundle_query *q, const char *os_release_path);
/* Fills the empty distro/version of q from one os-release file; 0 or -errno. */
BTFGEN_API int btfgen_bundle_host__read_os_release(struct bundle_query *q, const char *path);
/* Fills the empty release/arch of q from uname(2); 0 or -errno. */
BTFGEN_API int btfgen_bundle_host__uname(struct bundle_query *q);

#endif
