// SPDX-License-Identifier: BSD-2-Clause
/* bundle: the writer: keeps kernels and distinct blobs in memory, writes everything at commit. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <jansson.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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
	struct bundle_kernel k; /* strings and unsatisfied owned by the writer */
	size_t blob;		/* index into blobs, (size_t)-1 unless ok */
};

/*
 * The strings of unsatisfied relocations, each stored once: kernels of a series report the
 * same objects, programs, types and reasons, and a BTFHub-sized run holds ~40 records for each
 * of thousands of kernels until commit.
 */
struct strpool {
	char **slots; /* open addressing, NULL = empty */
	size_t cap, cnt;
};

struct bundle_writer {
	struct strpool pool;
	char *out_path;
	enum bundle_layout layout;
	enum bundle_compression comp;
	char *gen[5]; /* version, libbpf, libarchive, zstd, jansson */
	struct bundle_object *objs;
	size_t obj_cnt, obj_cap;
	struct wkernel *kerns;
	size_t kern_cnt, kern_cap;
	struct wblob *blobs;
	size_t blob_cnt, blob_cap;
	int committed;
};

static const char *gen_keys[5] = {"version", "libbpf", "libarchive", "zstd", "jansson"};

static int dup_str(char **dst, const char *src)
{
	*dst = NULL;
	if (!src)
		return 0;
	*dst = strdup(src);
	return *dst ? 0 : -ENOMEM;
}

static size_t str_hash(const char *s)
{
	size_t h = 14695981039346656037ULL; /* FNV-1a */

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

/* The pooled copy of s (NULL is ""), valid until btfgen_bundle_writer__free; NULL on ENOMEM. */
static const char *pool_intern(struct strpool *p, const char *s)
{
	size_t i;

	if (!s)
		s = "";
	if (p->cnt * 2 >= p->cap) {
		size_t ncap = p->cap ? p->cap * 2 : 256;
		char **ns = calloc(ncap, sizeof(*ns));

		if (!ns)
			return NULL;
		for (size_t j = 0; j < p->cap; j++) {
			if (!p->slots[j])
				continue;
			for (i = str_hash(p->slots[j]) & (ncap - 1); ns[i]; i = (i + 1) & (ncap - 1))
				;
			ns[i] = p->slots[j];
		}
		free(p->slots);
		p->slots = ns;
		p->cap = ncap;
	}
	for (i = str_hash(s) & (p->cap - 1); p->slots[i]; i = (i + 1) & (p->cap - 1))
		if (!strcmp(p->slots[i], s))
			return p->slots[i];
	p->slots[i] = strdup(s);
	if (!p->slots[i])
		return NULL;
	p->cnt++;
	return p->slots[i];
}

static void pool_free(struct strpool *p)
{
	for (size_t i = 0; i < p->cap; i++)
		free(p->slots[i]);
	free(p->slots);
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

	if (!out_path || !*out_path || layout > BUNDLE_LAYOUT_TREE_TAR ||
	    comp > BUNDLE_COMPRESS_NONE) {
		btfgen_bundle_err(err, err_sz, "bundle writer: invalid arguments");
		errno = EINVAL;
		return NULL;
	}
	w = calloc(1, sizeof(*w));
	if (!w)
		goto nomem;
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

static void kernel_free(struct bundle_kernel *k)
{
	free((char *)k->distro);
	free((char *)k->version);
	free((char *)k->arch);
	free((char *)k->release);
	free((char *)k->status);
	free((char *)k->reason);
	free((char *)k->input_sha256_hex);
	free((void *)k->unsatisfied); /* its strings belong to the writer's pool */
}

/*
 * A blob is named after the first kernel (in manifest order) that has it: BTFHub-like paths
 * compress like the baseline's tree (random 64-hex names cost ~1.6 KB on 39 blobs), and the
 * reader checks the blob against the entry's btf_sha256, not its name.
 */
static int find_or_add_blob(struct bundle_writer *w, const struct bundle_kernel *k,
			    const void *btf, size_t size, size_t *idx)
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

int btfgen_bundle_writer__add_kernel(struct bundle_writer *w, const struct bundle_kernel *k)
{
	struct bundle_unsatisfied *us = NULL;
	struct wkernel *d;
	int ok, err = -ENOMEM;
	size_t i;

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
	/* one entry per key: the tree layouts would otherwise overwrite a file */
	for (i = 0; i < w->kern_cnt; i++) {
		const struct bundle_kernel *o = &w->kerns[i].k;

		if (!strcmp(o->release, k->release) && !strcmp(o->arch, k->arch) &&
		    !strcmp(o->version, k->version) && !strcmp(o->distro, k->distro))
			return -EEXIST;
	}
	if (grow((void **)&w->kerns, &w->kern_cap, w->kern_cnt, sizeof(*w->kerns)))
		return -ENOMEM;
	d = &w->kerns[w->kern_cnt];
	memset(d, 0, sizeof(*d));
	d->blob = (size_t)-1;
	if (dup_str((char **)&d->k.distro, k->distro) ||
	    dup_str((char **)&d->k.version, k->version) || dup_str((char **)&d->k.arch, k->arch) ||
	    dup_str((char **)&d->k.release, k->release) ||
	    dup_str((char **)&d->k.status, k->status) ||
	    dup_str((char **)&d->k.reason, ok ? NULL : k->reason) ||
	    dup_str((char **)&d->k.input_sha256_hex, k->input_sha256_hex))
		goto fail;
	d->k.input_size = k->input_size;
	d->k.full_btf_size = k->full_btf_size;
	if (k->unsatisfied_cnt) {
		us = calloc(k->unsatisfied_cnt, sizeof(*us));
		if (!us)
			goto fail;
		d->k.unsatisfied = us;
		d->k.unsatisfied_cnt = k->unsatisfied_cnt;
		for (i = 0; i < k->unsatisfied_cnt; i++) {
			const struct bundle_unsatisfied *s = &k->unsatisfied[i];

			us[i].relocation = s->relocation;
			us[i].insn = s->insn;
			if (!(us[i].verdict = pool_intern(&w->pool, s->verdict ? s->verdict : "")) ||
			    !(us[i].function = pool_intern(&w->pool, s->function ? s->function : "")))
				goto fail;
			if (!(us[i].object = pool_intern(&w->pool, s->object)) ||
			    !(us[i].program = pool_intern(&w->pool, s->program)) ||
			    !(us[i].kind = pool_intern(&w->pool, s->kind)) ||
			    !(us[i].type = pool_intern(&w->pool, s->type)) ||
			    !(us[i].access = pool_intern(&w->pool, s->access)) ||
			    !(us[i].reason = pool_intern(&w->pool, s->reason)))
				goto fail;
		}
	}
	if (ok) {
		err = find_or_add_blob(w, k, k->btf, k->btf_size, &d->blob);
		if (err)
			goto fail;
		d->k.btf_size = k->btf_size;
	}
	w->kern_cnt++;
	return 0;
fail:
	kernel_free(&d->k);
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

/*
 * index.json, keys in a fixed order (jansson keeps insertion order). What lookup needs and
 * nothing more: each kernel's "unsatisfied" is a count, the lists are in matrix.json.
 */
static json_t *build_index(struct bundle_writer *w)
{
	json_t *root = json_object(), *gen = json_object(), *sum = json_object();
	json_t *objs = json_array(), *kerns = json_array();
	size_t i, n_ok = 0, n_failed = 0, n_skipped = 0, n_unsat = 0, n_failing = 0;
	int err = 0;

	if (!root || !gen || !sum || !objs || !kerns)
		goto fail;
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
				err |= json_array_append_new(pa, json_string(w->objs[i].programs[j]));
		}
	}
	for (i = 0; i < w->kern_cnt; i++) {
		const struct bundle_kernel *k = &w->kerns[i].k;
		json_t *o = json_object();

		err |= json_array_append_new(kerns, o);
		err |= set_keys(o, k);
		err |= set_str(o, "status", k->status);
		if (w->kerns[i].blob != (size_t)-1) {
			const struct wblob *b = &w->blobs[w->kerns[i].blob];

			n_ok++;
			err |= set_str(o, "blob", b->name);
			err |= set_str(o, "btf_sha256", b->hex);
			err |= set_int(o, "btf_size", k->btf_size);
		} else {
			if (!strcmp(k->status, "failed"))
				n_failed++;
			else
				n_skipped++;
			err |= set_str(o, "reason", k->reason);
		}
		err |= set_int(o, "input_size", k->input_size);
		err |= set_str(o, "input_sha256", k->input_sha256_hex);
		err |= set_int(o, "full_btf_size", k->full_btf_size);
		err |= set_int(o, "unsatisfied", k->unsatisfied_cnt);
		n_unsat += k->unsatisfied_cnt;
		n_failing += btfgen_bundle_unsatisfied__any_failing(k->unsatisfied, k->unsatisfied_cnt);
	}
	err |= set_int(sum, "kernels", w->kern_cnt);
	err |= set_int(sum, "ok", n_ok);
	err |= set_int(sum, "failed", n_failed);
	err |= set_int(sum, "skipped", n_skipped);
	err |= set_int(sum, "blobs", w->blob_cnt);
	err |= set_int(sum, "objects", w->obj_cnt);
	err |= set_int(sum, "unsatisfied", n_unsat);
	err |= set_int(sum, "failing_kernels", n_failing);

	err |= set_str(root, "format", BUNDLE_FORMAT);
	err |= set_int(root, "format_version", BUNDLE_FORMAT_VERSION);
	err |= json_object_set(root, "generator", gen);
	err |= json_object_set(root, "summary", sum);
	err |= json_object_set(root, "objects", objs);
	err |= json_object_set(root, "kernels", kerns);
	if (err)
		goto fail;
	json_decref(gen);
	json_decref(sum);
	json_decref(objs);
	json_decref(kerns);
	return root;
fail:
	json_decref(root);
	json_decref(gen);
	json_decref(sum);
	json_decref(objs);
	json_decref(kerns);
	return NULL;
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
		if (u->verdict[0]) {
			err |= set_int(uo, "insn", u->insn);
			err |= set_str(uo, "verdict", u->verdict);
		}
		if (u->function[0])
			err |= set_str(uo, "function", u->function);
	}
	json_decref(ua);
	if (err) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/*
 * The document is written one kernel at a time, the same bytes as dumping it whole
 * (compact, keys in insertion order): a whole jansson tree of a BTFHub-sized matrix
 * took tens of KB per kernel on top of the text.
 */
static char *matrix_text(struct bundle_writer *w, size_t *size)
{
	struct bbuf out = {};
	char *s;

	if (btfgen_bbuf__append(&out, "{\"kernels\":[", 12))
		goto fail;
	for (size_t i = 0; i < w->kern_cnt; i++) {
		json_t *o = matrix_entry(&w->kerns[i].k);

		s = o ? json_dumps(o, JSON_COMPACT) : NULL;
		json_decref(o);
		if (!s || (i && btfgen_bbuf__append(&out, ",", 1)) ||
		    btfgen_bbuf__append(&out, s, strlen(s))) {
			free(s);
			goto fail;
		}
		free(s);
	}
	if (btfgen_bbuf__append(&out, "]}\n", 4)) /* with the NUL, which size leaves out */
		goto fail;
	*size = out.len - 1;
	return (char *)out.data;
fail:
	free(out.data);
	errno = ENOMEM;
	return NULL;
}

/* One compact JSON document plus a newline; caller frees. */
static char *dump_json(json_t *root, size_t *size)
{
	char *s, *t;
	size_t n;

	if (!root) {
		errno = ENOMEM;
		return NULL;
	}
	s = json_dumps(root, JSON_COMPACT);
	json_decref(root);
	if (!s) {
		errno = ENOMEM;
		return NULL;
	}
	n = strlen(s);
	t = realloc(s, n + 2);
	if (!t) {
		free(s);
		errno = ENOMEM;
		return NULL;
	}
	t[n] = '\n';
	t[n + 1] = '\0';
	if (size)
		*size = n + 1;
	return t;
}

size_t btfgen_bundle_writer__blob_cnt(const struct bundle_writer *w)
{
	return w->blob_cnt;
}

char *btfgen_bundle_writer__index_json(struct bundle_writer *w, size_t *size)
{
	return dump_json(build_index(w), size);
}

char *btfgen_bundle_writer__matrix_json(struct bundle_writer *w, size_t *size)
{
	size_t n;
	char *t = matrix_text(w, &n);

	if (t && size)
		*size = n;
	return t;
}

/* Splits out_path into its directory (for temp files: same file system, so rename works). */
static void path_dir_base(const char *path, char *dir, size_t dir_sz, char *base, size_t base_sz)
{
	const char *slash = strrchr(path, '/');

	if (!slash) {
		snprintf(dir, dir_sz, ".");
		snprintf(base, base_sz, "%s", path);
	} else if (slash == path) {
		snprintf(dir, dir_sz, "/");
		snprintf(base, base_sz, "%s", slash + 1);
	} else {
		snprintf(dir, dir_sz, "%.*s", (int)(slash - path), path);
		snprintf(base, base_sz, "%s", slash + 1);
	}
}

static int fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), ret = 0;

	if (fd < 0)
		return -errno;
	if (fsync(fd))
		ret = -errno;
	close(fd);
	return ret;
}

static int write_all(int fd, const void *data, size_t len)
{
	const unsigned char *p = data;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= n;
	}
	return 0;
}

int btfgen_bundle_file__write_atomic(const char *path, const void *data, size_t len, char *err,
				     size_t err_sz)
{
	char dir[4096], base[1024], tmp[4096 + 1100];
	int fd, ret;

	path_dir_base(path, dir, sizeof(dir), base, sizeof(base));
	if (!*base) {
		btfgen_bundle_err(err, err_sz, "'%s': not a file name", BQ(path));
		return -EINVAL;
	}
	snprintf(tmp, sizeof(tmp), "%s/.%s.tmpXXXXXX", dir, base);
	fd = mkstemp(tmp);
	if (fd < 0) {
		ret = -errno;
		btfgen_bundle_err(err, err_sz, "'%s': cannot create temp file: %s", BQ(path),
				  strerror(-ret));
		return ret;
	}
	ret = write_all(fd, data, len);
	if (!ret && fchmod(fd, 0644))
		ret = -errno;
	if (!ret && fsync(fd))
		ret = -errno;
	if (close(fd) && !ret)
		ret = -errno;
	if (!ret && rename(tmp, path))
		ret = -errno;
	if (ret) {
		btfgen_bundle_err(err, err_sz, "'%s': %s", BQ(path), strerror(-ret));
		unlink(tmp);
		return ret;
	}
	fsync_dir(dir);
	return 0;
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

/*
 * The tar in three parts: index.json; the members that carry BTF; matrix.json and the end
 * blocks. A bundle compresses each part as its own frame (see btfgen_bundle_compress_parts); the
 * tree tar concatenates them into one stream.
 */
static int build_tar(struct bundle_writer *w, struct bbuf part[3], const char *index,
		     size_t index_len, const char *matrix, size_t matrix_len)
{
	char name[1024];
	size_t i;
	int err;

	err = btfgen_tar__append(&part[0], "index.json", index, index_len);
	if (err)
		return err;
	if (w->layout == BUNDLE_LAYOUT_BUNDLE) {
		const struct wblob **order = malloc((w->blob_cnt + 1) * sizeof(*order));

		if (!order)
			return -ENOMEM;
		for (i = 0; i < w->blob_cnt; i++)
			order[i] = &w->blobs[i];
		qsort(order, w->blob_cnt, sizeof(*order), blob_content_cmp);
		for (i = 0; i < w->blob_cnt && !err; i++)
			err = btfgen_tar__append(&part[1], order[i]->name, order[i]->data,
						 order[i]->size);
		free(order);
	} else {
		for (i = 0; i < w->kern_cnt && !err; i++) {
			const struct wkernel *k = &w->kerns[i];

			if (k->blob == (size_t)-1)
				continue;
			snprintf(name, sizeof(name), "%s/%s/%s/%s.btf", k->k.distro, k->k.version,
				 k->k.arch, k->k.release);
			err = btfgen_tar__append(&part[1], name, w->blobs[k->blob].data,
						 w->blobs[k->blob].size);
		}
	}
	err = err ? err : btfgen_tar__append(&part[2], "matrix.json", matrix, matrix_len);
	if (err)
		return err;
	/* the end blocks pad the whole archive to a record: count what precedes them */
	return btfgen_tar__finish(&part[2], part[0].len + part[1].len);
}

static int mkdir_at(int dfd, const char *name)
{
	if (mkdirat(dfd, name, 0755) && errno != EEXIST)
		return -errno;
	return 0;
}

static int write_at(int dfd, const char *name, const void *data, size_t len)
{
	int fd = openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
	int ret;

	if (fd < 0)
		return -errno;
	ret = write_all(fd, data, len);
	if (!ret && fsync(fd))
		ret = -errno;
	if (close(fd) && !ret)
		ret = -errno;
	return ret;
}

static int rm_cb(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path) ? -1 : 0;
}

static void rm_tree(const char *path)
{
	nftw(path, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
}

/* A directory we may replace: empty, or a tree we wrote (index.json of our format at the top). */
static int replaceable_dir(const char *path)
{
	char idx[4096 + 16];
	json_t *j;
	DIR *d;
	struct dirent *de;
	int empty = 1, ok;

	d = opendir(path);
	if (!d)
		return 0;
	while ((de = readdir(d))) {
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) {
			empty = 0;
			break;
		}
	}
	closedir(d);
	if (empty)
		return 1;
	snprintf(idx, sizeof(idx), "%s/index.json", path);
	j = json_load_file(idx, 0, NULL);
	ok = j && json_is_string(json_object_get(j, "format")) &&
	     !strcmp(json_string_value(json_object_get(j, "format")), BUNDLE_FORMAT);
	json_decref(j);
	return ok;
}

static int commit_tree_dir(struct bundle_writer *w, const char *index, size_t index_len,
			   const char *matrix, size_t matrix_len, char *err, size_t err_sz)
{
	char dir[4096], base[1024], tmp[4096 + 1100], sub[1024];
	struct stat st;
	int dfd = -1, ret = 0;
	size_t i;

	path_dir_base(w->out_path, dir, sizeof(dir), base, sizeof(base));
	if (!*base || !strcmp(base, ".") || !strcmp(base, "..")) {
		btfgen_bundle_err(err, err_sz, "'%s': give the tree directory by name",
				  BQ(w->out_path));
		return -EINVAL;
	}
	if (!lstat(w->out_path, &st) && (!S_ISDIR(st.st_mode) || !replaceable_dir(w->out_path))) {
		btfgen_bundle_err(err, err_sz,
				  "'%s' exists and is not an empty directory or a btfgen tree; "
				  "not replacing it",
				  BQ(w->out_path));
		return -EEXIST;
	}
	snprintf(tmp, sizeof(tmp), "%s/.%s.tmpXXXXXX", dir, base);
	if (!mkdtemp(tmp)) {
		ret = -errno;
		btfgen_bundle_err(err, err_sz, "'%s': cannot create temp dir: %s", BQ(w->out_path),
				  strerror(-ret));
		return ret;
	}
	chmod(tmp, 0755);
	dfd = open(tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0) {
		ret = -errno;
		goto fail;
	}
	ret = write_at(dfd, "index.json", index, index_len);
	ret = ret ? ret : write_at(dfd, "matrix.json", matrix, matrix_len);
	for (i = 0; i < w->kern_cnt && !ret; i++) {
		const struct wkernel *k = &w->kerns[i];

		if (k->blob == (size_t)-1)
			continue;
		/* components were validated in add_kernel: no '/', '.', '..' */
		snprintf(sub, sizeof(sub), "%s", k->k.distro);
		ret = mkdir_at(dfd, sub);
		snprintf(sub, sizeof(sub), "%s/%s", k->k.distro, k->k.version);
		ret = ret ? ret : mkdir_at(dfd, sub);
		snprintf(sub, sizeof(sub), "%s/%s/%s", k->k.distro, k->k.version, k->k.arch);
		ret = ret ? ret : mkdir_at(dfd, sub);
		snprintf(sub, sizeof(sub), "%s/%s/%s/%s.btf", k->k.distro, k->k.version, k->k.arch,
			 k->k.release);
		ret =
		    ret ? ret : write_at(dfd, sub, w->blobs[k->blob].data, w->blobs[k->blob].size);
	}
	if (ret)
		goto fail;
	close(dfd);
	dfd = -1;
	/* swap atomically with an old tree (which then sits at tmp and is removed) */
	if (renameat2(AT_FDCWD, tmp, AT_FDCWD, w->out_path, RENAME_EXCHANGE)) {
		if (errno != ENOENT || rename(tmp, w->out_path)) {
			ret = -errno;
			goto fail;
		}
	} else {
		rm_tree(tmp);
	}
	fsync_dir(dir);
	return 0;
fail:
	btfgen_bundle_err(err, err_sz, "'%s': %s", BQ(w->out_path), strerror(-ret));
	if (dfd >= 0)
		close(dfd);
	rm_tree(tmp);
	return ret;
}

int btfgen_bundle_writer__commit(struct bundle_writer *w, char *err, size_t err_sz)
{
	struct bbuf part[3] = {};
	unsigned char *out = NULL;
	size_t index_len = 0, matrix_len = 0, out_len = 0;
	char *index = NULL, *matrix = NULL;
	int ret, i;

	if (!w || w->committed) {
		btfgen_bundle_err(err, err_sz, "bundle writer: nothing to commit");
		return -EINVAL;
	}
	index = btfgen_bundle_writer__index_json(w, &index_len);
	matrix = btfgen_bundle_writer__matrix_json(w, &matrix_len);
	if (!index || !matrix) {
		ret = -ENOMEM;
		btfgen_bundle_err(err, err_sz,
				  "bundle writer: cannot build index.json and matrix.json");
		goto out;
	}
	if (w->layout == BUNDLE_LAYOUT_TREE_DIR) {
		ret = commit_tree_dir(w, index, index_len, matrix, matrix_len, err, err_sz);
		goto out;
	}
	ret = build_tar(w, part, index, index_len, matrix, matrix_len);
	if (ret) {
		btfgen_bundle_err(err, err_sz, "bundle writer: building tar: %s", strerror(-ret));
		goto out;
	}
	if (w->layout == BUNDLE_LAYOUT_BUNDLE) {
		ret = btfgen_bundle_compress_parts(w->comp, part, 3, &out, &out_len, err, err_sz);
	} else {
		ret = btfgen_bbuf__append(&part[0], part[1].data, part[1].len);
		ret = ret ? ret : btfgen_bbuf__append(&part[0], part[2].data, part[2].len);
		ret = ret ? ret
			  : btfgen_bundle_compress(w->comp, part[0].data, part[0].len, &out,
						   &out_len, err, err_sz);
	}
	if (ret)
		goto out;
	ret = btfgen_bundle_file__write_atomic(w->out_path, out, out_len, err, err_sz);
out:
	if (!ret)
		w->committed = 1;
	free(index);
	free(matrix);
	free(out);
	for (i = 0; i < 3; i++)
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
		kernel_free(&w->kerns[i].k);
	for (i = 0; i < w->blob_cnt; i++) {
		free(w->blobs[i].data);
		free(w->blobs[i].name);
	}
	for (i = 0; i < 5; i++)
		free(w->gen[i]);
	pool_free(&w->pool);
	free(w->objs);
	free(w->kerns);
	free(w->blobs);
	free(w->out_path);
	free(w);
}
