// SPDX-License-Identifier: BSD-2-Clause
/* tests/bundle: writer determinism and dedup, reader round trip and strictness, tree layouts. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zstd.h>

#include "bundle_priv.h"
#include "bundle_writer.h"
#include "sha256.h"

static int failures;

#define CHECK(cond, ...)                                                                \
	do {                                                                            \
		if (!(cond)) {                                                          \
			fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond); \
			fprintf(stderr, __VA_ARGS__);                                   \
			fputc('\n', stderr);                                            \
			failures++;                                                     \
		}                                                                       \
	} while (0)

static char tmpdir[] = "/tmp/btfgen-bundle-rw-XXXXXX";

/* Blob i: distinct pseudo-random bytes (not BTF: the format does not care). */
static unsigned char blobs[4][300];

static void make_blobs(void)
{
	unsigned x = 12345;
	int i, j;

	for (i = 0; i < 4; i++)
		for (j = 0; j < 300; j++) {
			x = x * 1103515245 + 12345;
			blobs[i][j] = (unsigned char)(x >> 16);
		}
}

static const struct {
	const char *d, *v, *a, *r;
	int blob; /* -1: failed */
} kerns[] = {
	{ "debian", "bullseye", "x86_64", "5.10.0-30-amd64", 0 },
	{ "debian", "bullseye", "x86_64", "5.10.0-30-cloud-amd64", 1 },
	{ "debian", "12", "x86_64", "6.1.0-47-amd64", 2 },
	{ "debian", "12", "x86_64", "6.1.0-50-amd64", 2 }, /* same BTF as the previous */
	{ "debian", "12", "arm64", "6.1.0-47-arm64", 3 },
	{ "debian", "12", "arm64", "6.1.0-99-arm64", -1 },
};
#define NKERN (sizeof(kerns) / sizeof(kerns[0]))

static int write_bundle(const char *path, enum bundle_layout layout, enum bundle_compression comp)
{
	struct bundle_generator gen = { "0.1.0", "1.1.2", "3.6.2", "1.5.4", "2.14" };
	struct bundle_unsatisfied u = { "opensnoop.bpf.o",
					"tracepoint__syscalls__sys_enter_open",
					3,
					"field_byte_offset",
					"struct task_struct",
					"0:12",
					"field not found" };
	struct bundle_object o = { "opensnoop.bpf.o", "x86_64", "ab", 17 };
	struct bundle_writer *w;
	char err[256];
	size_t i;
	int ret;

	w = btfgen_bundle_writer__new(path, layout, comp, &gen, err, sizeof(err));
	if (!w)
		return -errno;
	ret = btfgen_bundle_writer__add_object(w, &o);
	for (i = 0; i < NKERN && !ret; i++) {
		struct bundle_kernel k = {
			.distro = kerns[i].d,
			.version = kerns[i].v,
			.arch = kerns[i].a,
			.release = kerns[i].r,
			.input_sha256_hex = "00ff",
			.input_size = 1000 + i,
			.full_btf_size = 5000000 + i,
		};

		if (kerns[i].blob >= 0) {
			k.status = "ok";
			k.btf = blobs[kerns[i].blob];
			k.btf_size = sizeof(blobs[0]);
		} else {
			k.status = "failed";
			k.reason = "no .BTF section";
		}
		if (i == 1) {
			k.unsatisfied = &u;
			k.unsatisfied_cnt = 1;
		}
		ret = btfgen_bundle_writer__add_kernel(w, &k);
	}
	if (!ret)
		ret = btfgen_bundle_writer__commit(w, err, sizeof(err));
	if (ret)
		fprintf(stderr, "write %s: %s\n", path, err);
	btfgen_bundle_writer__free(w);
	return ret;
}

static void *slurp(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc(n + 1);
	if (buf && fread(buf, 1, n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	*size = n;
	return buf;
}

static int count_temp_files(const char *dir)
{
	struct dirent *de;
	DIR *d = opendir(dir);
	int n = 0;

	if (!d)
		return -1;
	while ((de = readdir(d)))
		if (strstr(de->d_name, ".tmp"))
			n++;
	closedir(d);
	return n;
}

static void test_determinism(void)
{
	static const char *comps[] = { "zstd", "xz", "none" };
	char a[256], b[256];
	int c, l;

	for (l = 0; l < 2; l++) {
		for (c = 0; c < 3; c++) {
			size_t na, nb;
			char *da, *db;

			snprintf(a, sizeof(a), "%s/det-a-%d-%s", tmpdir, l, comps[c]);
			snprintf(b, sizeof(b), "%s/det-b-%d-%s", tmpdir, l, comps[c]);
			CHECK(!write_bundle(a, l ? BUNDLE_LAYOUT_TREE_TAR : BUNDLE_LAYOUT_BUNDLE,
					    c),
			      "%s", a);
			CHECK(!write_bundle(b, l ? BUNDLE_LAYOUT_TREE_TAR : BUNDLE_LAYOUT_BUNDLE,
					    c),
			      "%s", b);
			da = slurp(a, &na);
			db = slurp(b, &nb);
			CHECK(da && db && na == nb && !memcmp(da, db, na),
			      "layout %d %s: two writes of the same input differ", l, comps[c]);
			free(da);
			free(db);
		}
	}
	printf("ok   determinism (bundle and tree tar; zstd, xz, none)\n");
}

static void test_roundtrip(void)
{
	struct bundle_unsatisfied u;
	char path[256], err[256], bpath[64];
	struct bundle *b;
	size_t i, sz;
	const void *d;
	int c;

	for (c = 0; c < 3; c++) {
		snprintf(path, sizeof(path), "%s/rt-%d", tmpdir, c);
		CHECK(!write_bundle(path, BUNDLE_LAYOUT_BUNDLE, c), "write");
		b = btfgen_bundle__open_file(path, err, sizeof(err));
		CHECK(b, "open: %s", err);
		if (!b)
			continue;
		CHECK(btfgen_bundle__blob_cnt(b) == 4, "dedup: %zu blobs, want 4",
		      btfgen_bundle__blob_cnt(b));
		CHECK(btfgen_bundle__entry_cnt(b) == NKERN, "entries %zu",
		      btfgen_bundle__entry_cnt(b));
		CHECK(btfgen_bundle__object_cnt(b) == 1 &&
			      btfgen_bundle__object(b, 0)->relocations == 17 &&
			      !strcmp(btfgen_bundle__object(b, 0)->name, "opensnoop.bpf.o"),
		      "objects");
		CHECK(!btfgen_bundle__verify(b, err, sizeof(err)), "verify: %s", err);
		CHECK(!strcmp(btfgen_bundle__generator(b, "libbpf"), "1.1.2"), "generator");
		for (i = 0; i < NKERN; i++) {
			const struct bundle_entry *e = btfgen_bundle__entry(b, i);

			CHECK(!strcmp(e->distro, kerns[i].d) && !strcmp(e->version, kerns[i].v) &&
				      !strcmp(e->arch, kerns[i].a) &&
				      !strcmp(e->release, kerns[i].r),
			      "entry %zu keys", i);
			CHECK(e->input_size == 1000 + i && e->full_btf_size == 5000000 + i,
			      "entry %zu sizes", i);
			d = btfgen_bundle__btf_data(b, e, &sz);
			if (kerns[i].blob < 0) {
				CHECK(!d && errno == ENODATA && !strcmp(e->status, "failed") &&
					      !strcmp(e->reason, "no .BTF section"),
				      "failed entry %zu", i);
				CHECK(btfgen_bundle__btf_path(b, e, bpath, sizeof(bpath)) ==
					      -ENODATA,
				      "path");
				continue;
			}
			CHECK(d && sz == sizeof(blobs[0]) && !memcmp(d, blobs[kerns[i].blob], sz),
			      "entry %zu BTF differs", i);
			CHECK(!btfgen_bundle__btf_path(b, e, bpath, sizeof(bpath)), "btf_path");
			{
				size_t n;
				char *m = slurp(bpath, &n);

				CHECK(m && n == sz && !memcmp(m, d, n), "memfd %s content", bpath);
				free(m);
			}
		}
		CHECK(!strcmp(btfgen_bundle__entry(b, 2)->blob, btfgen_bundle__entry(b, 3)->blob),
		      "equal BTFs share a blob");
		/* named after the first kernel that has it; checked against btf_sha256 */
		for (i = 0; i < NKERN; i++) {
			const struct bundle_entry *e = btfgen_bundle__entry(b, i);
			char want[256], hex[65];
			unsigned char dg[32];
			size_t f = i;

			if (kerns[i].blob < 0) {
				CHECK(!*e->blob && !*e->btf_sha256_hex,
				      "failed entry %zu has a blob", i);
				continue;
			}
			while (f > 0 && kerns[f - 1].blob == kerns[i].blob)
				f--;
			snprintf(want, sizeof(want), "blobs/%s/%s/%s/%s.btf", kerns[f].d,
				 kerns[f].v, kerns[f].a, kerns[f].r);
			CHECK(!strcmp(e->blob, want), "entry %zu blob %s, want %s", i, e->blob,
			      want);
			btfgen_sha256(blobs[kerns[i].blob], sizeof(blobs[0]), dg);
			btfgen_sha256_hex(dg, hex);
			CHECK(!strcmp(e->btf_sha256_hex, hex), "entry %zu btf_sha256", i);
		}
		{
			size_t n;
			const char *idx = btfgen_bundle__index_json(b, &n);
			const char *mx = btfgen_bundle__matrix_json(b, &sz);

			CHECK(idx && memmem(idx, n, "\"unsatisfied\":1", 15) &&
				      !memmem(idx, n, "field_byte_offset", 17),
			      "index.json must carry the count, not the list");
			CHECK(mx && memmem(mx, sz, "field_byte_offset", 17), "matrix.json");
		}
		CHECK(strcmp(btfgen_bundle__entry(b, 0)->blob, btfgen_bundle__entry(b, 1)->blob),
		      "distinct blobs");
		CHECK(btfgen_bundle__entry(b, 1)->unsatisfied_cnt == 1 &&
			      !btfgen_bundle__unsatisfied(b, btfgen_bundle__entry(b, 1), 0, &u) &&
			      u.relocation == 3 && !strcmp(u.kind, "field_byte_offset") &&
			      !strcmp(u.access, "0:12"),
		      "unsatisfied");
		CHECK(btfgen_bundle__unsatisfied(b, btfgen_bundle__entry(b, 0), 0, &u) == -ERANGE,
		      "unsat range");
		btfgen_bundle__free(b);
	}
	printf("ok   round trip, dedup, memfd path\n");
}

static int file_eq(const char *path, const void *data, size_t size)
{
	size_t n;
	char *m = slurp(path, &n);
	int eq = m && n == size && !memcmp(m, data, n);

	free(m);
	return eq;
}

static void test_tree_dir(void)
{
	char tree[256], path[512], bpath[256], err[256];
	struct bundle *b;
	const char *idx;
	size_t i, n;
	FILE *f;

	snprintf(tree, sizeof(tree), "%s/tree", tmpdir);
	CHECK(!write_bundle(tree, BUNDLE_LAYOUT_TREE_DIR, BUNDLE_COMPRESS_NONE), "tree");
	for (i = 0; i < NKERN; i++) {
		struct stat st;

		snprintf(path, sizeof(path), "%s/%s/%s/%s/%s.btf", tree, kerns[i].d, kerns[i].v,
			 kerns[i].a, kerns[i].r);
		if (kerns[i].blob < 0)
			CHECK(stat(path, &st) && errno == ENOENT, "%s must not exist", path);
		else
			CHECK(file_eq(path, blobs[kerns[i].blob], sizeof(blobs[0])), "%s", path);
	}
	/* the tree's index.json is the bundle's */
	snprintf(bpath, sizeof(bpath), "%s/rt-0", tmpdir);
	b = btfgen_bundle__open_file(bpath, err, sizeof(err));
	CHECK(b, "%s", err);
	if (b) {
		idx = btfgen_bundle__index_json(b, &n);
		snprintf(path, sizeof(path), "%s/index.json", tree);
		CHECK(file_eq(path, idx, n), "tree index.json differs from the bundle's");
		idx = btfgen_bundle__matrix_json(b, &n);
		snprintf(path, sizeof(path), "%s/matrix.json", tree);
		CHECK(idx && file_eq(path, idx, n), "tree matrix.json differs from the bundle's");
		btfgen_bundle__free(b);
	}
	/* replacing an earlier tree works; a stale file in it disappears */
	snprintf(path, sizeof(path), "%s/stale", tree);
	f = fopen(path, "w");
	if (f)
		fclose(f);
	CHECK(!write_bundle(tree, BUNDLE_LAYOUT_TREE_DIR, BUNDLE_COMPRESS_NONE), "re-tree");
	CHECK(access(path, F_OK) && errno == ENOENT, "old tree not replaced");
	/* a directory that is not ours is never replaced */
	snprintf(path, sizeof(path), "%s/notours", tmpdir);
	mkdir(path, 0755);
	snprintf(bpath, sizeof(bpath), "%s/notours/precious", tmpdir);
	f = fopen(bpath, "w");
	if (f)
		fclose(f);
	CHECK(write_bundle(path, BUNDLE_LAYOUT_TREE_DIR, BUNDLE_COMPRESS_NONE) == -EEXIST,
	      "replaced a foreign directory");
	CHECK(!access(bpath, F_OK), "foreign file removed");
	CHECK(count_temp_files(tmpdir) == 0, "temp dirs left behind");
	printf("ok   tree dir layout\n");
}

/*
 * The tree tar: index.json, then <distro>/<version>/<arch>/<release>.btf of each ok kernel,
 * then matrix.json.
 */
static void test_tree_tar(void)
{
	char path[256], want[256];
	size_t n, off = 0, i = 0, member = 0;
	unsigned char *t;

	snprintf(path, sizeof(path), "%s/tree.tar", tmpdir);
	CHECK(!write_bundle(path, BUNDLE_LAYOUT_TREE_TAR, BUNDLE_COMPRESS_NONE), "tree tar");
	t = slurp(path, &n);
	CHECK(t && n % 10240 == 0, "tree tar size %zu", n);
	while (t && off + 512 <= n && t[off]) {
		size_t size = strtoul((char *)t + off + 124, NULL, 8);

		if (member == 0) {
			CHECK(!strcmp((char *)t + off, "index.json"), "first member %s", t + off);
		} else if (member == 1 + 5) {
			CHECK(!strcmp((char *)t + off, "matrix.json"), "last member %s", t + off);
		} else {
			while (i < NKERN && kerns[i].blob < 0)
				i++;
			CHECK(i < NKERN, "extra member %s", t + off);
			if (i >= NKERN)
				break;
			snprintf(want, sizeof(want), "%s/%s/%s/%s.btf", kerns[i].d, kerns[i].v,
				 kerns[i].a, kerns[i].r);
			CHECK(!strcmp((char *)t + off, want), "member %s, want %s", t + off, want);
			CHECK(size == sizeof(blobs[0]) &&
				      !memcmp(t + off + 512, blobs[kerns[i].blob], size),
			      "member %s content", want);
			i++;
		}
		member++;
		off += 512 + (size + 511) / 512 * 512;
	}
	CHECK(member == 1 + 5 + 1, "tree tar has %zu members", member);
	free(t);
	printf("ok   tree tar layout\n");
}

static void test_failures(void)
{
	struct bundle_writer *w;
	struct bundle_kernel k = { "debian", "12", "x86_64", "6.1.0-47-amd64", "ok", NULL };
	char path[256], err[256];
	struct stat st;

	snprintf(path, sizeof(path), "%s/no/such/dir/x.bundle", tmpdir);
	CHECK(write_bundle(path, BUNDLE_LAYOUT_BUNDLE, BUNDLE_COMPRESS_ZSTD) < 0,
	      "commit into a "
	      "missing directory succeeded");
	/* a failed commit leaves the old bundle intact */
	snprintf(path, sizeof(path), "%s/keep.bundle", tmpdir);
	CHECK(!write_bundle(path, BUNDLE_LAYOUT_BUNDLE, BUNDLE_COMPRESS_ZSTD), "write");
	chmod(tmpdir, 0555);
	if (geteuid() != 0) {
		/* root ignores directory permissions: only meaningful for others */
		CHECK(write_bundle(path, BUNDLE_LAYOUT_BUNDLE, BUNDLE_COMPRESS_XZ) < 0, "ro dir");
	}
	chmod(tmpdir, 0755);
	CHECK(!stat(path, &st) && st.st_size > 0, "old bundle damaged");

	/* an uncommitted writer leaves nothing */
	snprintf(path, sizeof(path), "%s/uncommitted", tmpdir);
	w = btfgen_bundle_writer__new(path, BUNDLE_LAYOUT_BUNDLE, BUNDLE_COMPRESS_ZSTD, NULL, err,
				      sizeof(err));
	CHECK(w, "new");
	k.btf = blobs[0];
	k.btf_size = 10;
	CHECK(!btfgen_bundle_writer__add_kernel(w, &k), "add");
	CHECK(btfgen_bundle_writer__add_kernel(w, &k) == -EEXIST, "duplicate key accepted");
	k.release = "../../etc/passwd";
	CHECK(btfgen_bundle_writer__add_kernel(w, &k) == -EINVAL, "path in key accepted");
	/* the blob member name must fit a ustar header: refused when added, not at commit */
	k.release = "6.1.0-47-amd64-with-a-release-string-far-longer-than-any-distribution-uses-"
		    "for-its-kernels-today-or-tomorrow";
	CHECK(btfgen_bundle_writer__add_kernel(w, &k) == -ENAMETOOLONG,
	      "unstorable blob name accepted");
	k.release = "x";
	k.status = "ok";
	k.btf = NULL;
	CHECK(btfgen_bundle_writer__add_kernel(w, &k) == -EINVAL, "ok without btf accepted");
	k.status = "failed";
	k.reason = NULL;
	CHECK(btfgen_bundle_writer__add_kernel(w, &k) == -EINVAL, "failed without reason accepted");
	k.status = "weird";
	k.reason = "x";
	CHECK(btfgen_bundle_writer__add_kernel(w, &k) == -EINVAL, "unknown status accepted");
	btfgen_bundle_writer__free(w);
	CHECK(access(path, F_OK) && errno == ENOENT, "uncommitted writer wrote a file");
	CHECK(count_temp_files(tmpdir) == 0, "temp files left behind");
	btfgen_bundle_writer__free(NULL);
	btfgen_bundle__free(NULL);
	printf("ok   writer failures leave nothing behind\n");
}

/* Replaces the first occurrence of from by to (same length) in buf. */
static int patch(char *buf, size_t n, const char *from, const char *to)
{
	size_t l = strlen(from), i;

	for (i = 0; i + l <= n; i++) {
		if (!memcmp(buf + i, from, l)) {
			memcpy(buf + i, to, l);
			return 1;
		}
	}
	return 0;
}

static void expect_open_fails(const char *what, const void *data, size_t n, int want_errno)
{
	char err[256] = "";
	struct bundle *b = btfgen_bundle__open_mem(data, n, err, sizeof(err));

	CHECK(!b && (!want_errno || errno == want_errno) && *err, "%s: opened (or wrong errno %d)",
	      what, errno);
	if (!b)
		printf("     %s -> \"%s\"\n", what, err);
	btfgen_bundle__free(b);
}

/* A hand-made plain-tar bundle: index.json, the given members, matrix.json (if given). */
struct craft {
	const char *name;
	const void *data;
	size_t size;
};

static struct bundle *open_crafted(const char *index, size_t index_len, const struct craft *m,
				   size_t n, char *err, size_t err_sz)
{
	struct bbuf t = {};
	struct bundle *b = NULL;
	size_t i;
	int ret;

	ret = btfgen_tar__append(&t, "index.json", index, index_len);
	for (i = 0; i < n && !ret; i++)
		ret = btfgen_tar__append(&t, m[i].name, m[i].data, m[i].size);
	ret = ret ? ret : btfgen_tar__finish(&t, 0);
	if (!ret)
		b = btfgen_bundle__open_mem(t.data, t.len, err, err_sz);
	btfgen_bbuf__free(&t);
	return b;
}

/* Expects btfgen_bundle__btf_data to refuse entry i with errno want; prints the message. */
static void expect_no_btf(struct bundle *b, size_t i, int want, const char *what)
{
	size_t sz;
	const void *d = btfgen_bundle__btf_data(b, btfgen_bundle__entry(b, i), &sz);

	CHECK(!d && errno == want && *btfgen_bundle__error(b), "%s: served (or errno %d)", what,
	      errno);
	if (!d)
		printf("     %s -> \"%s\"\n", what, btfgen_bundle__error(b));
}

/*
 * Lazy strictness: open reads index.json only, so damage further on must fail the call that
 * reaches it (and btfgen_bundle__verify), never serve wrong bytes.
 */
static void test_strict_lazy(const char *index, size_t index_len, const char *matrix,
			     size_t matrix_len)
{
	struct craft m[8];
	struct bundle *b;
	struct bundle_unsatisfied u;
	char err[256], *mx;
	size_t sz;
	int k;

	/* the members the writer makes: blob 0, 1, 2 (kernels 2, 3), 3 (in any order) */
	for (k = 0; k < 4; k++) {
		static char names[4][128];
		static const int first[4] = { 0, 1, 2, 4 };

		snprintf(names[k], sizeof(names[k]), "blobs/%s/%s/%s/%s.btf", kerns[first[k]].d,
			 kerns[first[k]].v, kerns[first[k]].a, kerns[first[k]].r);
		m[k] = (struct craft){ names[k], blobs[k], sizeof(blobs[k]) };
	}
	m[4] = (struct craft){ "matrix.json", matrix, matrix_len };

	b = open_crafted(index, index_len, m, 5, err, sizeof(err));
	CHECK(b && !btfgen_bundle__verify(b, err, sizeof(err)), "crafted bundle: %s", err);
	btfgen_bundle__free(b);

	/* a blob the index names is not stored */
	m[5] = m[0];
	b = open_crafted(index, index_len, m + 1, 4, err, sizeof(err));
	CHECK(b, "lazy: open should succeed: %s", err);
	if (b) {
		expect_no_btf(b, 0, ENOENT, "missing blob");
		CHECK(btfgen_bundle__btf_data(b, btfgen_bundle__entry(b, 4), &sz),
		      "present blob refused");
		CHECK(btfgen_bundle__verify(b, err, sizeof(err)), "verify passed a missing blob");
		btfgen_bundle__free(b);
	}
	/* a member the index does not name, before the blob asked for */
	m[5] = (struct craft){ "blobs/debian/12/x86_64/stray.btf", blobs[0], 10 };
	{
		struct craft x[6] = { m[0], m[5], m[1], m[2], m[3], m[4] };

		b = open_crafted(index, index_len, x, 6, err, sizeof(err));
		CHECK(b, "lazy: open should succeed: %s", err);
		if (b) {
			CHECK(btfgen_bundle__btf_data(b, btfgen_bundle__entry(b, 0), &sz),
			      "blob before refused");
			expect_no_btf(b, 4, EBADMSG, "unexpected member");
			CHECK(btfgen_bundle__verify(b, err, sizeof(err)),
			      "verify passed a stray member");
			btfgen_bundle__free(b);
		}
		/* a blob stored twice */
		x[1] = m[0];
		b = open_crafted(index, index_len, x, 6, err, sizeof(err));
		CHECK(b && btfgen_bundle__verify(b, err, sizeof(err)) == -EBADMSG,
		      "verify passed a blob stored twice");
		if (b)
			printf("     blob stored twice -> \"%s\"\n", err);
		btfgen_bundle__free(b);
		/* a blob of another size than the index says */
		x[1] = m[1];
		x[1].size = 299;
		b = open_crafted(index, index_len, x + 1, 5, err, sizeof(err));
		if (b)
			expect_no_btf(b, 1, EBADMSG, "blob size");
		btfgen_bundle__free(b);
		/* bytes that do not hash to btf_sha256 (the name is right) */
		x[1] = (struct craft){ m[1].name, blobs[0], sizeof(blobs[0]) };
		b = open_crafted(index, index_len, x + 1, 5, err, sizeof(err));
		if (b)
			expect_no_btf(b, 1, EBADMSG, "blob SHA-256");
		btfgen_bundle__free(b);
	}

	/* matrix.json: missing, not JSON, not matching the index, followed by a member */
	b = open_crafted(index, index_len, m, 4, err, sizeof(err));
	CHECK(b, "no matrix: open should succeed: %s", err);
	if (b) {
		CHECK(btfgen_bundle__btf_data(b, btfgen_bundle__entry(b, 4), &sz),
		      "no matrix: blob refused");
		CHECK(btfgen_bundle__unsatisfied(b, btfgen_bundle__entry(b, 0), 0, &u) == -ERANGE,
		      "range");
		CHECK(btfgen_bundle__unsatisfied(b, btfgen_bundle__entry(b, 1), 0, &u) == -EBADMSG,
		      "no matrix: unsatisfied served");
		CHECK(btfgen_bundle__load_matrix(b, err, sizeof(err)) == -EBADMSG,
		      "no matrix: loaded");
		printf("     no matrix.json -> \"%s\"\n", err);
		CHECK(btfgen_bundle__verify(b, err, sizeof(err)),
		      "verify passed without matrix.json");
		btfgen_bundle__free(b);
	}
	mx = malloc(matrix_len);
	memcpy(mx, matrix, matrix_len);
	CHECK(patch(mx, matrix_len, "{\"kernels\"", "[\"kernels\""), "patch");
	m[4].data = mx;
	b = open_crafted(index, index_len, m, 5, err, sizeof(err));
	CHECK(b && btfgen_bundle__load_matrix(b, err, sizeof(err)) == -EBADMSG, "matrix not JSON");
	if (b)
		printf("     matrix.json not JSON -> \"%s\"\n", err);
	btfgen_bundle__free(b);
	memcpy(mx, matrix, matrix_len);
	CHECK(patch(mx, matrix_len, "5.10.0-30-cloud-amd64", "5.10.0-31-cloud-amd64"), "patch");
	b = open_crafted(index, index_len, m, 5, err, sizeof(err));
	CHECK(b && btfgen_bundle__unsatisfied(b, btfgen_bundle__entry(b, 1), 0, &u) == -EBADMSG,
	      "matrix of other kernels accepted");
	if (b)
		printf("     matrix.json of other kernels -> \"%s\"\n", btfgen_bundle__error(b));
	btfgen_bundle__free(b);
	free(mx);
	/* the right kernels, but no relocation listed where the index counts one */
	{
		size_t off = 0, cap = 4096;

		mx = malloc(cap);
		off += snprintf(mx + off, cap - off, "{\"kernels\":[");
		for (k = 0; k < (int)NKERN; k++)
			off += snprintf(mx + off, cap - off,
					"%s{\"distro\":\"%s\",\"version\":\"%s\",\"arch\":\"%s\","
					"\"release\":\"%s\",\"unsatisfied\":[]}",
					k ? "," : "", kerns[k].d, kerns[k].v, kerns[k].a,
					kerns[k].r);
		off += snprintf(mx + off, cap - off, "]}\n");
		m[4] = (struct craft){ "matrix.json", mx, off };
		b = open_crafted(index, index_len, m, 5, err, sizeof(err));
		CHECK(b && btfgen_bundle__load_matrix(b, err, sizeof(err)) == -EBADMSG,
		      "matrix with other counts accepted");
		if (b)
			printf("     matrix.json with other counts -> \"%s\"\n", err);
		btfgen_bundle__free(b);
		free(mx);
	}
	m[4].data = matrix;
	m[5] = m[0];
	b = open_crafted(index, index_len, m, 6, err, sizeof(err));
	CHECK(b && btfgen_bundle__verify(b, err, sizeof(err)) == -EBADMSG,
	      "member after matrix.json accepted");
	btfgen_bundle__free(b);
}

/* Size of the first zstd frame (index.json's) of a bundle, from its block headers. */
static size_t first_frame_size(const char *buf, size_t n)
{
	size_t r = ZSTD_findFrameCompressedSize(buf, n);

	return ZSTD_isError(r) ? 0 : r;
}

/*
 * Every frame has its own checksum: a flipped byte in index.json's frame fails open (never an
 * index that differs from the written one); in the blob frame, verify fails or nothing
 * changed; blobs served are always right.
 */
static void test_frames(void)
{
	char path[256], err[256], *raw, *buf, *idx0, *mx0;
	size_t n, f1, f2, pos, idx_len, mx_len = 0, bad1 = 0, bad2 = 0, bad3 = 0;
	const char *t0;
	struct bundle *b;

	snprintf(path, sizeof(path), "%s/rt-0", tmpdir);
	raw = slurp(path, &n);
	b = raw ? btfgen_bundle__open_mem(raw, n, err, sizeof(err)) : NULL;
	CHECK(b, "open rt-0: %s", err);
	if (!b) {
		free(raw);
		return;
	}
	t0 = btfgen_bundle__index_json(b, &idx_len);
	idx0 = malloc(idx_len);
	memcpy(idx0, t0, idx_len);
	t0 = btfgen_bundle__matrix_json(b, &mx_len);
	mx0 = malloc(mx_len + 1);
	CHECK(t0, "matrix.json: %s", btfgen_bundle__error(b));
	if (t0)
		memcpy(mx0, t0, mx_len);
	btfgen_bundle__free(b);
	f1 = first_frame_size(raw, n);
	f2 = f1 + first_frame_size(raw + f1, n - f1);
	CHECK(f1 && f2 > f1 && f2 < n, "three frames: %zu %zu %zu", f1, f2, n);
	buf = malloc(n);
	for (pos = 0; f2 > f1 && pos < n; pos++) {
		size_t i, len;
		const char *t;

		memcpy(buf, raw, n);
		buf[pos] ^= 0x10;
		b = btfgen_bundle__open_mem(buf, n, err, sizeof(err));
		if (!b) {
			/* beyond the index frame: the frame sizes walked at open */
			bad1 += pos < f1;
			bad2 += pos >= f1 && pos < f2;
			bad3 += pos >= f2;
			continue;
		}

		t = btfgen_bundle__index_json(b, &len);
		CHECK(len == idx_len && !memcmp(t, idx0, len), "byte %zu: index.json changed", pos);
		for (i = 0; i < btfgen_bundle__entry_cnt(b); i++) {
			const struct bundle_entry *e = btfgen_bundle__entry(b, i);
			const void *d = btfgen_bundle__btf_data(b, e, &len);

			CHECK(!d || (kerns[i].blob >= 0 && len == sizeof(blobs[0]) &&
				     !memcmp(d, blobs[kerns[i].blob], len)),
			      "byte %zu: wrong BTF served for entry %zu", pos, i);
		}
		if (btfgen_bundle__verify(b, err, sizeof(err))) {
			bad2 += pos >= f1 && pos < f2;
			bad3 += pos >= f2;
		} else {
			t = btfgen_bundle__matrix_json(b, &len);
			CHECK(t && len == mx_len && !memcmp(t, mx0, len),
			      "byte %zu: verify passed, matrix.json changed", pos);
		}
		btfgen_bundle__free(b);
	}
	/*
	 * A few flips change nothing (the unused bit of a frame header descriptor, padding bits
	 * of an entropy stream): the content checks above passed for them. Anything more means
	 * checksums are not checked.
	 */
	CHECK(f1 - bad1 <= 4 && f2 - f1 - bad2 <= 4 && n - f2 - bad3 <= 4,
	      "flips not caught: index frame %zu/%zu, blob frame %zu/%zu, matrix frame %zu/%zu",
	      f1 - bad1, f1, f2 - f1 - bad2, f2 - f1, n - f2 - bad3, n - f2);
	printf("ok   %zu flipped bytes: index frame %zu/%zu caught at open, blob frame %zu/%zu and "
	       "matrix frame %zu/%zu at open or by verify; the rest change no content\n",
	       n, bad1, f1, bad2, f2 - f1, bad3, n - f2);
	free(buf);
	free(raw);
	free(idx0);
	free(mx0);
}

static void test_strict(void)
{
	char path[256], err[256], *raw, *buf;
	struct bundle *b;
	size_t n;

	/* plain tar: patch bytes where we want them */
	snprintf(path, sizeof(path), "%s/rt-2", tmpdir);
	raw = slurp(path, &n);
	CHECK(raw, "slurp");
	if (!raw)
		return;
	buf = malloc(n);

	memcpy(buf, raw, n);
	CHECK(patch(buf, n, "\"format_version\":1", "\"format_version\":2"), "patch");
	expect_open_fails("unknown format_version", buf, n, EPROTONOSUPPORT);

	memcpy(buf, raw, n);
	CHECK(patch(buf, n, "{\"format\"", "[\"format\""), "patch");
	expect_open_fails("index.json not JSON", buf, n, EBADMSG);

	memcpy(buf, raw, n);
	CHECK(patch(buf, n, "\"kernels\":[", "\"kernels\":{"), "patch");
	expect_open_fails("index.json kernels not an array", buf, n, EBADMSG);

	memcpy(buf, raw, n);
	CHECK(patch(buf, n, "\"btfgen-bundle\"", "\"btfgen-bundlX\""), "patch");
	expect_open_fails("unknown format", buf, n, EBADMSG);

	memcpy(buf, raw, n);
	CHECK(patch(buf, n, "\"btf_sha256\"", "\"btf_sha25X\""), "patch");
	expect_open_fails("ok entry without btf_sha256", buf, n, EBADMSG);

	/* kernels 2 and 3 share a blob: their entries must agree on it */
	memcpy(buf, raw, n);
	{
		char *at = memmem(buf, n, "6.1.0-50-amd64", 14);

		at = at ? memmem(at, buf + n - at, "\"btf_sha256\":\"", 14) : NULL;
		CHECK(at, "entry 3 not found");
		if (at)
			at[14] = at[14] == '0' ? '1' : '0';
	}
	expect_open_fails("entries disagree on a blob", buf, n, EBADMSG);

	b = btfgen_bundle__open_mem(raw, n, err, sizeof(err));
	CHECK(b, "open: %s", err);
	if (b) {
		size_t il, ml;
		const char *idx = btfgen_bundle__index_json(b, &il);
		const char *mx = btfgen_bundle__matrix_json(b, &ml);

		if (mx)
			test_strict_lazy(idx, il, mx, ml);
		btfgen_bundle__free(b);
	}

	/* tar header damage */
	memcpy(buf, raw, n);
	buf[10] ^= 1;
	expect_open_fails("tar header checksum", buf, n, EBADMSG);
	expect_open_fails("truncated tar", raw, 512 + 100, EBADMSG);
	expect_open_fails("garbage", "hello world, not a bundle at all", 32, EBADMSG);
	expect_open_fails("empty", "", 0, EBADMSG);
	free(raw);

	/* compressed streams: truncation (zstd: the frame sizes are walked at open), damage */
	snprintf(path, sizeof(path), "%s/rt-0", tmpdir);
	raw = slurp(path, &n);
	expect_open_fails("truncated zstd stream", raw, n - 5, 0);
	expect_open_fails("truncated zstd stream (index frame)", raw, 40, 0);
	free(raw);
	snprintf(path, sizeof(path), "%s/rt-1", tmpdir);
	raw = slurp(path, &n);
	memcpy(buf, raw, n);
	buf[n / 2] ^= 0x40;
	expect_open_fails("corrupt xz stream", buf, n, 0);
	expect_open_fails("truncated xz stream", raw, n - 5, 0);
	free(raw);
	free(buf);
	printf("ok   reader strictness\n");
}

/*
 * Random damage (fixed seed) to plain and zstd bundles: the reader must never crash (the
 * sanitizer build checks) and never hand out bytes that do not hash to their blob's name.
 */
static void test_mutations(void)
{
	unsigned x = 42, opened = 0, served = 0;
	char path[256], err[256];
	int c, it;

	for (c = 0; c < 2; c++) {
		size_t n;
		char *raw, *buf;

		snprintf(path, sizeof(path), "%s/rt-%d", tmpdir, c ? 0 : 2);
		raw = slurp(path, &n);
		buf = malloc(n);
		if (!raw || !buf)
			return;
		for (it = 0; it < 1500; it++) {
			struct bundle *b;
			int k, flips;

			memcpy(buf, raw, n);
			x = x * 1103515245 + 12345;
			flips = 1 + (x >> 16) % 4;
			for (k = 0; k < flips; k++) {
				x = x * 1103515245 + 12345;
				buf[(x >> 8) % n] ^= (char)(1 + (x >> 24) % 255);
			}
			b = btfgen_bundle__open_mem(buf, (x & 1) ? n : (x >> 4) % n, err,
						    sizeof(err));
			if (!b)
				continue;
			opened++;
			for (size_t i = 0; i < btfgen_bundle__entry_cnt(b); i++) {
				const struct bundle_entry *e = btfgen_bundle__entry(b, i);
				unsigned char d[32];
				char hex[65];
				const void *data;
				size_t sz;

				data = btfgen_bundle__btf_data(b, e, &sz);
				if (!data)
					continue;
				served++;
				btfgen_sha256(data, sz, d);
				btfgen_sha256_hex(d, hex);
				CHECK(!strcmp(e->btf_sha256_hex, hex) && i < NKERN &&
					      kerns[i].blob >= 0 && sz == sizeof(blobs[0]) &&
					      !memcmp(data, blobs[kerns[i].blob], sz),
				      "served bytes that are not entry %zu's BTF", i);
			}
			btfgen_bundle__free(b);
		}
		free(raw);
		free(buf);
	}
	printf("ok   3000 damaged bundles: %u opened, %u blobs served, all matching their btf_sha256\n",
	       opened, served);
}

int main(void)
{
	char cmd[300];

	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	make_blobs();
	test_determinism();
	test_roundtrip();
	test_tree_dir();
	test_tree_tar();
	test_failures();
	test_strict();
	test_frames();
	test_mutations();
	if (!failures) {
		snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
		if (system(cmd))
			fprintf(stderr, "cannot remove %s\n", tmpdir);
	} else {
		fprintf(stderr, "%d failure(s); files kept in %s\n", failures, tmpdir);
	}
	return failures ? 1 : 0;
}
