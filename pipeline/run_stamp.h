/* SPDX-License-Identifier: BSD-2-Clause */
/* pipeline: the run stamp that lets a re-run with nothing changed skip the work. */
#ifndef BTFGEN_RUN_STAMP_H
#define BTFGEN_RUN_STAMP_H

#include <stdbool.h>
#include <stddef.h>

/*
 * <cache>/run-<key>.stamp (JSON; not .json, which names result cache entries), written
 * after a run that wrote a regular file with no kernel failed: the output's size and
 * SHA-256 and the run's counts. 'key' hashes everything the output's bytes depend on
 * (manifest, objects, generator, every input's SHA-256, the output path), so the same key
 * means the same bytes would be written: when the file at the output path still has the
 * stamped size and SHA-256, the run can skip its work and leave the output as it is. A
 * missing, damaged or mismatching stamp only means a full run.
 */
struct run_stamp {
	char output_sha[65];
	unsigned long long output_size;
	size_t kernels, ok, distinct, unsatisfied, failing_kernels;
};

/* true if the stamp of key_hex exists and 'out' is still the file it describes. */
bool run_stamp__check(const char *dir, const char *key_hex, const char *out, struct run_stamp *s);
/* Stamp 'out' (hashed here) with s's counts; best effort, 0 or -errno. */
int run_stamp__put(const char *dir, const char *key_hex, const char *out, struct run_stamp *s);

#endif
