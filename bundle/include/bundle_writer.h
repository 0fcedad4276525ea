/* SPDX-License-Identifier: BSD-2-Clause */
/* bundle: the bundle writer (format v1) and the BTFHub-style tree writer. */
#ifndef BTFGEN_BUNDLE_WRITER_H
#define BTFGEN_BUNDLE_WRITER_H

#include <stdbool.h>
#include <stddef.h>

#include "bundle.h"

/*
 * Format v1: one tar stream (ustar, mtime 0, uid/gid 0, uname/gname "root", mode 0644). Member
 * order: index.json (without the per-kernel unsatisfied lists: counts only); every distinct
 * tailored BTF once, as blobs/<distro>/<version>/<arch>/<release>.btf of the first kernel (in
 * manifest order) that has it, sorted by content; matrix.json (the lists) last. Compressed as
 * one zstd frame / xz stream per part (index.json; the blobs; matrix.json and the end blocks),
 * concatenated, so readers stop after the part they need. The tree layouts write
 * <distro>/<version>/<arch>/<release>.btf (raw BTF) plus index.json and matrix.json. Output
 * bytes depend only on the inputs (and their order).
 */
enum bundle_compression {
	BUNDLE_COMPRESS_ZSTD, /* default: zstd 19 (blobs: 22), single-threaded, checksums */
	BUNDLE_COMPRESS_XZ, /* xz preset 6, CRC64 check */
	BUNDLE_COMPRESS_NONE, /* plain tar */
};

enum bundle_layout {
	BUNDLE_LAYOUT_BUNDLE, /* index.json + blobs/<d>/<v>/<a>/<r>.btf + matrix.json */
	BUNDLE_LAYOUT_TREE_DIR, /* directory of <distro>/<version>/<arch>/<release>.btf */
	BUNDLE_LAYOUT_TREE_TAR, /* the same tree as a tar, compressed per comp */
	/*
	 * The embeddable (runtime) form: index.json with only what lookup needs (keys, status,
	 * blob, btf_sha256, btf_size, reason; "objects" empty, no generator, no input
	 * SHA-256s or sizes, no counts of unsatisfied relocations) + the blobs; no matrix.json.
	 */
	BUNDLE_LAYOUT_RUNTIME,
};

/* Versions recorded in index.json "generator"; NULL fields are written as "". */
struct bundle_generator {
	const char *version, *libbpf, *libarchive, *zstd, *jansson;
};

/* index.json's generator keys, in the order of struct bundle_generator's fields: the one list */
#define BUNDLE_GENERATOR_KEYS "version", "libbpf", "libarchive", "zstd", "jansson"
#define BUNDLE_GENERATOR_CNT 5

/* The generator b was written with: merge and extract keep it, so their output is b's own. */
struct bundle_generator btfgen_bundle_generator__of(const struct bundle *b);

struct bundle_writer;

/*
 * Creates a writer for out_path. Nothing touches the file system until commit. On error
 * returns NULL, sets errno and writes a one-line message to err (if err_sz > 0).
 */
struct bundle_writer *btfgen_bundle_writer__new(const char *out_path, enum bundle_layout layout,
						enum bundle_compression comp,
						const struct bundle_generator *gen, char *err,
						size_t err_sz);
/* Records one object (name, arch, sha256, relocation count). Copies the strings. */
int btfgen_bundle_writer__add_object(struct bundle_writer *w, const struct bundle_object *o);
/*
 * Records one kernel, in manifest order. Copies everything, including the BTF, which is
 * kept once per distinct SHA-256. status is "ok" (btf required), "failed" or "skipped"
 * (reason required, btf ignored). Returns 0 or -errno (-EINVAL on an inconsistent entry,
 * -EEXIST on a key given twice, -ENAMETOOLONG if an ok kernel's blob name does not fit a
 * ustar header: release over ~96 characters).
 */
int btfgen_bundle_writer__add_kernel(struct bundle_writer *w, const struct bundle_kernel *k);

/*
 * Optional: room for this many kernels in all, so that the writer's per-kernel records are
 * allocated once, before a batch's workers start, instead of growing during the run (a block
 * that grows mid-run splits the holes its big buffers leave, and the heap grows). 0 or
 * -errno (-E2BIG past 2^32 - 1 kernels).
 */
int btfgen_bundle_writer__reserve(struct bundle_writer *w, size_t kernels);
/*
 * Adds entry e of the bundle b (another bundle being merged, stripped or extracted) as a
 * kernel of w: its status, reason, sizes and BTF; its unsatisfied records when lists is set
 * (else as many empty ones: a writer that keeps no matrix counts them only). 0 or -errno,
 * with the kernel named (escaped) in err.
 */
int btfgen_bundle_writer__add_entry(struct bundle_writer *w, struct bundle *b,
				    const struct bundle_entry *e, bool lists, char *err,
				    size_t err_sz);
/*
 * Writes everything: a temp file (or temp dir) in the target's directory, fsync, rename.
 * On failure the old output, if any, is left as it was and no temp file remains.
 * Call once; 0 or -errno.
 */
int btfgen_bundle_writer__commit(struct bundle_writer *w, char *err, size_t err_sz);
/* NULL is a no-op. An uncommitted writer has written nothing. */
void btfgen_bundle_writer__free(struct bundle_writer *w);

/*
 * Writes data to path through a temp file in the same directory, fsync and rename (mode 0644):
 * readers see the old file or the new one, never a partial one. 0 or -errno (message in err).
 */
int btfgen_bundle_file__write_atomic(const char *path, const void *data, size_t len, char *err,
				     size_t err_sz);

/* Distinct BTFs recorded so far (each stored once). */
size_t btfgen_bundle_writer__blob_cnt(const struct bundle_writer *w);

/* Serializes index.json / matrix.json as the writer would (for tests); caller frees. */
char *btfgen_bundle_writer__index_json(struct bundle_writer *w, size_t *size);
char *btfgen_bundle_writer__matrix_json(struct bundle_writer *w, size_t *size);

#endif
