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
#include "sha256.h"
#include "wpool.h"

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
	const char *cache;  /* result cache folder, or NULL */
	const char *kcache; /* kernel cache folder, or NULL */
	struct input_memo *memo; /* inputs' SHA-256 by file identity (with a cache), or NULL */
	size_t *sel;       /* indices of the kernels this run (shard) takes, in manifest order */
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
				 x->reason, x->poison ? "the instruction is poisoned"
						      : "the relocation evaluates to 0");
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
	sha256_hex(digest, r->input_sha);
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
			r->reason = fmt_reason("tailoring", res ? core_tailor__error(t) :
							      "out of memory");
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
	sha256_hex(digest, hex);
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
		sha256_init(&kc);
		sha256_update(&kc, BTFGEN_VERSION, strlen(BTFGEN_VERSION));
		/* cached results before verdicts lack them */
		sha256_update(&kc, "verdicts-1", 10);
		sha256_update(&kc, ctx->verify ? "verify" : "noverify", ctx->verify ? 6 : 8);
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
			sha256_update(&kc, a->names[j], strlen(a->names[j]) + 1);
			sha256_update(&kc, hex, strlen(hex));
			bo.name = a->names[j];
			bo.arch = a->arch;
			bo.sha256_hex = hex;
			bo.relocations = core_object__relo_cnt(a->objs[j]);
			ret = object_programs(a->objs[j], &bo);
			if (!ret)
				ret = bundle_writer__add_object(w, &bo);
			free((void *)bo.programs);
			if (ret) {
				snprintf(err, err_sz, "index: %s", strerror(-ret));
				return ret;
			}
		}
		sha256_final(&kc, kd);
		sha256_hex(kd, a->cache_key);
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

/* "42s", "3m07s", "1h02m": short enough for a bar, exact enough for a CI log. */
static const char *fmt_secs(double s, char *buf, size_t sz)
{
	unsigned long t = s > 0 ? (unsigned long)(s + 0.5) : 0;

	if (t < 60)
		snprintf(buf, sz, "%lus", t);
	else if (t < 3600)
		snprintf(buf, sz, "%lum%02lus", t / 60, t % 60);
	else
		snprintf(buf, sz, "%luh%02lum", t / 3600, t / 60 % 60);
	return buf;
}

struct progress_state {
	double t0, last; /* start, and when the last plain line was printed */
};

/*
 * On a terminal, a bar redrawn in place at every kernel. Elsewhere (a CI log), one plain
 * line at most every interval seconds, so that a long run is never silent for minutes and
 * a short one prints nothing. ETA: the mean time per kernel so far, times what remains.
 */
static void progress(const struct batch_options *o, struct progress_state *ps, size_t done,
		     size_t total, size_t failed)
{
	double t = now(), el = t - ps->t0, iv = o->progress_interval > 0 ? o->progress_interval : 10;
	char e[32], eta[32];
	int width = 30, fill = total ? (int)(done * width / total) : width;

	if (!o->progress_tty && (t - ps->last < iv || done == total))
		return;
	fmt_secs(el, e, sizeof(e));
	if (done)
		fmt_secs(el / done * (total - done), eta, sizeof(eta));
	else
		snprintf(eta, sizeof(eta), "?");
	if (o->progress_tty) {
		fprintf(o->progress, "\r[%.*s%*s] %zu/%zu kernels, %zu failed, %s, eta %s\033[K",
			fill, "##############################", width - fill, "", done, total,
			failed, e, eta);
	} else {
		fprintf(o->progress,
			"btfgen-batch: progress: %zu/%zu kernels, %zu failed, elapsed %s, eta %s\n",
			done, total, failed, e, eta);
		ps->last = t;
	}
	fflush(o->progress);
}

int batch__run(const struct manifest *m, const struct batch_options *opts,
	       struct batch_summary *sum, char *err, size_t err_sz)
{
	const char *out = opts->output ? opts->output : m->output;
	struct batch_ctx ctx = { .m = m };
	struct bundle_writer *w = NULL;
	struct bundle_generator gen;
	enum bundle_layout layout = BUNDLE_LAYOUT_BUNDLE;
	enum bundle_compression comp;
	struct wpool *pool = NULL;
	struct kernel_result *r;
	double t0 = now(), wall0 = (double)time(NULL);
	struct progress_state ps = { t0, t0 };
	const char *memo_dir = NULL;
	size_t idx;
	int jobs = opts->jobs > 0 ? opts->jobs : m->jobs;
	struct stat st;
	int ret;

	memset(sum, 0, sizeof(*sum));
	sum->output = out;
	if (jobs <= 0)
		jobs = sysconf(_SC_NPROCESSORS_ONLN) > 0 ? (int)sysconf(_SC_NPROCESSORS_ONLN) : 1;
	ctx.verify = opts->verify < 0 ? m->verify : opts->verify;
	comp = m->compression == MANIFEST_COMPRESS_XZ	? BUNDLE_COMPRESS_XZ :
	       m->compression == MANIFEST_COMPRESS_NONE ? BUNDLE_COMPRESS_NONE :
							  BUNDLE_COMPRESS_ZSTD;
	if (m->format == MANIFEST_FORMAT_TREE)
		layout = strstr(out, ".tar") ? BUNDLE_LAYOUT_TREE_TAR : BUNDLE_LAYOUT_TREE_DIR;
	/* the folders above the output, so "dist/app.tar.zst" just works */
	ret = btfgen_mkdir_p(out, 1, err, err_sz);
	if (!ret && m->cache) {
		ctx.cache = m->cache;
		ret = result_cache__prepare(m->cache, err, err_sz);
	}
	ctx.kcache = opts->kernel_cache ? opts->kernel_cache : m->kernel_cache;
	if (!ret && ctx.kcache)
		ret = kernel_cache__prepare(ctx.kcache, err, err_sz);
	memo_dir = ctx.cache ? ctx.cache : ctx.kcache;
	if (!ret && memo_dir && !(ctx.memo = input_memo__load(memo_dir)))
		ret = -ENOMEM;
	if (ret)
		goto out;
	batch__generator(&gen);
	w = bundle_writer__new(out, layout, comp, &gen, err, err_sz);
	if (!w) {
		ret = -errno;
		goto out;
	}
	ret = load_objects(&ctx, w, err, err_sz);
	if (ret)
		goto out;
	ctx.sel = calloc(m->kernel_cnt, sizeof(*ctx.sel));
	if (!ctx.sel) {
		ret = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < m->kernel_cnt; i++)
		if (opts->shard_n < 2 || i % opts->shard_n == opts->shard_k - 1)
			ctx.sel[ctx.sel_cnt++] = i;
	/* a window of two kernels per worker keeps every core busy while the writer catches up */
	pool = wpool__new(jobs, ctx.sel_cnt, 2 * (size_t)jobs, kernel_work, &ctx);
	if (!pool) {
		ret = -errno;
		snprintf(err, err_sz, "cannot start %d workers: %s", jobs, strerror(errno));
		goto out;
	}
	for (idx = 0; idx < ctx.sel_cnt; idx++) {
		const struct manifest_kernel *k = &m->kernels[ctx.sel[idx]];
		struct bundle_kernel bk = {
			.distro = k->distro, .version = k->version, .arch = k->arch,
			.release = k->release,
		};

		r = wpool__next(pool, NULL);
		if (!r) {
			ret = -ENOMEM;
			snprintf(err, err_sz, "kernel '%s': out of memory", k->name);
			goto out;
		}
		bk.status = r->reason ? "failed" : "ok";
		bk.reason = r->reason;
		bk.input_sha256_hex = r->input_sha[0] ? r->input_sha : NULL;
		bk.input_size = r->input_size;
		bk.full_btf_size = r->full_size;
		bk.btf = r->btf;
		bk.btf_size = r->btf_size;
		bk.unsatisfied = r->unsat;
		bk.unsatisfied_cnt = r->unsat_cnt;
		ret = bundle_writer__add_kernel(w, &bk);
		if (ret) {
			snprintf(err, err_sz, "kernel '%s': index: %s", k->name, strerror(-ret));
			kernel_result__free(r);
			goto out;
		}
		if (ctx.memo && r->have_st && r->input_sha[0])
			input_memo__add(ctx.memo, k->input, &r->st, r->input_sha, wall0);
		sum->kernels++;
		sum->input_bytes += r->input_size;
		sum->unsatisfied += r->unsat_cnt;
		sum->failing_kernels += bundle_unsatisfied__any_failing(r->unsat, r->unsat_cnt);
		if (r->reason) {
			sum->failed++;
			if (opts->log) {
				if (opts->progress && opts->progress_tty)
					fprintf(opts->progress, "\r\033[K");
				fprintf(opts->log, "btfgen-batch: kernel '%s': %s\n", k->name,
					r->reason);
			}
		} else {
			sum->ok++;
		}
		if (opts->progress)
			progress(opts, &ps, sum->kernels, ctx.sel_cnt, sum->failed);
		kernel_result__free(r);
	}
	if (opts->progress && opts->progress_tty)
		fprintf(opts->progress, "\r\033[K");
	ret = bundle_writer__commit(w, err, err_sz);
	if (ret)
		goto out;
	if (ctx.memo)
		input_memo__save(ctx.memo, memo_dir);
	sum->distinct = bundle_writer__blob_cnt(w);
	if (!stat(out, &st) && S_ISREG(st.st_mode))
		sum->output_size = st.st_size;
out:
	sum->seconds = now() - t0;
	wpool__free(pool, kernel_result__free);
	bundle_writer__free(w);
	free(ctx.sel);
	input_memo__free(ctx.memo);
	free_ctx(&ctx);
	return ret;
}
