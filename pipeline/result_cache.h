/* SPDX-License-Identifier: BSD-2-Clause */
/* pipeline: the result cache that makes re-runs redo only the kernels whose inputs changed. */
#ifndef BTFGEN_RESULT_CACHE_H
#define BTFGEN_RESULT_CACHE_H

#include <stddef.h>
#include <linux/types.h>

#include "bundle.h"

/*
 * One entry per (input archive, objects of its arch, generator version, verify
 * flag), under a key that hashes all of them: <dir>/<key>.btf holds the tailored
 * BTF and <key>.json its index data, written in that order, each through a temp
 * file and a rename, so a present .json means a complete entry. Only successful
 * kernels are cached. Entries are read back checked (size and SHA-256), and a
 * damaged entry is a miss, never a wrong BTF.
 */
struct result_cache_entry {
	void *btf; /* malloc'ed tailored BTF */
	__u32 btf_size;
	unsigned long long full_size;
	struct bundle_unsatisfied *unsat; /* strings owned by the entry */
	size_t unsat_cnt;
	void *priv;
};

/* 'dir' is created if missing. 0 or -errno with a reason in err. */
int result_cache__prepare(const char *dir, char *err, size_t err_sz);

/* key_hex (65 bytes) = SHA-256 of the arch's objects key and the input's SHA-256. */
void result_cache__key(const char *objects_key_hex, const char *input_sha_hex, char *key_hex);

/* 0 on a hit (e filled, free with result_cache_entry__free), -ENOENT on a miss. */
int result_cache__get(const char *dir, const char *key_hex, struct result_cache_entry *e);

/* Store a result; best effort (a full disk only costs a re-run), 0 or -errno. */
int result_cache__put(const char *dir, const char *key_hex, const void *btf, __u32 btf_size,
		      unsigned long long full_size, const struct bundle_unsatisfied *unsat,
		      size_t unsat_cnt);

void result_cache_entry__free(struct result_cache_entry *e);

#endif
