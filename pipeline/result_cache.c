// SPDX-License-Identifier: BSD-2-Clause
#define _GNU_SOURCE /* asprintf */
/* pipeline: the on-disk result cache (see result_cache.h). */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <jansson.h>

#include "btfgen_util.h"
#include "bundle_writer.h"
#include "kernel_archive.h"
#include "result_cache.h"
#include "sha256.h"

int result_cache__prepare(const char *dir, char *err, size_t err_sz)
{
	return btfgen_mkdir_p(dir, 0, err, err_sz);
}

void result_cache__key(const char *objects_key_hex, const char *input_sha_hex, char *key_hex)
{
	unsigned char d[SHA256_DIGEST_SIZE];
	struct sha256_ctx c;

	btfgen_sha256_init(&c);
	btfgen_sha256_update(&c, objects_key_hex, strlen(objects_key_hex));
	btfgen_sha256_update(&c, "/", 1);
	btfgen_sha256_update(&c, input_sha_hex, strlen(input_sha_hex));
	btfgen_sha256_final(&c, d);
	btfgen_sha256_hex(d, key_hex);
}

static char *entry_path(const char *dir, const char *key, const char *ext)
{
	char *p = NULL;

	if (asprintf(&p, "%s/%s.%s", dir, key, ext) < 0)
		return NULL;
	return p;
}

void result_cache_entry__free(struct result_cache_entry *e)
{
	free(e->btf);
	free(e->unsat);
	json_decref(e->priv);
	memset(e, 0, sizeof(*e));
}

static const char *str_of(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "";
}

int result_cache__get(const char *dir, const char *key, struct result_cache_entry *e)
{
	char *jpath = entry_path(dir, key, "json"), *bpath = entry_path(dir, key, "btf");
	unsigned char d[SHA256_DIGEST_SIZE];
	char hex[SHA256_HEX_SIZE];
	json_t *meta = NULL, *arr;
	size_t len = 0;
	int ret = -ENOENT;

	memset(e, 0, sizeof(*e));
	if (!jpath || !bpath)
		goto out;
	meta = json_load_file(jpath, 0, NULL);
	if (!meta)
		goto out;
	if (kernel_archive__load(bpath, NULL, &e->btf, &len, NULL, NULL, 0) ||
	    (json_int_t)len != json_integer_value(json_object_get(meta, "btf_size")))
		goto out;
	btfgen_sha256(e->btf, len, d);
	btfgen_sha256_hex(d, hex);
	if (strcmp(hex, str_of(meta, "btf_sha256")))
		goto out;
	e->btf_size = len;
	e->full_size = json_integer_value(json_object_get(meta, "full_btf_size"));
	arr = json_object_get(meta, "unsatisfied");
	e->unsat_cnt = json_array_size(arr);
	e->unsat = calloc(e->unsat_cnt + 1, sizeof(*e->unsat));
	if (!e->unsat)
		goto out;
	for (size_t i = 0; i < e->unsat_cnt; i++) {
		json_t *u = json_array_get(arr, i);

		e->unsat[i] = (struct bundle_unsatisfied){
			.object = str_of(u, "object"),
			.program = str_of(u, "program"),
			.relocation = json_integer_value(json_object_get(u, "relocation")),
			.kind = str_of(u, "kind"),
			.type = str_of(u, "type"),
			.access = str_of(u, "access"),
			.reason = str_of(u, "reason"),
			.verdict = str_of(u, "verdict"),
			.function = str_of(u, "function"),
			.insn = json_integer_value(json_object_get(u, "insn")),
		};
	}
	e->priv = meta;
	meta = NULL;
	ret = 0;
out:
	if (ret)
		result_cache_entry__free(e);
	json_decref(meta);
	free(jpath);
	free(bpath);
	return ret;
}

int result_cache__put(const char *dir, const char *key, const void *btf, __u32 btf_size,
		      unsigned long long full_size, const struct bundle_unsatisfied *unsat,
		      size_t unsat_cnt)
{
	char *jpath = entry_path(dir, key, "json"), *bpath = entry_path(dir, key, "btf");
	unsigned char d[SHA256_DIGEST_SIZE];
	char hex[SHA256_HEX_SIZE], err[128];
	json_t *meta = NULL, *arr = json_array();
	char *text = NULL;
	int ret = -ENOMEM;

	if (!jpath || !bpath || !arr)
		goto out;
	for (size_t i = 0; i < unsat_cnt; i++)
		json_array_append_new(
			arr, json_pack("{s:s, s:s, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:I}",
				       "object", unsat[i].object, "program", unsat[i].program,
				       "relocation", (json_int_t)unsat[i].relocation, "kind",
				       unsat[i].kind, "type", unsat[i].type, "access",
				       unsat[i].access, "reason", unsat[i].reason, "verdict",
				       unsat[i].verdict ? unsat[i].verdict : "", "function",
				       unsat[i].function ? unsat[i].function : "", "insn",
				       (json_int_t)unsat[i].insn));
	btfgen_sha256(btf, btf_size, d);
	btfgen_sha256_hex(d, hex);
	meta = json_pack("{s:I, s:s, s:I, s:O}", "btf_size", (json_int_t)btf_size, "btf_sha256",
			 hex, "full_btf_size", (json_int_t)full_size, "unsatisfied", arr);
	text = meta ? json_dumps(meta, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	if (!text)
		goto out;
	ret = btfgen_bundle_file__write_atomic(bpath, btf, btf_size, err, sizeof(err));
	if (!ret)
		ret = btfgen_bundle_file__write_atomic(jpath, text, strlen(text), err, sizeof(err));
out:
	free(text);
	json_decref(meta);
	json_decref(arr);
	free(jpath);
	free(bpath);
	return ret;
}
