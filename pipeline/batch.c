// SPDX-License-Identifier: BSD-2-Clause
#define _GNU_SOURCE /* asprintf */
/*
 * pipeline: the batch job. Outline:
 *   1. load every object once (parsed .BTF and CO-RE records, shared read-only);
 *   2. workers take kernels in manifest order: read the archive in memory, parse the BTF
 *      once, tailor it for all objects of its arch at once, verify, record what cannot be
 *      satisfied;
 *   3. the calling thread takes results in manifest order and hands them to the bundle
 *      writer, which stores each distinct BTF once and writes temp-then-rename.
 */
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <archive.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <jansson.h>
#include <zstd.h>

#include "batch.h"
#include "btfgen_util.h"
#include "btfgen_core.h"
#include "bundle_verdict.h"
#include "kernel_archive.h"
#include "input_memo.h"
#include "kernel_cache.h"
#include "result_cache.h"
#include "run_stamp.h"

#include "sha256.h"
#include "wpool.h"

/* A kernel's name (its archive path: untrusted) made fit for a message. */
#define KERNEL_Q(k) btfgen_quote((k)->name, 0, (char[320]){ 0 }, 320)

struct arch_objects {
	const char *arch;
	struct core_object **objs;
	char **names; /* relative to the manifest's folder when inside it */
	size_t cnt;
	char cache_key[SHA256_HEX_SIZE]; /* hashes the generator, options and objects */
};

struct batch_ctx {
	const struct manifest *m;
	struct arch_objects *arches;
	size_t arch_cnt;
	bool verify;
	const char *cache; /* result cache folder, or NULL */
	const char *kcache; /* kernel cache folder, or NULL */
	struct input_memo *memo; /* inputs' SHA-256 by file identity (with a cache), or NULL */
	size_t *sel; /* indices of the kernels this run (shard) takes, in manifest order */
	size_t sel_cnt;
};

struct kernel_result {
	char *reason; /* NULL: ok */
	void *btf;
	__u32 btf_size;
	char input_sha[SHA256_HEX_SIZE];
	unsigned long long input_size, full_size;
	struct bundle_unsatisfied *unsat;
	char (*unsat_reason)[160];
	size_t unsat_cnt, unsat_cap, reason_cap;
	struct result_cache_entry cached; /* owns btf and unsat when taken from the cache */
	struct stat st; /* the input's, when have_st */
	bool have_st;
};

static void kernel_result__free(void *p)
{
	struct kernel_result *r = p;

	if (!r)
		return;
	if (r->cached.priv) { /* btf and unsat belong to the cache entry */
		r->btf = NULL;
		r->unsat = NULL;
		result_cache_entry__free(&r->cached);
	}
	free(r->reason);
	free(r->btf);
	free(r->unsat);
	free(r->unsat_reason);
	free(r);
}

static char *fmt_reason(const char *what, const char *why)
{
	char *s = NULL;

	if (asprintf(&s, "%s: %s", what, why) < 0)
		return NULL;
	return s;
}

static int push_unsat(struct kernel_result *r)
{
	if (btfgen_array_grow((void **)&r->unsat, &r->unsat_cap, r->unsat_cnt + 1,
			      sizeof(*r->unsat)) ||
	    btfgen_array_grow((void **)&r->unsat_reason, &r->reason_cap, r->unsat_cnt + 1,
			      sizeof(*r->unsat_reason)))
		return -ENOMEM;
	return 0;
}

/*
 * Record the relocations of obj that this kernel cannot satisfy, one per program that
 * includes them, with their verdicts: the compatibility matrix (docs/verdicts.md).
 */
static int collect_unsatisfied(struct kernel_result *r, const struct core_object *obj,
			       const char *name, const struct core_relo_result *res,
			       const char *release)
{
	struct core_verdicts v;
	/* what the verifier prunes depends on the kernel's version (docs/verdicts.md) */
	int err = core_verdicts__compute(obj, res, core_kernel_version(release), &v);

	for (size_t i = 0; !err && i < v.rec_cnt; i++) {
		const struct core_verdict_rec *vr = &v.recs[i];
		const struct core_relo_result *x = &res[vr->relo];
		const char *func = core_object__func_name(obj, vr->func);
		struct bundle_unsatisfied *u;
		struct core_relo_desc d;

		err = push_unsat(r);
		if (err)
			break;
		core_object__relo_desc(obj, vr->relo, &d);
		u = &r->unsat[r->unsat_cnt];
		memset(u, 0, sizeof(*u));
		u->object = name;
		u->program = vr->prog >= 0 ? core_object__prog_name(obj, vr->prog) : d.program;
		u->function = strcmp(func, u->program) ? func : "";
		u->relocation = d.sec_relo_idx;
		u->kind = d.kind_name;
		u->type = d.type_name;
		u->access = d.access;
		u->insn = vr->insn;
		u->verdict = core_relo_verdict_str(vr->verdict);
		if (x->status == CORE_RELO_FAILED)
			snprintf(r->unsat_reason[r->unsat_cnt], sizeof(*r->unsat_reason),
				 "libbpf refuses to load the object: %s", x->reason);
		else
			snprintf(r->unsat_reason[r->unsat_cnt], sizeof(*r->unsat_reason), "%s; %s",
				 x->reason,
				 x->poison ? "the instruction is poisoned" :
					     "the relocation evaluates to 0");
		r->unsat_cnt++;
	}
	core_verdicts__free(&v);
	return err;
}

static const struct arch_objects *arch_objects(const struct batch_ctx *ctx, const char *arch)
{
	for (size_t i = 0; i < ctx->arch_cnt; i++)
		if (!strcmp(ctx->arches[i].arch, arch))
			return &ctx->arches[i];
	return NULL;
}

/*
 * The decoded BTF of an input: from the kernel cache when it has it, else decoded from
 * the archive bytes (and stored in the cache for the next run). 0 or -1 with r->reason.
 */
static int decode_input(const struct batch_ctx *ctx, const void *raw, size_t raw_len,
			struct kernel_result *r, void **data, size_t *size, bool try_cache)
{
	char err[256];

	if (ctx->kcache && try_cache &&
	    !kernel_cache__get(ctx->kcache, r->input_sha, KERNEL_ARCHIVE_MAX_MEMBER, data, size))
		return 0;
	if (kernel_archive__read_mem(raw, raw_len, NULL, data, size, err, sizeof(err))) {
		r->reason = fmt_reason("archive", err);
		return -1;
	}
	if (ctx->kcache)
		kernel_cache__put(ctx->kcache, r->input_sha, *data, *size);
	return 0;
}

static bool from_result_cache(const struct batch_ctx *ctx, const struct arch_objects *a,
			      struct kernel_result *r)
{
	char key[SHA256_HEX_SIZE];

	result_cache__key(a->cache_key, r->input_sha, key);
	if (result_cache__get(ctx->cache, key, &r->cached))
		return false;
	r->btf = r->cached.btf;
	r->btf_size = r->cached.btf_size;
	r->full_size = r->cached.full_size;
	r->unsat = r->cached.unsat;
	r->unsat_cnt = r->cached.unsat_cnt;
	return true;
}

/*
 * Read a kernel's input and hash it. With the result cache, a hit fills r and returns 1
 * (nothing to decode); otherwise 0 with the decoded BTF in *data, or -1 with r->reason
 * set. (kernel_archive__read() in two steps: same cost.) When the input memo knows the
 * input's SHA-256, a hit in either cache does not even read the input.
 */
static int read_input(const struct batch_ctx *ctx, const struct arch_objects *a,
		      const struct manifest_kernel *k, struct kernel_result *r, void **data,
		      size_t *size)
{
	unsigned char digest[SHA256_DIGEST_SIZE];
	char err[256];
	void *raw = NULL;
	size_t raw_len = 0;
	bool known = r->have_st && input_memo__get(ctx->memo, k->input, &r->st, r->input_sha);
	int ret;

	if (known && ctx->cache && from_result_cache(ctx, a, r))
		return 1;
	if (known && ctx->kcache &&
	    !kernel_cache__get(ctx->kcache, r->input_sha, KERNEL_ARCHIVE_MAX_MEMBER, data, size)) {
		r->full_size = *size;
		return 0;
	}
	/*
	 * hash first: the caches are keyed on it, and a hit skips the decoding; done the
	 * same way without a cache, so an input that does not decode has its SHA-256 in the
	 * index whether or not a cache was used
	 */
	ret = kernel_archive__load(k->input, NULL, &raw, &raw_len, digest, err, sizeof(err));
	if (ret) {
		r->input_sha[0] = '\0';
		r->reason = fmt_reason("archive", err);
		return -1;
	}
	btfgen_sha256_hex(digest, r->input_sha);
	if (!known && ctx->cache && from_result_cache(ctx, a, r)) {
		free(raw);
		return 1;
	}
	ret = decode_input(ctx, raw, raw_len, r, data, size, !known);
	free(raw);
	if (!ret)
		r->full_size = *size;
	return ret;
}

/*
 * Parse the kernel BTF once (and free its raw bytes at once: libbpf keeps its own
 * copy, and two 5 MB copies per worker are what peak RSS is made of), tailor it for
 * every object of its arch at once, verify.
 */
static void tailor_kernel(const struct batch_ctx *ctx, const struct arch_objects *a,
			  const char *release, void *data, size_t size, struct kernel_result *r)
{
	struct core_relo_result *res = NULL;
	struct kernel_index *ki = NULL;
	struct core_tailor *t = NULL;
	struct btf *btf;
	char err[256];

	btf = core_btf_from_mem(data, size, err, sizeof(err));
	free(data);
	if (!btf) {
		r->reason = fmt_reason("BTF", err);
		return;
	}
	ki = kernel_index__new(btf);
	t = ki ? core_tailor__new(ki) : NULL;
	if (!t) {
		r->reason = fmt_reason("tailoring", "out of memory");
		goto out;
	}
	for (size_t i = 0; i < a->cnt; i++) {
		free(res);
		res = calloc(core_object__relo_cnt(a->objs[i]) + 1, sizeof(*res));
		if (!res || core_tailor__add_object(t, a->objs[i], res) ||
		    collect_unsatisfied(r, a->objs[i], a->names[i], res, release)) {
			r->reason = fmt_reason("tailoring",
					       res ? core_tailor__error(t) : "out of memory");
			goto out;
		}
	}
	if (core_tailor__emit(t, &r->btf, &r->btf_size)) {
		r->reason = fmt_reason("emitting", core_tailor__error(t));
		goto out;
	}
	if (ctx->verify && core_tailor__verify(t, r->btf, r->btf_size, err, sizeof(err)))
		r->reason = fmt_reason("verification", err);
out:
	free(res);
	core_tailor__free(t);
	kernel_index__free(ki);
	btf__free(btf);
}

/* One kernel, start to end, on a worker thread. Never fails as a whole: errors become reasons. */
static void *kernel_work(size_t idx, void *arg)
{
	const struct batch_ctx *ctx = arg;
	const struct manifest_kernel *k = &ctx->m->kernels[ctx->sel[idx]];
	const struct arch_objects *a = arch_objects(ctx, k->arch);
	struct kernel_result *r = calloc(1, sizeof(*r));
	void *data = NULL;
	size_t size = 0;
	int ret;

	if (!r)
		return NULL;
	if (!stat(k->input, &r->st)) {
		r->input_size = r->st.st_size;
		r->have_st = true;
	}
	if (!a) { /* the manifest selects only arches with objects */
		r->reason = fmt_reason("arch", "no objects for this arch");
		return r;
	}
	ret = read_input(ctx, a, k, r, &data, &size);
	if (ret)
		return r;
	tailor_kernel(ctx, a, k->release, data, size, r);
	/* the reasons moved with every realloc while collecting: point at them now */
	for (size_t i = 0; i < r->unsat_cnt; i++)
		r->unsat[i].reason = r->unsat_reason[i];
	if (r->reason) {
		free(r->btf);
		r->btf = NULL;
	} else if (ctx->cache) {
		char key[SHA256_HEX_SIZE];

		result_cache__key(a->cache_key, r->input_sha, key);
		result_cache__put(ctx->cache, key, r->btf, r->btf_size, r->full_size, r->unsat,
				  r->unsat_cnt);
	}
	return r;
}

/* The object file's SHA-256 for the index and the cache key (read with the archive caps). */
static int object_sha256(const char *path, char hex[SHA256_HEX_SIZE], char *err, size_t err_sz)
{
	unsigned char digest[SHA256_DIGEST_SIZE];
	size_t len;
	void *buf;
	int ret;

	ret = kernel_archive__load(path, NULL, &buf, &len, digest, err, err_sz);
	if (ret)
		return ret;
	free(buf);
	btfgen_sha256_hex(digest, hex);
	return 0;
}

static void free_ctx(struct batch_ctx *ctx)
{
	for (size_t i = 0; i < ctx->arch_cnt; i++) {
		for (size_t j = 0; j < ctx->arches[i].cnt; j++) {
			core_object__free(ctx->arches[i].objs[j]);
			free(ctx->arches[i].names[j]);
		}
		free(ctx->arches[i].objs);
		free(ctx->arches[i].names);
	}
	free(ctx->arches);
	ctx->arches = NULL;
	ctx->arch_cnt = 0;
}

/*
 * The name an object has in the index: its path relative to the manifest's
 * folder ("../build/app.bpf.o" too), so that the bundle's bytes never depend on
 * where the checkout lives. Both paths are absolute and normalized.
 */
static char *relative_name(const char *dir, const char *path)
{
	size_t dlen = strlen(dir), common = 0, ups = 0, i;
	char *d = malloc(dlen + 2), *out;

	if (!d)
		return NULL;
	/* with a trailing '/', every component of d ends with one */
	memcpy(d, dir, dlen + 1);
	if (!dlen || d[dlen - 1] != '/')
		strcat(d, "/");
	for (i = 0; d[i] && d[i] == path[i]; i++)
		if (d[i] == '/')
			common = i + 1;
	for (i = common; d[i]; i++)
		ups += d[i] == '/';
	free(d);
	out = malloc(3 * ups + strlen(path + common) + 1);
	if (!out)
		return NULL;
	for (i = 0; i < ups; i++)
		memcpy(out + 3 * i, "../", 3);
	strcpy(out + 3 * ups, path + common);
	return out;
}

/* The object's program names for the index (docs/verdicts.md); the array is the caller's. */
static int object_programs(const struct core_object *obj, struct bundle_object *bo)
{
	const char **p = calloc(core_object__prog_cnt(obj) + 1, sizeof(*p));

	if (!p)
		return -ENOMEM;
	for (__u32 i = 0; i < core_object__prog_cnt(obj); i++)
		p[i] = core_object__prog_name(obj, i);
	bo->programs = p;
	bo->program_cnt = core_object__prog_cnt(obj);
	return 0;
}

/* Load every object once, and record it in the index. */
static int load_objects(struct batch_ctx *ctx, struct bundle_writer *w, char *err, size_t err_sz)
{
	const struct manifest *m = ctx->m;

	ctx->arches = calloc(m->arch_cnt ? m->arch_cnt : 1, sizeof(*ctx->arches));
	if (!ctx->arches)
		return -ENOMEM;
	ctx->arch_cnt = m->arch_cnt;
	for (size_t i = 0; i < m->arch_cnt; i++) {
		const struct manifest_arch *ma = &m->arches[i];
		struct arch_objects *a = &ctx->arches[i];

		struct sha256_ctx kc;
		unsigned char kd[SHA256_DIGEST_SIZE];

		/* what a cached result depends on besides the input itself */
		btfgen_sha256_init(&kc);
		btfgen_sha256_update(&kc, BTFGEN_VERSION, strlen(BTFGEN_VERSION));
		/* cached results before verdicts lack them */
		btfgen_sha256_update(&kc, "verdicts-1", 10);
		btfgen_sha256_update(&kc, ctx->verify ? "verify" : "noverify", ctx->verify ? 6 : 8);
		a->arch = ma->arch;
		a->objs = calloc(ma->object_cnt, sizeof(*a->objs));
		a->names = calloc(ma->object_cnt, sizeof(*a->names));
		if (!a->objs || !a->names)
			return -ENOMEM;
		for (size_t j = 0; j < ma->object_cnt; j++) {
			const char *path = ma->objects[j];
			char hex[SHA256_HEX_SIZE], oerr[200];
			struct bundle_object bo = { 0 };
			int ret;

			a->objs[j] = core_object__open(path, oerr, sizeof(oerr));
			if (!a->objs[j]) {
				snprintf(err, err_sz, "object '%s': %s", path, oerr);
				return -EINVAL;
			}
			a->cnt = j + 1;
			a->names[j] = relative_name(m->dir, path);
			if (!a->names[j])
				return -ENOMEM;
			ret = object_sha256(path, hex, oerr, sizeof(oerr));
			if (ret) {
				snprintf(err, err_sz, "object '%s': %s", path, oerr);
				return ret;
			}
			btfgen_sha256_update(&kc, a->names[j], strlen(a->names[j]) + 1);
			btfgen_sha256_update(&kc, hex, strlen(hex));
			bo.name = a->names[j];
			bo.arch = a->arch;
			bo.sha256_hex = hex;
			bo.relocations = core_object__relo_cnt(a->objs[j]);
			ret = object_programs(a->objs[j], &bo);
			if (!ret)
				ret = btfgen_bundle_writer__add_object(w, &bo);
			free((void *)bo.programs);
			if (ret) {
				snprintf(err, err_sz, "index: %s", strerror(-ret));
				return ret;
			}
		}
		btfgen_sha256_final(&kc, kd);
		btfgen_sha256_hex(kd, a->cache_key);
	}
	return 0;
}

void batch__generator(struct bundle_generator *gen)
{
	static char libbpf_ver[32];

	snprintf(libbpf_ver, sizeof(libbpf_ver), "%u.%u", libbpf_major_version(),
		 libbpf_minor_version());
	gen->version = BTFGEN_VERSION;
	gen->libbpf = libbpf_ver;
	gen->libarchive = archive_version_string();
	gen->zstd = ZSTD_versionString();
	gen->jansson = JANSSON_VERSION;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* What one run holds besides the workers' shared context, set up by batch_setup(). */
struct batch_run {
	const char *out;
	struct bundle_writer *w;
	struct wpool *pool;
	const char *memo_dir; /* where the input memo lives (a cache folder), or NULL */
	double wall0; /* wall clock at the start: the memo's "seen" time */
	int jobs;
	enum bundle_layout layout;
	enum bundle_compression comp;
	bool have_key; /* key: the run stamp's, hashing the inputs as this run read them */
	struct sha256_ctx key;
};

/* Opens the caches and the writer, loads the objects and selects the kernels. */
static int batch_setup(struct batch_ctx *ctx, struct batch_run *run,
		       const struct batch_options *opts, char *err, size_t err_sz)
{
	const struct manifest *m = ctx->m;
	enum bundle_layout layout = BUNDLE_LAYOUT_BUNDLE;
	enum bundle_compression comp;
	struct bundle_generator gen;
	int jobs = opts->jobs > 0 ? opts->jobs : m->jobs;
	int ret;

	if (jobs <= 0)
		jobs = sysconf(_SC_NPROCESSORS_ONLN) > 0 ? (int)sysconf(_SC_NPROCESSORS_ONLN) : 1;
	ctx->verify = opts->verify < 0 ? m->verify : opts->verify;
	comp = m->compression == MANIFEST_COMPRESS_XZ	? BUNDLE_COMPRESS_XZ :
	       m->compression == MANIFEST_COMPRESS_NONE ? BUNDLE_COMPRESS_NONE :
							  BUNDLE_COMPRESS_ZSTD;
	if (m->format == MANIFEST_FORMAT_TREE)
		layout = strstr(run->out, ".tar") ? BUNDLE_LAYOUT_TREE_TAR : BUNDLE_LAYOUT_TREE_DIR;
	/* the folders above the output, so "dist/app.tar.zst" just works */
	ret = btfgen_mkdir_p(run->out, 1, err, err_sz);
	if (!ret && m->cache) {
		ctx->cache = m->cache;
		ret = result_cache__prepare(m->cache, err, err_sz);
	}
	ctx->kcache = opts->kernel_cache ? opts->kernel_cache : m->kernel_cache;
	if (!ret && ctx->kcache)
		ret = kernel_cache__prepare(ctx->kcache, err, err_sz);
	run->memo_dir = ctx->cache ? ctx->cache : ctx->kcache;
	if (!ret && run->memo_dir && !(ctx->memo = input_memo__load(run->memo_dir)))
		ret = -ENOMEM;
	if (ret)
		return ret;
	batch__generator(&gen);
	run->w = btfgen_bundle_writer__new(run->out, layout, comp, &gen, err, err_sz);
	if (!run->w)
		return -errno;
	ret = load_objects(ctx, run->w, err, err_sz);
	if (ret)
		return ret;
	ctx->sel = calloc(m->kernel_cnt, sizeof(*ctx->sel));
	if (!ctx->sel)
		return -ENOMEM;
	for (size_t i = 0; i < m->kernel_cnt; i++)
		if (opts->shard_n < 2 || i % opts->shard_n == opts->shard_k - 1)
			ctx->sel[ctx->sel_cnt++] = i;
	/* the writer's records, allocated now: nothing that grows mid-run splits the heap */
	ret = btfgen_bundle_writer__reserve(run->w, ctx->sel_cnt);
	if (ret) {
		snprintf(err, err_sz, "index: %s", strerror(-ret));
		return ret;
	}
	run->jobs = jobs;
	run->layout = layout;
	run->comp = comp;
	return 0;
}

/* Starts the workers on the selected kernels. */
static int batch_start(struct batch_ctx *ctx, struct batch_run *run, char *err, size_t err_sz)
{
	int ret;

	/* a window of two kernels per worker keeps every core busy while the writer catches up */
	run->pool = wpool__new(run->jobs, ctx->sel_cnt, 2 * (size_t)run->jobs, kernel_work, ctx);
	if (!run->pool) {
		ret = -errno;
		snprintf(err, err_sz, "cannot start %d workers: %s", run->jobs, strerror(errno));
		return ret;
	}
	return 0;
}

static void hash_str(struct sha256_ctx *c, const char *s)
{
	s = s ? s : "";
	btfgen_sha256_update(c, s, strlen(s) + 1);
}

/*
 * The run stamp's key (run_stamp.h), begun: the manifest's bytes, the output path, layout,
 * compression, shard, verify, the generator and each arch's objects key; key_kernel() adds
 * each selected kernel in order. false: no key (no result cache, a tree folder).
 */
static bool key_begin(const struct batch_ctx *ctx, const struct batch_run *run,
		      const struct batch_options *opts, struct sha256_ctx *c)
{
	struct bundle_generator gen;
	char num[96], err[128];
	void *mtext;
	size_t mlen;

	if (!ctx->cache || run->layout == BUNDLE_LAYOUT_TREE_DIR ||
	    btfgen_file_read(ctx->m->path, 1 << 20, &mtext, &mlen, err, sizeof(err)))
		return false;
	btfgen_sha256_init(c);
	hash_str(c, "run-stamp-1");
	btfgen_sha256_update(c, mtext, mlen);
	free(mtext);
	hash_str(c, run->out);
	snprintf(num, sizeof(num), "%d %d %u/%u %d", (int)run->layout, (int)run->comp,
		 opts->shard_k, opts->shard_n, (int)ctx->verify);
	hash_str(c, num);
	batch__generator(&gen);
	hash_str(c, gen.version);
	hash_str(c, gen.libbpf);
	hash_str(c, gen.libarchive);
	hash_str(c, gen.zstd);
	hash_str(c, gen.jansson);
	for (size_t i = 0; i < ctx->arch_cnt; i++) {
		hash_str(c, ctx->arches[i].arch);
		hash_str(c, ctx->arches[i].cache_key);
	}
	return true;
}

static void key_kernel(struct sha256_ctx *c, const struct manifest_kernel *k, const char *sha)
{
	hash_str(c, k->name);
	hash_str(c, k->input);
	hash_str(c, sha);
}

/*
 * The key of the run about to start, with every input's SHA-256 from the input memo only:
 * an input it does not vouch for has changed or was never seen, and nothing is skipped.
 */
static bool batch_run_key(const struct batch_ctx *ctx, const struct batch_run *run,
			  const struct batch_options *opts, char key[SHA256_HEX_SIZE])
{
	unsigned char digest[SHA256_DIGEST_SIZE];
	char sha[SHA256_HEX_SIZE];
	struct sha256_ctx c;

	if (!ctx->memo || !key_begin(ctx, run, opts, &c))
		return false;
	for (size_t i = 0; i < ctx->sel_cnt; i++) {
		const struct manifest_kernel *k = &ctx->m->kernels[ctx->sel[i]];
		struct stat st;

		if (stat(k->input, &st) || !input_memo__get(ctx->memo, k->input, &st, sha))
			return false;
		key_kernel(&c, k, sha);
	}
	btfgen_sha256_final(&c, digest);
	btfgen_sha256_hex(digest, key);
	return true;
}

/* With nothing changed since a stamped run and its output intact: that run's summary. */
static bool batch_unchanged(const struct batch_ctx *ctx, struct batch_run *run,
			    const struct batch_options *opts, struct batch_summary *sum)
{
	char key[SHA256_HEX_SIZE];
	struct run_stamp st;

	run->have_key = key_begin(ctx, run, opts, &run->key);
	if (!batch_run_key(ctx, run, opts, key) ||
	    !run_stamp__check(ctx->cache, key, run->out, &st) || st.kernels != ctx->sel_cnt ||
	    st.ok != st.kernels)
		return false;
	sum->kernels = st.kernels;
	sum->ok = st.ok;
	sum->distinct = st.distinct;
	sum->unsatisfied = st.unsatisfied;
	sum->failing_kernels = st.failing_kernels;
	sum->output_size = st.output_size;
	/* as a rewrite would: the output stays newer than the inputs, for make and the like */
	utimensat(AT_FDCWD, run->out, NULL, 0);
	if (opts->progress)
		opts->progress(opts->progress_ctx, sum->kernels, ctx->sel_cnt, sum->failed);
	return true;
}

/*
 * The bundle cannot hold this kernel (a release too long for a tar member name): it becomes
 * a failed entry with the reason, like any other failure, and the run goes on.
 */
static int batch_add_unholdable(struct batch_run *run, const struct manifest_kernel *k,
				struct kernel_result *r, const struct bundle_kernel *ok,
				int why_err)
{
	struct bundle_kernel bk = {
		.distro = k->distro,
		.version = k->version,
		.arch = k->arch,
		.release = k->release,
		.status = "failed",
		.input_sha256_hex = ok->input_sha256_hex,
		.input_size = ok->input_size,
		.full_btf_size = ok->full_btf_size,
	};
	char why[160];

	snprintf(why, sizeof(why), "the bundle cannot hold it: %s",
		 why_err == -ENAMETOOLONG ? "release name too long for a tar member name" :
					    strerror(-why_err));
	r->reason = strdup(why);
	if (!r->reason)
		return -ENOMEM;
	bk.reason = r->reason;
	return btfgen_bundle_writer__add_kernel(run->w, &bk);
}

/* Hands one kernel's result to the writer and the memo; counts it. Does not free r. */
static int batch_add(struct batch_ctx *ctx, struct batch_run *run, const struct manifest_kernel *k,
		     struct kernel_result *r, struct batch_summary *sum, char *err, size_t err_sz)
{
	struct bundle_kernel bk = {
		.distro = k->distro,
		.version = k->version,
		.arch = k->arch,
		.release = k->release,
	};
	int ret;

	bk.status = r->reason ? "failed" : "ok";
	bk.reason = r->reason;
	bk.input_sha256_hex = r->input_sha[0] ? r->input_sha : NULL;
	bk.input_size = r->input_size;
	bk.full_btf_size = r->full_size;
	bk.btf = r->btf;
	bk.btf_size = r->btf_size;
	bk.unsatisfied = r->unsat;
	bk.unsatisfied_cnt = r->unsat_cnt;
	ret = btfgen_bundle_writer__add_kernel(run->w, &bk);
	if (ret && !r->reason && ret != -ENOMEM)
		ret = batch_add_unholdable(run, k, r, &bk, ret);
	if (ret) {
		snprintf(err, err_sz, "kernel '%s': index: %s", KERNEL_Q(k), strerror(-ret));
		return ret;
	}
	if (ctx->memo && r->have_st && r->input_sha[0])
		input_memo__add(ctx->memo, k->input, &r->st, r->input_sha, run->wall0);
	if (run->have_key)
		key_kernel(&run->key, k, r->input_sha);
	sum->kernels++;
	sum->unsatisfied += r->unsat_cnt;
	sum->failing_kernels += btfgen_bundle_unsatisfied__any_failing(r->unsat, r->unsat_cnt);
	if (r->reason)
		sum->failed++;
	else
		sum->ok++;
	return 0;
}

/* Takes the workers' results in manifest order (the drain loop), reporting progress. */
static int batch_collect(struct batch_ctx *ctx, struct batch_run *run,
			 const struct batch_options *opts, struct batch_summary *sum, char *err,
			 size_t err_sz)
{
	for (size_t idx = 0; idx < ctx->sel_cnt; idx++) {
		const struct manifest_kernel *k = &ctx->m->kernels[ctx->sel[idx]];
		struct kernel_result *r = wpool__next(run->pool);
		int ret;

		if (!r) {
			snprintf(err, err_sz, "kernel '%s': out of memory", KERNEL_Q(k));
			return -ENOMEM;
		}
		ret = batch_add(ctx, run, k, r, sum, err, err_sz);
		if (!ret && r->reason && opts->kernel_failed)
			opts->kernel_failed(opts->progress_ctx, k->name, r->reason);
		kernel_result__free(r);
		if (ret)
			return ret;
		if (opts->progress && sum->kernels < ctx->sel_cnt)
			opts->progress(opts->progress_ctx, sum->kernels, ctx->sel_cnt, sum->failed);
	}
	if (opts->progress)
		opts->progress(opts->progress_ctx, sum->kernels, ctx->sel_cnt, sum->failed);
	return 0;
}

/* Commits the output, then saves the memo: only inputs of a written run are remembered. */
static int batch_finish(struct batch_ctx *ctx, struct batch_run *run, struct batch_summary *sum,
			char *err, size_t err_sz)
{
	struct stat st;
	int ret;

#ifdef __GLIBC__
	/*
	 * The workers are done: give back the heap they left free before commit's compressor
	 * allocates (32 MB for a 4,000-kernel index.json). Their 5-8 MB buffers come from one
	 * heap (main.c: one arena) and leave it free but resident, up to 31 MB at 4,000
	 * kernels; without this, commit stacked its compressor on top of that.
	 */
	malloc_trim(0);
#endif
	ret = btfgen_bundle_writer__commit(run->w, err, err_sz);
	if (ret)
		return ret;
	if (ctx->memo)
		input_memo__save(ctx->memo, run->memo_dir);
	sum->distinct = btfgen_bundle_writer__blob_cnt(run->w);
	if (!stat(run->out, &st) && S_ISREG(st.st_mode))
		sum->output_size = st.st_size;
	/*
	 * Keyed on the inputs as this run read them (a later run finds them from the memo); a
	 * failed kernel may fail for a passing cause (memory), so only a clean run is stamped.
	 */
	if (!sum->failed && run->have_key) {
		struct run_stamp rs = {
			.kernels = sum->kernels,
			.ok = sum->ok,
			.distinct = sum->distinct,
			.unsatisfied = sum->unsatisfied,
			.failing_kernels = sum->failing_kernels,
		};
		unsigned char digest[SHA256_DIGEST_SIZE];
		char key[SHA256_HEX_SIZE];

		btfgen_sha256_final(&run->key, digest);
		btfgen_sha256_hex(digest, key);
		run_stamp__put(ctx->cache, key, run->out, &rs);
	}
	return 0;
}

int batch__run(const struct manifest *m, const struct batch_options *opts,
	       struct batch_summary *sum, char *err, size_t err_sz)
{
	struct batch_ctx ctx = { .m = m };
	struct batch_run run = {
		.out = opts->output ? opts->output : m->output,
		.wall0 = (double)time(NULL),
	};
	double t0 = now();
	int ret;

	memset(sum, 0, sizeof(*sum));
	sum->output = run.out;
	ret = batch_setup(&ctx, &run, opts, err, err_sz);
	if (!ret && batch_unchanged(&ctx, &run, opts, sum))
		goto out;
	if (!ret)
		ret = batch_start(&ctx, &run, err, err_sz);
	if (!ret)
		ret = batch_collect(&ctx, &run, opts, sum, err, err_sz);
	/* every kernel is in: the workers and the objects go before commit's compressor comes */
	wpool__free(run.pool, kernel_result__free);
	run.pool = NULL;
	free_ctx(&ctx);
	input_memo__forget_loaded(ctx.memo);
	if (!ret)
		ret = batch_finish(&ctx, &run, sum, err, err_sz);
out:
	sum->seconds = now() - t0;
	wpool__free(run.pool, kernel_result__free);
	btfgen_bundle_writer__free(run.w);
	free(ctx.sel);
	input_memo__free(ctx.memo);
	free_ctx(&ctx);
	return ret;
}
