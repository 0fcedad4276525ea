// SPDX-License-Identifier: BSD-2-Clause
/* pipeline: join shard bundles into the bundle one unsharded run would have written. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "bundle.h"

struct merged_entry {
	struct bundle *b;
	const struct bundle_entry *e;
};

/* Manifest order: distro, version, arch, release, each by strcmp (see manifest.h). */
static int entry_cmp(const void *pa, const void *pb)
{
	const struct bundle_entry *a = ((const struct merged_entry *)pa)->e;
	const struct bundle_entry *b = ((const struct merged_entry *)pb)->e;
	int c;

	if ((c = strcmp(a->distro, b->distro)) || (c = strcmp(a->version, b->version)) ||
	    (c = strcmp(a->arch, b->arch)))
		return c;
	return strcmp(a->release, b->release);
}

/* The bundle at path, or NULL with what + the library's message (which names the path) in err. */
const struct btfgen_bundle_opts *batch__bundle_opts(void)
{
	static const struct btfgen_bundle_opts opts = {
		.sz = sizeof(opts),
		.max_size = 512ULL << 20,
		.max_json_values = 1ULL << 25,
	};

	return &opts;
}

static struct bundle *open_input(const char *what, const char *path, char *err, size_t err_sz)
{
	char berr[256];
	struct bundle *b =
		btfgen_bundle__open_file_opts(path, batch__bundle_opts(), berr, sizeof(berr));
	int saved;

	if (!b) {
		saved = errno;
		snprintf(err, err_sz, "%s%s", what, berr);
		errno = saved;
	}
	return b;
}

/* Shards of one run agree on the generator and on every object. */
static int same_run(const struct bundle *a, const struct bundle *b)
{
	static const char *const fields[] = { BUNDLE_GENERATOR_KEYS };

	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (strcmp(btfgen_bundle__generator(a, fields[i]),
			   btfgen_bundle__generator(b, fields[i])))
			return 0;
	if (btfgen_bundle__object_cnt(a) != btfgen_bundle__object_cnt(b))
		return 0;
	for (size_t i = 0; i < btfgen_bundle__object_cnt(a); i++) {
		const struct bundle_object *x = btfgen_bundle__object(a, i),
					   *y = btfgen_bundle__object(b, i);

		if (strcmp(x->name, y->name) || strcmp(x->arch, y->arch) ||
		    strcmp(x->sha256_hex, y->sha256_hex) || x->relocations != y->relocations)
			return 0;
	}
	return 1;
}

int batch__merge(char *const *shards, size_t shard_cnt, const char *out,
		 enum bundle_compression comp, size_t *kernels, char *err, size_t err_sz)
{
	struct bundle **b = calloc(shard_cnt, sizeof(*b));
	struct merged_entry *all = NULL;
	struct bundle_writer *w = NULL;
	struct bundle_generator gen;
	size_t n = 0, total = 0;
	int ret = -ENOMEM;

	if (!b)
		return -ENOMEM;
	for (size_t i = 0; i < shard_cnt; i++) {
		b[i] = open_input("shard ", shards[i], err, err_sz);
		if (!b[i]) {
			ret = -errno;
			goto out;
		}
		if (!same_run(b[0], b[i])) {
			ret = -EINVAL;
			snprintf(err, err_sz, "shard '%s': other objects or generator than '%s'",
				 shards[i], shards[0]);
			goto out;
		}
		total += btfgen_bundle__entry_cnt(b[i]);
	}
	all = calloc(total + 1, sizeof(*all));
	if (!all)
		goto out;
	for (size_t i = 0; i < shard_cnt; i++)
		for (size_t j = 0; j < btfgen_bundle__entry_cnt(b[i]); j++)
			all[n++] = (struct merged_entry){ b[i], btfgen_bundle__entry(b[i], j) };
	qsort(all, n, sizeof(*all), entry_cmp);
	for (size_t i = 1; i < n; i++) {
		if (!entry_cmp(&all[i - 1], &all[i])) {
			ret = -EINVAL;
			snprintf(err, err_sz, "kernel %s/%s/%s/%s is in two shards",
				 all[i].e->distro, all[i].e->version, all[i].e->arch,
				 all[i].e->release);
			goto out;
		}
	}
	gen = btfgen_bundle_generator__of(b[0]);
	w = btfgen_bundle_writer__new(out, BUNDLE_LAYOUT_BUNDLE, comp, &gen, err, err_sz);
	if (!w) {
		ret = -errno;
		goto out;
	}
	for (size_t i = 0; shard_cnt && i < btfgen_bundle__object_cnt(b[0]); i++) {
		ret = btfgen_bundle_writer__add_object(w, btfgen_bundle__object(b[0], i));
		if (ret)
			goto out;
	}
	for (size_t i = 0; i < n; i++) {
		ret = btfgen_bundle_writer__add_entry(w, all[i].b, all[i].e, true, err, err_sz);
		if (ret)
			goto out;
	}
	ret = btfgen_bundle_writer__commit(w, err, err_sz);
	if (!ret && kernels)
		*kernels = n;
out:
	btfgen_bundle_writer__free(w);
	for (size_t i = 0; i < shard_cnt; i++)
		btfgen_bundle__free(b[i]);
	free(b);
	free(all);
	return ret;
}

int batch__strip(const char *in, const char *out, size_t *kernels, char *err, size_t err_sz)
{
	struct bundle_writer *w = NULL;
	struct bundle *b;
	int ret = 0;

	b = open_input("", in, err, err_sz);
	if (!b)
		return -errno;
	/* runtime form: the writer drops what lookup does not need (bundle_writer.h) */
	w = btfgen_bundle_writer__new(out, BUNDLE_LAYOUT_RUNTIME, BUNDLE_COMPRESS_XZ, NULL, err,
				      err_sz);
	if (!w) {
		ret = -errno;
		goto out;
	}
	for (size_t i = 0; !ret && i < btfgen_bundle__entry_cnt(b); i++) {
		ret = btfgen_bundle_writer__add_entry(w, b, btfgen_bundle__entry(b, i), false, err,
						      err_sz);
	}
	ret = ret ? ret : btfgen_bundle_writer__commit(w, err, err_sz);
	if (!ret && kernels)
		*kernels = btfgen_bundle__entry_cnt(b);
out:
	btfgen_bundle_writer__free(w);
	btfgen_bundle__free(b);
	return ret;
}
