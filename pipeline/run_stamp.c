// SPDX-License-Identifier: BSD-2-Clause
/* pipeline: the run stamp (see run_stamp.h). */
#define _GNU_SOURCE /* asprintf */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <jansson.h>

#include "btfgen_util.h"
#include "bundle_writer.h"
#include "run_stamp.h"
#include "sha256.h"

/* A bundle is far smaller; the cap only bounds a hostile file at the output path. */
#define RUN_STAMP_MAX_OUTPUT (1ULL << 32)

static int file_sha256(const char *path, char hex[SHA256_HEX_SIZE], unsigned long long *size)
{
	unsigned char digest[SHA256_DIGEST_SIZE];
	char err[128];
	void *buf;
	size_t len;
	int ret;

	ret = btfgen_file_read(path, RUN_STAMP_MAX_OUTPUT, &buf, &len, err, sizeof(err));
	if (ret)
		return ret;
	btfgen_sha256(buf, len, digest);
	btfgen_sha256_hex(digest, hex);
	*size = len;
	free(buf);
	return 0;
}

static char *stamp_path(const char *dir, const char *key_hex)
{
	char *p;

	return asprintf(&p, "%s/run-%s.stamp", dir, key_hex) < 0 ? NULL : p;
}

static bool get_count(json_t *j, const char *key, size_t *v)
{
	json_t *n = json_object_get(j, key);

	if (!json_is_integer(n) || json_integer_value(n) < 0)
		return false;
	*v = (size_t)json_integer_value(n);
	return true;
}

bool run_stamp__check(const char *dir, const char *key_hex, const char *out, struct run_stamp *s)
{
	char *path = stamp_path(dir, key_hex), sha[SHA256_HEX_SIZE];
	unsigned long long size;
	json_t *j = path ? json_load_file(path, JSON_REJECT_DUPLICATES, NULL) : NULL;
	const char *want;
	struct stat st;
	size_t sz;
	bool ok;

	free(path);
	want = json_string_value(json_object_get(j, "output_sha256"));
	ok = want && strlen(want) == SHA256_HEX_SIZE - 1 && get_count(j, "output_size", &sz) &&
	     get_count(j, "kernels", &s->kernels) && get_count(j, "ok", &s->ok) &&
	     get_count(j, "distinct", &s->distinct) &&
	     get_count(j, "unsatisfied", &s->unsatisfied) &&
	     get_count(j, "failing_kernels", &s->failing_kernels);
	/* the size first: a changed output is mostly told without reading it */
	ok = ok && !stat(out, &st) && S_ISREG(st.st_mode) && (unsigned long long)st.st_size == sz;
	ok = ok && !file_sha256(out, sha, &size) && size == sz && !strcmp(sha, want);
	if (ok) {
		memcpy(s->output_sha, sha, sizeof(sha));
		s->output_size = size;
	}
	json_decref(j);
	return ok;
}

int run_stamp__put(const char *dir, const char *key_hex, const char *out, struct run_stamp *s)
{
	char *path, *text = NULL, err[256];
	json_t *j;
	int ret;

	ret = file_sha256(out, s->output_sha, &s->output_size);
	if (ret)
		return ret;
	j = json_pack("{s:s, s:I, s:I, s:I, s:I, s:I, s:I}", "output_sha256", s->output_sha,
		      "output_size", (json_int_t)s->output_size, "kernels", (json_int_t)s->kernels,
		      "ok", (json_int_t)s->ok, "distinct", (json_int_t)s->distinct, "unsatisfied",
		      (json_int_t)s->unsatisfied, "failing_kernels",
		      (json_int_t)s->failing_kernels);
	path = stamp_path(dir, key_hex);
	if (j)
		text = json_dumps(j, JSON_SORT_KEYS);
	ret = path && text ?
		      btfgen_bundle_file__write_atomic(path, text, strlen(text), err, sizeof(err)) :
		      -ENOMEM;
	free(text);
	free(path);
	json_decref(j);
	return ret;
}
