// SPDX-License-Identifier: BSD-2-Clause
/*
 * bundle: the writer. Distinct blobs stay in memory until commit; what grows with every
 * kernel does not: its index.json and matrix.json entries go to two unlinked temp files
 * (the spills) as they arrive, commit streams them through the compressor, and all that
 * stays in memory per kernel is a fixed 48-byte record (its key's digest, for duplicates,
 * and its blob). Peak memory then depends on the distinct blobs, not on the number of
 * kernels (4,000 kernels: index entries were 1.6 MB of text, and their one-shot frame
 * needed the text three times over at commit).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <jansson.h>
#include <libgen.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "btfgen_util.h"
#include "bundle_priv.h"
#include "bundle_verdict.h"
#include "sha256.h"

struct wblob {
	char hex[SHA256_HEX_SIZE];
	char *name; /* member name: blobs/<distro>/<version>/<arch>/<release>.btf of its first kernel */
	void *data;
	size_t size;
};

struct wkernel {
	unsigned char key[SHA256_DIGEST_SIZE]; /* of distro, version, arch, release: duplicates */
	size_t blob; /* index into blobs, (size_t)-1 unless ok */
	char *names; /* tree layouts only: "distro\0version\0arch\0release\0" (file paths) */
};

struct bundle_writer {
	char *out_path;
	enum bundle_layout layout;
	enum bundle_compression comp;
	char *gen[BUNDLE_GENERATOR_CNT]; /* in gen_keys order */
	struct bundle_object *objs;
	size_t obj_cnt, obj_cap;
	struct wkernel *kerns;
	size_t kern_cnt, kern_cap;
	uint32_t *slots; /* hash set of kerns by key: index + 1, 0 free; slot_cnt a power of 2 */
	size_t slot_cnt;
	struct wblob *blobs;
	size_t blob_cnt, blob_cap;
	int ifd; /* the index spill: index.json's kernel entries, comma-separated; -1 until used */
	size_t ilen; /* bytes in the index spill */
	int mfd; /* the matrix spill: matrix.json entries, comma-separated; -1 until used */
	size_t mlen; /* bytes in the matrix spill */
	size_t n_ok, n_failed, n_skipped, n_unsat, n_failing;
	int committed;
};

static const char *const gen_keys[BUNDLE_GENERATOR_CNT] = { BUNDLE_GENERATOR_KEYS };

struct bundle_generator btfgen_bundle_generator__of(const struct bundle *b)
{
	const char *v[BUNDLE_GENERATOR_CNT];

	for (size_t i = 0; i < BUNDLE_GENERATOR_CNT; i++)
		v[i] = btfgen_bundle__generator(b, gen_keys[i]);
	return (struct bundle_generator){
		.version = v[0], .libbpf = v[1], .libarchive = v[2], .zstd = v[3], .jansson = v[4]
	};
}

static int dup_str(char **dst, const char *src)
{
	*dst = NULL;
	if (!src)
		return 0;
	*dst = strdup(src);
	return *dst ? 0 : -ENOMEM;
}

static int grow(void **arr, size_t *cap, size_t cnt, size_t elem)
{
	size_t ncap;
	void *p;

	if (cnt < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 16;
	p = realloc(*arr, ncap * elem);
	if (!p)
		return -ENOMEM;
	*arr = p;
	*cap = ncap;
	return 0;
}

struct bundle_writer *btfgen_bundle_writer__new(const char *out_path, enum bundle_layout layout,
						enum bundle_compression comp,
						const struct bundle_generator *gen, char *err,
						size_t err_sz)
{
	const char *g[5] = {};
	struct bundle_writer *w;
	int i;

	if (!out_path || !*out_path || layout > BUNDLE_LAYOUT_RUNTIME ||
	    comp > BUNDLE_COMPRESS_NONE) {
		btfgen_bundle_err(err, err_sz, "bundle writer: invalid arguments");
		errno = EINVAL;
		return NULL;
	}
	w = calloc(1, sizeof(*w));
	if (!w)
		goto nomem;
	w->ifd = -1;
	w->mfd = -1;
	w->layout = layout;
	w->comp = comp;
	if (gen) {
		g[0] = gen->version;
		g[1] = gen->libbpf;
		g[2] = gen->libarchive;
		g[3] = gen->zstd;
		g[4] = gen->jansson;
	}
	if (dup_str(&w->out_path, out_path))
		goto nomem;
	/* "tree/" names the directory "tree": the temp dir and rename need the plain name */
	for (i = (int)strlen(w->out_path) - 1; i > 0 && w->out_path[i] == '/'; i--)
		w->out_path[i] = '\0';
	for (i = 0; i < 5; i++)
		if (dup_str(&w->gen[i], g[i] ? g[i] : ""))
			goto nomem;
	return w;
nomem:
	btfgen_bundle_writer__free(w);
	btfgen_bundle_err(err, err_sz, "bundle writer: out of memory");
	errno = ENOMEM;
	return NULL;
}

static void free_programs(struct bundle_object *o)
{
	for (size_t i = 0; o->programs && i < o->program_cnt; i++)
		free((char *)o->programs[i]);
	free((void *)o->programs);
	o->programs = NULL;
}

int btfgen_bundle_writer__add_object(struct bundle_writer *w, const struct bundle_object *o)
{
	struct bundle_object *d;

	if (!w || !o || !o->name)
		return -EINVAL;
	if (grow((void **)&w->objs, &w->obj_cap, w->obj_cnt, sizeof(*w->objs)))
		return -ENOMEM;
	d = &w->objs[w->obj_cnt];
	memset(d, 0, sizeof(*d));
	if (dup_str((char **)&d->name, o->name) ||
	    dup_str((char **)&d->arch, o->arch ? o->arch : "") ||
	    dup_str((char **)&d->sha256_hex, o->sha256_hex ? o->sha256_hex : "")) {
		free((char *)d->name);
		free((char *)d->arch);
		free((char *)d->sha256_hex);
		return -ENOMEM;
	}
	d->relocations = o->relocations;
	if (o->program_cnt) {
		char **p = calloc(o->program_cnt, sizeof(*p));

		d->programs = (const char *const *)p;
		for (size_t i = 0; p && i < o->program_cnt; i++)
			if (dup_str(&p[i], o->programs[i]))
				p = NULL;
		if (!p) {
			free_programs(d);
			free((char *)d->name);
			free((char *)d->arch);
			free((char *)d->sha256_hex);
			return -ENOMEM;
		}
		d->program_cnt = o->program_cnt;
	}
	w->obj_cnt++;
	return 0;
}

/* A key becomes a path component in the tree layouts: never empty, ".", ".." or with '/'. */
static int valid_component(const char *s)
{
	return s && *s && !strchr(s, '/') && strcmp(s, ".") && strcmp(s, "..") && strlen(s) < 200;
}

/*
 * A blob is named after the first kernel (in manifest order) that has it: BTFHub-like paths
 * compress like the baseline's tree (random 64-hex names cost ~1.6 KB on 39 blobs), and the
 * reader checks the blob against the entry's btf_sha256, not its name.
 */
static int find_or_add_blob(struct bundle_writer *w, const struct bundle_kernel *k, const void *btf,
			    size_t size, size_t *idx)
{
	unsigned char d[SHA256_DIGEST_SIZE];
	char hex[SHA256_HEX_SIZE];
	struct wblob *b;
	size_t i;

	btfgen_sha256(btf, size, d);
	btfgen_sha256_hex(d, hex);
	/* linear: a bundle holds at most a few thousand distinct blobs, added once each */
	for (i = 0; i < w->blob_cnt; i++) {
		if (!memcmp(w->blobs[i].hex, hex, 64)) {
			*idx = i;
			return 0;
		}
	}
	if (grow((void **)&w->blobs, &w->blob_cap, w->blob_cnt, sizeof(*w->blobs)))
		return -ENOMEM;
	b = &w->blobs[w->blob_cnt];
	if (asprintf(&b->name, "blobs/%s/%s/%s/%s.btf", k->distro, k->version, k->arch,
		     k->release) < 0)
		return -ENOMEM;
	b->data = malloc(size);
	if (!b->data) {
		free(b->name);
		return -ENOMEM;
	}
	memcpy(b->data, btf, size);
	b->size = size;
	memcpy(b->hex, hex, sizeof(hex));
	*idx = w->blob_cnt++;
	return 0;
}

static json_t *index_entry(const struct bundle_kernel *k, const struct wblob *b, int runtime);
static json_t *matrix_entry(const struct bundle_kernel *k);

/* A spill: an anonymous file (btfgen_tmpfile), gone with the process whatever happens. */
static int spill_open(int *fdp)
{
	int fd = btfgen_tmpfile();

	if (fd < 0)
		return fd;
	*fdp = fd;
	return 0;
}

/* Serialize o compactly (consuming it) and append it to buf or fd, after a comma unless first. */
static int append_json(json_t *o, int first, struct bbuf *buf, int fd, size_t *fd_len)
{
	char *t = o ? json_dumps(o, JSON_COMPACT) : NULL;
	size_t n = t ? strlen(t) : 0;
	int err = t ? 0 : -ENOMEM;

	json_decref(o);
	if (!err && buf) {
		err = first ? 0 : btfgen_bbuf__append(buf, ",", 1);
		err = err ? err : btfgen_bbuf__append(buf, t, n);
	} else if (!err) {
		err = first ? 0 : btfgen_bundle_write_all(fd, ",", 1);
		err = err ? err : btfgen_bundle_write_all(fd, t, n);
		if (!err)
			*fd_len += n + !first;
	}
	free(t);
	return err;
}

static int check_kernel(const struct bundle_writer *w, const struct bundle_kernel *k)
{
	int ok;

	if (!w || !k || !valid_component(k->distro) || !valid_component(k->version) ||
	    !valid_component(k->arch) || !valid_component(k->release) || !k->status)
		return -EINVAL;
	ok = !strcmp(k->status, "ok");
	if (ok && (!k->btf || !k->btf_size))
		return -EINVAL;
	if (!ok && ((strcmp(k->status, "failed") && strcmp(k->status, "skipped")) || !k->reason))
		return -EINVAL;
	if (k->unsatisfied_cnt && !k->unsatisfied)
		return -EINVAL;
	if (ok && w->layout != BUNDLE_LAYOUT_TREE_DIR) {
		/* the member name must fit a ustar header (name 100 + prefix 155) */
		char name[1024];

		snprintf(name, sizeof(name), "blobs/%s/%s/%s/%s.btf", k->distro, k->version,
			 k->arch, k->release);
		if (!btfgen_tar__name_ok(name))
			return -ENAMETOOLONG;
	}
	return 0;
}

/* The digest a kernel is known by: its four keys, each with its NUL (no two sets alike). */
static void kernel_key(const struct bundle_kernel *k, unsigned char key[SHA256_DIGEST_SIZE])
{
	const char *part[4] = { k->distro, k->version, k->arch, k->release };
	struct sha256_ctx c;

	btfgen_sha256_init(&c);
	for (int i = 0; i < 4; i++)
		btfgen_sha256_update(&c, part[i], strlen(part[i]) + 1);
	btfgen_sha256_final(&c, key);
}

/* The slot of key in the hash set: the kernel's (index + 1) or 0 where it would go. */
static uint32_t *key_slot(const struct bundle_writer *w, const unsigned char *key)
{
	size_t mask = w->slot_cnt - 1, h;

	memcpy(&h, key, sizeof(h));
	for (h &= mask;; h = (h + 1) & mask) {
		uint32_t *s = &w->slots[h];

		if (!*s || !memcmp(w->kerns[*s - 1].key, key, SHA256_DIGEST_SIZE))
			return s;
	}
}

/* Room in the hash set for want kernels: at most half full, so probes stay short. */
static int key_reserve(struct bundle_writer *w, size_t want)
{
	size_t n = w->slot_cnt ? w->slot_cnt : 64;
	uint32_t *old = w->slots;
	size_t old_cnt = w->slot_cnt;

	if (want >= UINT32_MAX)
		return -E2BIG;
	while (2 * want > n)
		n *= 2;
	if (n == w->slot_cnt)
		return 0;
	w->slots = calloc(n, sizeof(*w->slots));
	if (!w->slots) {
		w->slots = old;
		return -ENOMEM;
	}
	w->slot_cnt = n;
	for (size_t i = 0; i < old_cnt; i++)
		if (old[i])
			*key_slot(w, w->kerns[old[i] - 1].key) = old[i];
	free(old);
	return 0;
}

/* The tree layouts write a file per kernel at commit: they keep its four keys. */
static int keep_names(struct wkernel *d, const struct bundle_kernel *k)
{
	if (asprintf(&d->names, "%s%c%s%c%s%c%s", k->distro, 0, k->version, 0, k->arch, 0,
		     k->release) < 0) {
		d->names = NULL;
		return -ENOMEM;
	}
	return 0;
}

/* The four keys kept by keep_names(), in order. */
static void kept_names(const struct wkernel *d, const char *part[4])
{
	part[0] = d->names;
	for (int i = 1; i < 4; i++)
		part[i] = part[i - 1] + strlen(part[i - 1]) + 1;
}

int btfgen_bundle_writer__reserve(struct bundle_writer *w, size_t kernels)
{
	void *p;

	if (!w)
		return -EINVAL;
	if (kernels > w->kern_cap) {
		if (kernels > SIZE_MAX / sizeof(*w->kerns))
			return -E2BIG;
		p = realloc(w->kerns, kernels * sizeof(*w->kerns));
		if (!p)
			return -ENOMEM;
		w->kerns = p;
		w->kern_cap = kernels;
	}
	return key_reserve(w, kernels);
}

/* The spills this layout writes, opened with the first kernel. */
static int spills_open(struct bundle_writer *w)
{
	int err = w->ifd < 0 ? spill_open(&w->ifd) : 0;

	if (!err && w->mfd < 0 && w->layout != BUNDLE_LAYOUT_RUNTIME)
		err = spill_open(&w->mfd);
	return err;
}

int btfgen_bundle_writer__add_kernel(struct bundle_writer *w, const struct bundle_kernel *k)
{
	unsigned char key[SHA256_DIGEST_SIZE];
	struct wkernel *d;
	uint32_t *slot;
	int ok, err;

	err = check_kernel(w, k);
	if (err)
		return err;
	ok = !strcmp(k->status, "ok");
	err = spills_open(w);
	if (!err && (err = key_reserve(w, w->kern_cnt + 1)) == 0 &&
	    grow((void **)&w->kerns, &w->kern_cap, w->kern_cnt, sizeof(*w->kerns)))
		err = -ENOMEM;
	if (err)
		return err;
	/* one entry per key: the tree layouts would otherwise overwrite a file */
	kernel_key(k, key);
	slot = key_slot(w, key);
	if (*slot)
		return -EEXIST;
	/* only the key's digest and the blob stay per kernel; the rest is in the spills */
	d = &w->kerns[w->kern_cnt];
	memset(d, 0, sizeof(*d));
	memcpy(d->key, key, sizeof(key));
	d->blob = (size_t)-1;
	if ((w->layout == BUNDLE_LAYOUT_TREE_DIR || w->layout == BUNDLE_LAYOUT_TREE_TAR) &&
	    (err = keep_names(d, k)))
		goto fail;
	if (ok && (err = find_or_add_blob(w, k, k->btf, k->btf_size, &d->blob)))
		goto fail;
	err = append_json(index_entry(k, ok ? &w->blobs[d->blob] : NULL,
				      w->layout == BUNDLE_LAYOUT_RUNTIME),
			  !w->kern_cnt, NULL, w->ifd, &w->ilen);
	if (!err && w->layout != BUNDLE_LAYOUT_RUNTIME)
		err = append_json(matrix_entry(k), !w->kern_cnt, NULL, w->mfd, &w->mlen);
	if (err)
		goto fail;
	if (ok)
		w->n_ok++;
	else if (!strcmp(k->status, "failed"))
		w->n_failed++;
	else
		w->n_skipped++;
	w->n_unsat += k->unsatisfied_cnt;
	w->n_failing += btfgen_bundle_unsatisfied__any_failing(k->unsatisfied, k->unsatisfied_cnt);
	*slot = (uint32_t)++w->kern_cnt;
	return 0;
fail:
	free(d->names);
	return err;
}

static int set_str(json_t *o, const char *key, const char *v)
{
	return json_object_set_new(o, key, json_string(v ? v : ""));
}

static int set_int(json_t *o, const char *key, unsigned long long v)
{
	return json_object_set_new(o, key, json_integer((json_int_t)v));
}

static int set_keys(json_t *o, const struct bundle_kernel *k)
{
	return set_str(o, "distro", k->distro) | set_str(o, "version", k->version) |
	       set_str(o, "arch", k->arch) | set_str(o, "release", k->release);
}

/* A kernel's index.json entry, keys in a fixed order (jansson keeps insertion order). */
static json_t *index_entry(const struct bundle_kernel *k, const struct wblob *b, int runtime)
{
	json_t *o = json_object();
	int err = !o;

	err |= set_keys(o, k);
	err |= set_str(o, "status", k->status);
	if (b) {
		err |= set_str(o, "blob", b->name);
		/* the runtime form checks its blobs as one set (blobs_sha256, build_index_head) */
		if (!runtime)
			err |= set_str(o, "btf_sha256", b->hex);
		err |= set_int(o, "btf_size", k->btf_size);
	} else {
		err |= set_str(o, "reason", k->reason);
	}
	if (runtime)
		goto out;
	err |= set_int(o, "input_size", k->input_size);
	err |= set_str(o, "input_sha256", k->input_sha256_hex);
	err |= set_int(o, "full_btf_size", k->full_btf_size);
	err |= set_int(o, "unsatisfied", k->unsatisfied_cnt);
out:
	if (err) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/*
 * Blobs are stored sorted by their bytes: similar BTFs (same kernel series, same flavour) end
 * up next to each other, which zstd rewards (51 x86_64 kernels: 7375 bytes at level 22 vs
 * 7466 in order of first appearance). Distinct blobs never compare equal; the order depends
 * only on the set of blobs, so merged shards give the same bytes.
 */
static int blob_content_cmp(const void *pa, const void *pb)
{
	const struct wblob *a = *(const struct wblob *const *)pa;
	const struct wblob *b = *(const struct wblob *const *)pb;
	int c = memcmp(a->data, b->data, a->size < b->size ? a->size : b->size);

	if (c)
		return c;
	return a->size < b->size ? -1 : a->size > b->size;
}

/* The blobs in stored order (blob_content_cmp); the caller frees the array. */
static const struct wblob **blob_order(const struct bundle_writer *w)
{
	const struct wblob **order = malloc((w->blob_cnt + 1) * sizeof(*order));

	if (!order)
		return NULL;
	for (size_t i = 0; i < w->blob_cnt; i++)
		order[i] = &w->blobs[i];
	qsort(order, w->blob_cnt, sizeof(*order), blob_content_cmp);
	return order;
}

/*
 * The runtime form's integrity: one SHA-256 over every blob's bytes in stored order, instead
 * of one per blob. 32 incompressible bytes per distinct blob were most of what the runtime
 * form added to the BTF itself (42 blobs: 1.7 KB of 8.5 KB); the reader decodes the whole
 * (small) runtime bundle anyway and checks the set before serving any blob.
 */
static int blobs_sha256(const struct bundle_writer *w, char hex[SHA256_HEX_SIZE])
{
	const struct wblob **order = blob_order(w);
	unsigned char d[SHA256_DIGEST_SIZE];
	struct sha256_ctx ctx;

	if (!order)
		return -ENOMEM;
	btfgen_sha256_init(&ctx);
	for (size_t i = 0; i < w->blob_cnt; i++)
		btfgen_sha256_update(&ctx, order[i]->data, order[i]->size);
	btfgen_sha256_final(&ctx, d);
	btfgen_sha256_hex(d, hex);
	free(order);
	return 0;
}

/*
 * index.json: what lookup needs and nothing more: each kernel's "unsatisfied" is a count,
 * the lists are in matrix.json. The document without its "kernels" (the last key), whose
 * entries were serialized as the kernels came.
 */
static json_t *build_index_head(struct bundle_writer *w)
{
	json_t *root = json_object(), *gen = json_object(), *sum = json_object();
	json_t *objs = json_array();
	size_t i;
	int err = !root || !gen || !sum || !objs;

	err |= set_str(gen, "name", "btfgen-batch");
	for (i = 0; i < 5; i++)
		err |= set_str(gen, gen_keys[i], w->gen[i]);
	for (i = 0; i < w->obj_cnt; i++) {
		json_t *o = json_object();

		err |= json_array_append_new(objs, o);
		err |= set_str(o, "name", w->objs[i].name);
		err |= set_str(o, "arch", w->objs[i].arch);
		err |= set_str(o, "sha256", w->objs[i].sha256_hex);
		err |= set_int(o, "relocations", w->objs[i].relocations);
		if (w->objs[i].programs) {
			json_t *pa = json_array();

			err |= json_object_set_new(o, "programs", pa);
			for (size_t j = 0; pa && j < w->objs[i].program_cnt; j++)
				err |= json_array_append_new(pa,
							     json_string(w->objs[i].programs[j]));
		}
	}
	err |= set_int(sum, "kernels", w->kern_cnt);
	err |= set_int(sum, "ok", w->n_ok);
	err |= set_int(sum, "failed", w->n_failed);
	err |= set_int(sum, "skipped", w->n_skipped);
	err |= set_int(sum, "blobs", w->blob_cnt);
	err |= set_int(sum, "objects", w->obj_cnt);
	err |= set_int(sum, "unsatisfied", w->n_unsat);
	err |= set_int(sum, "failing_kernels", w->n_failing);

	err |= set_str(root, "format", BUNDLE_FORMAT);
	err |= set_int(root, "format_version", BUNDLE_FORMAT_VERSION);
	if (w->layout == BUNDLE_LAYOUT_RUNTIME) {
		char hex[SHA256_HEX_SIZE];

		/* provenance stays in the full form; the reader wants "objects" to be an array */
		json_decref(gen);
		json_decref(sum);
		json_array_clear(objs);
		err |= set_str(root, "form", "runtime");
		err |= blobs_sha256(w, hex) || set_str(root, "blobs_sha256", hex);
	} else {
		err |= json_object_set_new(root, "generator", gen);
		err |= json_object_set_new(root, "summary", sum);
	}
	err |= json_object_set_new(root, "objects", objs);
	if (err) {
		json_decref(root);
		return NULL;
	}
	return root;
}

/*
 * matrix.json: every kernel's unsatisfied relocations, kernels in index order with their keys
 * (so the file reads on its own, e.g. with jq). Stored last: lookup never decompresses it.
 * Listing each kernel's records in full measured no worse than deduplicating identical lists
 * once compressed (zstd finds the repeats), and is simpler to read.
 */
static json_t *matrix_entry(const struct bundle_kernel *k)
{
	json_t *o = json_object(), *ua = json_array();
	int err = !o || !ua;

	err |= set_keys(o, k);
	err |= json_object_set(o, "unsatisfied", ua);
	for (size_t j = 0; !err && j < k->unsatisfied_cnt; j++) {
		const struct bundle_unsatisfied *u = &k->unsatisfied[j];
		json_t *uo = json_object();

		err |= json_array_append_new(ua, uo);
		err |= set_str(uo, "object", u->object);
		err |= set_str(uo, "program", u->program);
		err |= set_int(uo, "relocation", u->relocation);
		err |= set_str(uo, "kind", u->kind);
		err |= set_str(uo, "type", u->type);
		err |= set_str(uo, "access", u->access);
		err |= set_str(uo, "reason", u->reason);
		/* NULL or "": no verdict (records from before docs/verdicts.md); the struct allows NULL */
		if (u->verdict && u->verdict[0]) {
			err |= set_int(uo, "insn", u->insn);
			err |= set_str(uo, "verdict", u->verdict);
		}
		if (u->function && u->function[0])
			err |= set_str(uo, "function", u->function);
	}
	json_decref(ua);
	if (err) {
		json_decref(o);
		return NULL;
	}
	return o;
}

#define MATRIX_HEAD "{\"kernels\":["
#define MATRIX_WINDOW_LOG 20 /* see zstd_stream_params */
#define MATRIX_TAIL "]}\n"

/* matrix.json as pieces: its head, the spill, its tail. Same bytes as dumping it whole. */
static size_t matrix_segs(struct bundle_writer *w, struct bundle_seg *s)
{
	s[0] = (struct bundle_seg){ .data = MATRIX_HEAD, .len = strlen(MATRIX_HEAD) };
	s[1] = (struct bundle_seg){ .fd = w->mfd, .len = w->mlen };
	s[2] = (struct bundle_seg){ .data = MATRIX_TAIL, .len = strlen(MATRIX_TAIL) };
	return s[0].len + s[1].len + s[2].len;
}

/* The concatenation of n segments in memory, NUL-terminated (size leaves the NUL out). */
static char *segs_text(const struct bundle_seg *s, size_t n, size_t *size)
{
	struct bbuf out = {};
	char err[128];

	if (btfgen_bundle_compress_segs(BUNDLE_COMPRESS_NONE, s, n, 0, &out, err, sizeof(err)) ||
	    btfgen_bbuf__append(&out, "", 1)) {
		free(out.data);
		errno = ENOMEM;
		return NULL;
	}
	*size = out.len - 1;
	return (char *)out.data;
}

/* The whole matrix.json in memory (tests, the tree directory). */
static char *matrix_text(struct bundle_writer *w, size_t *size)
{
	struct bundle_seg s[3];

	matrix_segs(w, s);
	return segs_text(s, 3, size);
}

#define INDEX_SEGS 4
#define INDEX_KERNELS ",\"kernels\":["
#define INDEX_TAIL "]}\n"

/*
 * index.json as pieces: the head (the document without its "kernels", the last key), the
 * kernels' entries from the spill, the tail; "{...}" -> "{...,"kernels":[...]}". Returns the
 * head's text, which s[0] points into and the caller frees, or NULL (errno ENOMEM).
 */
static char *index_segs(struct bundle_writer *w, struct bundle_seg *s, size_t *size)
{
	json_t *root = build_index_head(w);
	char *head = root ? json_dumps(root, JSON_COMPACT) : NULL;
	size_t n = head ? strlen(head) : 0;

	json_decref(root);
	if (n < 2) {
		free(head);
		errno = ENOMEM;
		return NULL;
	}
	s[0] = (struct bundle_seg){ .data = head, .len = n - 1 };
	s[1] = (struct bundle_seg){ .data = INDEX_KERNELS, .len = strlen(INDEX_KERNELS) };
	s[2] = (struct bundle_seg){ .fd = w->ifd, .len = w->ilen };
	s[3] = (struct bundle_seg){ .data = INDEX_TAIL, .len = strlen(INDEX_TAIL) };
	*size = s[0].len + s[1].len + s[2].len + s[3].len;
	return head;
}

/* The whole index.json in memory. */
static char *index_text(struct bundle_writer *w, size_t *size)
{
	struct bundle_seg s[INDEX_SEGS];
	char *head = index_segs(w, s, size), *t;

	if (!head)
		return NULL;
	t = segs_text(s, INDEX_SEGS, size);
	free(head);
	return t;
}

size_t btfgen_bundle_writer__blob_cnt(const struct bundle_writer *w)
{
	return w->blob_cnt;
}

char *btfgen_bundle_writer__index_json(struct bundle_writer *w, size_t *size)
{
	size_t n;
	char *t = index_text(w, &n);

	if (t && size)
		*size = n;
	return t;
}

char *btfgen_bundle_writer__matrix_json(struct bundle_writer *w, size_t *size)
{
	size_t n;
	char *t = matrix_text(w, &n);

	if (t && size)
		*size = n;
	return t;
}

/*
 * The tar in three parts: index.json; the members that carry BTF; matrix.json and the end
 * blocks. A bundle compresses each part as its own frame (see btfgen_bundle_compress_parts);
 * the tree tar concatenates them into one stream. The first two are built here, in memory; the
 * third is streamed from the spill (matrix_member).
 */
static int build_tar(struct bundle_writer *w, struct bbuf part[2], const char *index,
		     size_t index_len)
{
	char name[1024];
	size_t i;
	int err = 0;

	/* without index: its member is streamed (index_member) */
	if (index)
		err = btfgen_tar__append(&part[0], "index.json", index, index_len);
	if (err)
		return err;
	if (w->layout == BUNDLE_LAYOUT_BUNDLE || w->layout == BUNDLE_LAYOUT_RUNTIME) {
		const struct wblob **order = blob_order(w);

		if (!order)
			return -ENOMEM;
		for (i = 0; i < w->blob_cnt && !err; i++)
			err = btfgen_tar__append(&part[1], order[i]->name, order[i]->data,
						 order[i]->size);
		free(order);
	} else {
		for (i = 0; i < w->kern_cnt && !err; i++) {
			const struct wkernel *k = &w->kerns[i];
			const char *kn[4];

			if (k->blob == (size_t)-1)
				continue;
			kept_names(k, kn);
			snprintf(name, sizeof(name), "%s/%s/%s/%s.btf", kn[0], kn[1], kn[2], kn[3]);
			err = btfgen_tar__append(&part[1], name, w->blobs[k->blob].data,
						 w->blobs[k->blob].size);
		}
	}
	return err;
}

/*
 * The third part as segments (seg[5]): matrix.json's header, its text (head, spill, tail),
 * its padding and the end blocks; before is the length of the parts that precede it.
 * head/tail hold what is not in the spill; the caller frees them.
 */
static int matrix_member(struct bundle_writer *w, size_t before, struct bbuf *head,
			 struct bbuf *tail, struct bundle_seg *seg)
{
	size_t len = matrix_segs(w, seg + 1), pad = (TAR_BLOCK - len % TAR_BLOCK) % TAR_BLOCK;
	static const unsigned char zero[TAR_BLOCK];
	int err;

	err = btfgen_tar__header(head, "matrix.json", len);
	err = err ? err : btfgen_bbuf__append(tail, zero, pad);
	err = err ? err : btfgen_tar__finish(tail, before + head->len + len);
	if (err)
		return err;
	seg[0] = (struct bundle_seg){ .data = head->data, .len = head->len };
	seg[4] = (struct bundle_seg){ .data = tail->data, .len = tail->len };
	return 0;
}

/*
 * The first part as segments (seg[INDEX_SEGS + 2]): index.json's header, its text
 * (index_segs), its padding; *member_len is their sum. The caller frees hdr and *head.
 */
static int index_member(struct bundle_writer *w, struct bbuf *hdr, char **head,
			struct bundle_seg *seg, size_t *member_len)
{
	static const unsigned char zero[TAR_BLOCK];
	size_t len, pad;
	int err;

	*head = index_segs(w, seg + 1, &len);
	if (!*head)
		return -ENOMEM;
	pad = (TAR_BLOCK - len % TAR_BLOCK) % TAR_BLOCK;
	err = btfgen_tar__header(hdr, "index.json", len);
	if (err)
		return err;
	seg[0] = (struct bundle_seg){ .data = hdr->data, .len = hdr->len };
	seg[INDEX_SEGS + 1] = (struct bundle_seg){ .data = zero, .len = pad };
	*member_len = hdr->len + len + pad;
	return 0;
}

/*
 * A bundle's three frames into out, index.json's and matrix.json's streamed from their
 * spills: the same bytes as compressing each part whole (zstd with a pledged size, or none),
 * without holding either text. (xz's one-shot encoder writes sizes in its block headers,
 * its streaming one does not: an xz bundle builds its index part in memory.)
 */
static int commit_streamed(struct bundle_writer *w, struct bbuf *out, char *err, size_t err_sz)
{
	struct bbuf hdr = {}, part[2] = {}, mhead = {}, mtail = {}, blobs = {};
	struct bundle_seg iseg[INDEX_SEGS + 2], mseg[5];
	size_t ilen = 0;
	char *head = NULL;
	int ret;

	/* one part at a time: the index frame's compressor is the biggest (32 MB at 4,000) */
	ret = index_member(w, &hdr, &head, iseg, &ilen);
	if (ret)
		goto tar_err;
	ret = btfgen_bundle_compress_segs(w->comp, iseg, INDEX_SEGS + 2, 0, out, err, err_sz);
	if (ret)
		goto out;
	ret = build_tar(w, part, NULL, 0);
	ret = ret ? ret : matrix_member(w, ilen + part[1].len, &mhead, &mtail, mseg);
	if (ret)
		goto tar_err;
	/* part[0] is empty: compress_parts makes no frame for it, and the blobs' at their level */
	ret = btfgen_bundle_compress_parts(w->comp, part, 2, &blobs.data, &blobs.len, err, err_sz);
	ret = ret ? ret : btfgen_bbuf__append(out, blobs.data, blobs.len);
	ret = ret ? ret :
		    btfgen_bundle_compress_segs(w->comp, mseg, 5, MATRIX_WINDOW_LOG, out, err,
						err_sz);
	goto out;
tar_err:
	btfgen_bundle_err(err, err_sz, "bundle writer: building tar: %s", strerror(-ret));
out:
	free(head);
	btfgen_bbuf__free(&hdr);
	btfgen_bbuf__free(&blobs);
	btfgen_bbuf__free(&mhead);
	btfgen_bbuf__free(&mtail);
	btfgen_bbuf__free(&part[0]);
	btfgen_bbuf__free(&part[1]);
	return ret;
}

static int entry_err(const struct bundle_entry *e, const char *why, int ret, char *err,
		     size_t err_sz)
{
	btfgen_bundle_err(err, err_sz, "kernel '%s/%s/%s/%s': %s", BQ(e->distro), BQ(e->version),
			  BQ(e->arch), BQ(e->release), why);
	return ret;
}

int btfgen_bundle_writer__add_entry(struct bundle_writer *w, struct bundle *b,
				    const struct bundle_entry *e, bool lists, char *err,
				    size_t err_sz)
{
	struct bundle_unsatisfied *u = calloc(e->unsatisfied_cnt + 1, sizeof(*u));
	struct bundle_kernel k = {
		.distro = e->distro,
		.version = e->version,
		.arch = e->arch,
		.release = e->release,
		.status = e->status,
		.reason = e->reason[0] && !*e->blob ? e->reason : NULL,
		.input_sha256_hex = e->input_sha256_hex[0] ? e->input_sha256_hex : NULL,
		.input_size = e->input_size,
		.full_btf_size = e->full_btf_size,
		.unsatisfied = u,
		.unsatisfied_cnt = e->unsatisfied_cnt,
	};
	int ret = 0;

	if (!u)
		return entry_err(e, strerror(ENOMEM), -ENOMEM, err, err_sz);
	for (size_t i = 0; lists && i < e->unsatisfied_cnt && !ret; i++)
		if (btfgen_bundle__unsatisfied(b, e, i, &u[i]))
			ret = entry_err(e, btfgen_bundle__error(b), -EBADMSG, err, err_sz);
	if (!ret && *e->blob) {
		k.btf = btfgen_bundle__btf_data(b, e, &k.btf_size);
		if (!k.btf)
			ret = entry_err(e, btfgen_bundle__error(b), errno ? -errno : -EBADMSG, err,
					err_sz);
	}
	if (!ret) {
		ret = btfgen_bundle_writer__add_kernel(w, &k);
		if (ret)
			entry_err(e, strerror(-ret), ret, err, err_sz);
	}
	free(u);
	return ret;
}

/* The tree layout: every kernel with a BTF as <distro>/<version>/<arch>/<release>.btf. */
static int commit_tree_dir(struct bundle_writer *w, const char *index, size_t index_len,
			   const char *matrix, size_t matrix_len, char *err, size_t err_sz)
{
	struct tree_file *files = calloc(w->kern_cnt ? w->kern_cnt : 1, sizeof(*files));
	size_t n = 0;
	int ret;

	if (!files)
		return -ENOMEM;
	for (size_t i = 0; i < w->kern_cnt; i++) {
		const struct wkernel *k = &w->kerns[i];
		const char *kn[4];

		if (k->blob == (size_t)-1)
			continue;
		kept_names(k, kn);
		files[n++] = (struct tree_file){
			.distro = kn[0],
			.version = kn[1],
			.arch = kn[2],
			.release = kn[3],
			.data = w->blobs[k->blob].data,
			.size = w->blobs[k->blob].size,
		};
	}
	ret = btfgen_bundle_tree__write(w->out_path, index, index_len, matrix, matrix_len, files, n,
					err, err_sz);
	free(files);
	return ret;
}

int btfgen_bundle_writer__commit(struct bundle_writer *w, char *err, size_t err_sz)
{
	struct bbuf part[2] = {}, mhead = {}, mtail = {}, out = {};
	struct bundle_seg seg[7];
	size_t index_len = 0, matrix_len = 0;
	char *index = NULL, *matrix = NULL;
	int ret, i;

	if (!w || w->committed) {
		btfgen_bundle_err(err, err_sz, "bundle writer: nothing to commit");
		return -EINVAL;
	}
	if (w->layout == BUNDLE_LAYOUT_BUNDLE && w->comp != BUNDLE_COMPRESS_XZ) {
		ret = commit_streamed(w, &out, err, err_sz);
		goto write;
	}
	index = index_text(w, &index_len);
	if (!index) {
		ret = -ENOMEM;
		btfgen_bundle_err(err, err_sz, "bundle writer: cannot build index.json");
		goto out;
	}
	if (w->layout == BUNDLE_LAYOUT_TREE_DIR) {
		matrix = matrix_text(w, &matrix_len);
		ret = matrix ? commit_tree_dir(w, index, index_len, matrix, matrix_len, err,
					       err_sz) :
			       -ENOMEM;
		goto out;
	}
	ret = build_tar(w, part, index, index_len);
	free(index);
	index = NULL;
	if (w->layout == BUNDLE_LAYOUT_RUNTIME)
		ret = ret ? ret : btfgen_tar__finish(&part[1], part[0].len);
	else
		ret = ret ? ret :
			    matrix_member(w, part[0].len + part[1].len, &mhead, &mtail, seg + 2);
	if (ret) {
		btfgen_bundle_err(err, err_sz, "bundle writer: building tar: %s", strerror(-ret));
		goto out;
	}
	if (w->layout == BUNDLE_LAYOUT_RUNTIME) {
		/* small and read whole: one stream, the strongest settings (bundle_compress.c) */
		ret = btfgen_bbuf__append(&part[0], part[1].data, part[1].len);
		ret = ret ? ret :
			    btfgen_bundle_compress_small(w->comp, part[0].data, part[0].len,
							 &out.data, &out.len, err, err_sz);
	} else if (w->layout == BUNDLE_LAYOUT_BUNDLE) {
		ret = btfgen_bundle_compress_parts(w->comp, part, 2, &out.data, &out.len, err,
						   err_sz);
		out.cap = out.len;
		/* the matrix frame, streamed: it is most of the bytes a BTFHub-sized run holds */
		ret = ret ? ret :
			    btfgen_bundle_compress_segs(w->comp, seg + 2, 5, MATRIX_WINDOW_LOG,
							&out, err, err_sz);
	} else {
		seg[0] = (struct bundle_seg){ .data = part[0].data, .len = part[0].len };
		seg[1] = (struct bundle_seg){ .data = part[1].data, .len = part[1].len };
		ret = btfgen_bundle_compress_segs(w->comp, seg, 7, 0, &out, err, err_sz);
	}
write:
	if (ret)
		goto out;
	ret = btfgen_bundle_file__write_atomic(w->out_path, out.data, out.len, err, err_sz);
out:
	if (!ret)
		w->committed = 1;
	free(index);
	free(matrix);
	btfgen_bbuf__free(&out);
	btfgen_bbuf__free(&mhead);
	btfgen_bbuf__free(&mtail);
	for (i = 0; i < 2; i++)
		btfgen_bbuf__free(&part[i]);
	return ret;
}

void btfgen_bundle_writer__free(struct bundle_writer *w)
{
	size_t i;

	if (!w)
		return;
	for (i = 0; i < w->obj_cnt; i++) {
		free((char *)w->objs[i].name);
		free((char *)w->objs[i].arch);
		free((char *)w->objs[i].sha256_hex);
		free_programs(&w->objs[i]);
	}
	for (i = 0; i < w->kern_cnt; i++)
		free(w->kerns[i].names);
	for (i = 0; i < w->blob_cnt; i++) {
		free(w->blobs[i].data);
		free(w->blobs[i].name);
	}
	for (i = 0; i < 5; i++)
		free(w->gen[i]);
	if (w->ifd >= 0)
		close(w->ifd);
	if (w->mfd >= 0)
		close(w->mfd);
	free(w->objs);
	free(w->kerns);
	free(w->slots);
	free(w->blobs);
	free(w->out_path);
	free(w);
}
