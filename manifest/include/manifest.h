/* SPDX-License-Identifier: BSD-2-Clause */
/* manifest: the versioned JSON manifest, its validation, and the kernel selection it makes. */
#ifndef BTFGEN_MANIFEST_H
#define BTFGEN_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>

// Format, version 1 (paths relative to the manifest's folder; '//' comments here because the
// globs hold comment delimiters):
//
//   { "version": 1,
//     "archive": "btfhub",
//     "objects": { "x86_64": ["objects/x86/*.bpf.o"], "arm64": ["objects/arm64/*.bpf.o"] },
//     "output": "out/app-btfs.tar.zst",
//     "kernels": { "include": ["debian/12/x86_64/*"], "exclude": ["*/*/*/*-rt-*"] },
//     "jobs": 4, "format": "bundle", "compression": "zstd", "verify": true,
//     "cache": "cache", "kernel_cache": "kernel-cache" }
//
// Required: version (1), archive (a directory in BTFHub layout,
// <distro>/<version>/<arch>/<release>.btf.tar.xz, also .btf.tar.gz, .btf.tar.zst and raw
// .btf), objects (arch -> non-empty array of paths or glob(3) patterns, expanded sorted),
// output.
// Optional: kernels ({"include": [...], "exclude": [...]}: fnmatch(3) patterns over
// "distro/version/arch/release", four parts, '*' not crossing '/'; or {"list": [...]}, each
// entry naming a kernel of the archive), jobs (>= 1), format ("bundle" | "tree"),
// compression ("zstd" | "xz" | "none"), verify (default true), cache (the result cache: a
// directory, created later by whoever uses it), kernel_cache (the decoded-kernel cache: a
// directory, likewise).
//
// Only kernels whose arch has objects are selected. Errors: unknown keys, wrong types, bad
// values, a path or pattern that matches no file, an include pattern or list entry that
// matches no kernel, one release stored twice (x.btf and x.btf.tar.xz), an empty selection.
//
// The archive walk goes exactly four levels deep; names starting with '.' (.git) are
// skipped, symlinked directories are not entered, files that are not kernel inputs (README)
// are ignored, and a symlink to a regular file counts as that file.

enum manifest_format {
	MANIFEST_FORMAT_BUNDLE, /* default */
	MANIFEST_FORMAT_TREE,
};

enum manifest_compression {
	MANIFEST_COMPRESS_ZSTD, /* default */
	MANIFEST_COMPRESS_XZ,
	MANIFEST_COMPRESS_NONE,
};

struct manifest_arch {
	char *arch;
	char **objects; /* absolute paths, sorted (strcmp), deduplicated */
	size_t object_cnt; /* >= 1 */
};

struct manifest_kernel {
	char *distro, *version, *arch, *release;
	char *name; /* "distro/version/arch/release", for messages and index keys */
	char *input; /* absolute path of the archive file */
};

/*
 * Every string and array is owned by the manifest and freed by manifest__free().
 * Absolute paths are made from the real path of the manifest's folder joined with
 * the value, with "." and ".." resolved textually (symlinks below are kept, so an
 * object's name is the one the user wrote).
 */
struct manifest {
	char *path; /* the manifest file, absolute: dir + its own name (a symlink stays one) */
	char *dir; /* its folder, absolute, symlinks resolved; the base of relative paths */
	char *archive; /* absolute */
	char *output; /* absolute; not checked for existence */
	char *cache; /* result cache: absolute, or NULL when not given */
	char *kernel_cache; /* decoded-kernel cache: absolute, or NULL when not given */
	int jobs; /* 0: not given */
	enum manifest_format format;
	enum manifest_compression compression;
	bool verify;
	struct manifest_arch *arches; /* sorted by arch (strcmp) */
	size_t arch_cnt;
	struct manifest_kernel *kernels; /* sorted by distro, version, arch, release (strcmp) */
	size_t kernel_cnt; /* >= 1 */
};

/*
 * Read, validate and expand the manifest at 'path'. Returns a manifest to free with
 * manifest__free(), or NULL with errno set (EINVAL: invalid content; ENOENT,
 * EACCES...: the manifest itself cannot be read; ENOMEM) and one line in err
 * naming the file (as given) and the key, e.g.
 *   manifest.json: key 'objects.arm64[0]': no file matches 'build/arm64/...'
 *   manifest.json: key 'jobz': unknown key
 *   manifest.json:3:14: invalid JSON: ...
 * The result depends only on the manifest and the files it names: the same tree
 * gives the same kernel list in the same order.
 */
struct manifest *manifest__load(const char *path, char *err, size_t err_sz);

/* Free a manifest and everything in it. NULL is a no-op. */
void manifest__free(struct manifest *m);

/* The objects of 'arch', or NULL if the manifest has none for it. Valid until manifest__free(). */
const struct manifest_arch *manifest__arch(const struct manifest *m, const char *arch);

#endif
