/* SPDX-License-Identifier: BSD-2-Clause */
/* pipeline: the batch job: every kernel of a manifest tailored for its arch's objects, one bundle. */
#ifndef BTFGEN_BATCH_H
#define BTFGEN_BATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "bundle_writer.h"
#include "manifest.h"

struct batch_options {
	int jobs; /* worker threads; <= 0: manifest's "jobs", else the online CPUs */
	const char *output; /* overrides the manifest's output when not NULL */
	int verify; /* -1: the manifest's "verify"; 0 off; 1 on */
	/*
	 * Progress, called from the calling thread after each kernel in manifest order, and
	 * once more with done == total at the end (also when there is no kernel); NULL: none.
	 * Drawing it is the caller's business (cmd/progress.c).
	 */
	void (*progress)(void *ctx, size_t done, size_t total, size_t failed);
	/* One failed kernel: its manifest name and reason, as read; NULL: not reported. */
	void (*kernel_failed)(void *ctx, const char *kernel, const char *reason);
	void *progress_ctx; /* passed to both */
	const char *kernel_cache; /* decoded-kernel cache folder (overrides the manifest's) */
	unsigned shard_k; /* with shard_n > 1: run only kernels i with i % shard_n == shard_k - 1 */
	unsigned shard_n;
};

struct batch_summary {
	size_t kernels, ok, failed;
	size_t distinct; /* distinct tailored BTFs stored */
	size_t unsatisfied; /* unsatisfiable relocations, summed over kernels */
	size_t failing_kernels; /* ok kernels where some program fails or is refused */
	unsigned long long output_size; /* bytes of the bundle (or tree tar); 0 for a tree dir */
	double seconds;
	const char *output; /* path written (valid while the options/manifest live) */
};

/*
 * Run the batch job. Per-kernel failures (a corrupt archive, a malformed BTF) are
 * recorded in the index and counted in the summary; the other kernels go on.
 * Returns 0 when the output was written (check summary->failed), or -errno on a
 * setup error (an object that cannot be loaded: -EINVAL) or a failure writing the
 * output, with one line in err; then nothing was written.
 */
int batch__run(const struct manifest *m, const struct batch_options *opts,
	       struct batch_summary *summary, char *err, size_t err_sz);

/*
 * Join shard bundles (written with --shard K/N by the same version on the same
 * manifest) into the bundle one unsharded run would have written, byte for byte
 * when 'comp' is the manifest's compression. 0 or -errno with one line in err.
 */
int batch__merge(char *const *shards, size_t shard_cnt, const char *out,
		 enum bundle_compression comp, size_t *kernels, char *err, size_t err_sz);

/*
 * Write the embeddable (runtime) form of bundle 'in' to 'out' (BUNDLE_LAYOUT_RUNTIME): what
 * lookup needs, without provenance and matrix.json; lookup gives the same BTFs from both.
 * 0 or -errno with one line in err.
 */
int batch__strip(const char *in, const char *out, size_t *kernels, char *err, size_t err_sz);

struct btfgen_bundle_opts;
/*
 * Limits for the bundles this tool reads back: merge, strip and every command that takes a
 * BUNDLE. The runtime library's defaults are sized for applications, which embed the runtime
 * form; the full form of a whole BTFHub is larger (4,000 kernels x 118 objects: 104 MiB
 * decompressed, matrix.json 107 MB with ~3.8 M JSON values). Still a bound for hostile
 * bundles: 512 MiB decompressed and 2^25 JSON values per document, i.e. (bundle.h's memory
 * bound) at most ~2.6 GiB.
 */
const struct btfgen_bundle_opts *batch__bundle_opts(void);

/* The versions index.json records: ours and the libraries linked. Static strings. */
void batch__generator(struct bundle_generator *gen);

#endif
