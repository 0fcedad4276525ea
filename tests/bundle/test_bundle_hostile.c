// SPDX-License-Identifier: BSD-2-Clause
/*
 * tests/bundle: hostile bundles against the reader's limits (bundle.h, btfgen_bundle_opts).
 * Each case is a small file that used to cost gigabytes, wrap a size, hang or put control
 * characters into the one-line message; each must now fail with the error naming the limit,
 * in bounded time and memory (measured in a child: peak RSS and time are printed, and checked
 * against the documented bound and 1 s of CPU when the build is not sanitized: CMake also
 * builds this test without sanitizers, as bundle.hostile_bounds). Also the runtime form's one
 * integrity check, blobs_sha256, against damaged and ill-formed sets.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <zstd.h>

#include "bundle.h"
#include "sha256.h"

static int failures;

#define CHECK(cond, ...)                                                     \
	do {                                                                 \
		if (!(cond)) {                                               \
			fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
			fprintf(stderr, __VA_ARGS__);                        \
			fputc('\n', stderr);                                 \
			failures++;                                          \
		}                                                            \
	} while (0)

#if defined(__SANITIZE_ADDRESS__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANITIZED 1
#endif
#endif
#ifndef SANITIZED
#define SANITIZED 0
#endif

/* A growable output for the compressor. */
struct out {
	unsigned char *p;
	size_t len, cap;
};

static void out_put(struct out *o, const void *d, size_t n)
{
	if (o->len + n > o->cap) {
		o->cap = (o->len + n) * 2;
		o->p = realloc(o->p, o->cap);
		if (!o->p)
			abort();
	}
	if (n)
		memcpy(o->p + o->len, d, n);
	o->len += n;
}

/* Streams input into a zstd frame, without ever holding the (large) decompressed text. */
struct zw {
	ZSTD_CCtx *c;
	struct out o;
};

static void zw_feed(struct zw *z, const void *d, size_t n, ZSTD_EndDirective end)
{
	ZSTD_inBuffer ib = { d, n, 0 };
	unsigned char buf[1 << 16];
	size_t r;

	do {
		ZSTD_outBuffer ob = { buf, sizeof(buf), 0 };

		r = ZSTD_compressStream2(z->c, &ob, &ib, end);
		if (ZSTD_isError(r))
			abort();
		out_put(&z->o, buf, ob.pos);
	} while (ib.pos < ib.size || (end == ZSTD_e_end && r));
}

static void tar_header(unsigned char h[512], const char *name, unsigned long long size)
{
	unsigned sum = 0;
	int i;

	memset(h, 0, 512);
	snprintf((char *)h, 100, "%s", name);
	snprintf((char *)h + 100, 8, "%07o", 0644);
	snprintf((char *)h + 108, 8, "%07o", 0);
	snprintf((char *)h + 116, 8, "%07o", 0);
	snprintf((char *)h + 124, 12, "%011llo", size);
	snprintf((char *)h + 136, 12, "%011o", 0);
	h[156] = '0';
	memcpy(h + 257, "ustar", 6);
	memcpy(h + 263, "00", 2);
	memset(h + 148, ' ', 8);
	for (i = 0; i < 512; i++)
		sum += h[i];
	snprintf((char *)h + 148, 8, "%06o", sum);
	h[155] = ' ';
}

/*
 * A zstd bundle whose index.json is head + fill x reps + tail (the size declared in the frame
 * header, or not). Returns the compressed bytes.
 */
static unsigned char *zbundle(const char *head, const char *fill, unsigned long long reps,
			      const char *tail, int declare, size_t *len)
{
	unsigned long long isz = strlen(head) + strlen(fill) * reps + strlen(tail);
	unsigned long long pad = (512 - isz % 512) % 512, total = 512 + isz + pad + 1024;
	unsigned char h[512], zero[2048] = { 0 }, chunk[1 << 16];
	size_t flen = strlen(fill), per = sizeof(chunk) / flen, i;
	struct zw z = { ZSTD_createCCtx() };

	ZSTD_CCtx_setParameter(z.c, ZSTD_c_compressionLevel, 3);
	ZSTD_CCtx_setParameter(z.c, ZSTD_c_checksumFlag, 1);
	if (declare)
		ZSTD_CCtx_setPledgedSrcSize(z.c, total);
	else
		ZSTD_CCtx_setParameter(z.c, ZSTD_c_contentSizeFlag, 0);
	tar_header(h, "index.json", isz);
	zw_feed(&z, h, 512, ZSTD_e_continue);
	zw_feed(&z, head, strlen(head), ZSTD_e_continue);
	for (i = 0; i < per; i++)
		memcpy(chunk + i * flen, fill, flen);
	while (reps) {
		unsigned long long n = reps < per ? reps : per;

		zw_feed(&z, chunk, n * flen, ZSTD_e_continue);
		reps -= n;
	}
	zw_feed(&z, tail, strlen(tail), ZSTD_e_continue);
	zw_feed(&z, zero, pad + 1024, ZSTD_e_end);
	ZSTD_freeCCtx(z.c);
	*len = z.o.len;
	return z.o.p;
}

static int has_ctrl(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

struct outcome {
	int opened, err;
	char msg[512];
	double seconds, cpu;
	long maxrss_kb;
};

/* Opens data in a child (its own peak RSS) with a deadline; the outcome comes back by pipe. */
static struct outcome open_in_child(const void *data, size_t len,
				    const struct btfgen_bundle_opts *opts)
{
	struct outcome o = { 0 };
	struct timespec t0, t1;
	struct rusage ru;
	int pfd[2], st;
	pid_t pid;

	if (pipe(pfd))
		abort();
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid = fork();
	if (!pid) {
		struct bundle *b;

		close(pfd[0]);
		alarm(60); /* a hang is a failure, not a stuck test */
		b = btfgen_bundle__open_mem_opts(data, len, opts, o.msg, sizeof(o.msg));
		o.opened = !!b;
		o.err = b ? 0 : errno;
		btfgen_bundle__free(b);
		if (write(pfd[1], &o, sizeof(o)) != sizeof(o))
			_exit(2);
		_exit(0);
	}
	close(pfd[1]);
	if (read(pfd[0], &o, sizeof(o)) != sizeof(o))
		snprintf(o.msg, sizeof(o.msg), "child died");
	close(pfd[0]);
	wait4(pid, &st, 0, &ru);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	o.seconds = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	/* CPU time (user + system) of the child: what the bound is about, whatever the load */
	o.cpu = ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
		(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
	o.maxrss_kb = ru.ru_maxrss;
	if (!WIFEXITED(st) || WEXITSTATUS(st))
		o.err = -1;
	return o;
}

/* The documented worst case of the defaults (bundle.h), for a bundle of in_len bytes. */
static double bound_mb(size_t in_len)
{
	return (in_len + 2.0 * BTFGEN_BUNDLE_MAX_SIZE +
		(double)BTFGEN_BUNDLE_MAX_JSON_VALUES * BTFGEN_BUNDLE_NODE_SIZE) /
	       (1 << 20);
}

static void expect_limit(const char *what, const unsigned char *data, size_t len, const char *limit,
			 const struct btfgen_bundle_opts *opts)
{
	struct outcome o = open_in_child(data, len, opts);

	printf("%-38s %6zu bytes: %.3f s (cpu %.3f s), peak RSS %ld MB (bound %.0f MB): %s\n", what,
	       len, o.seconds, o.cpu, o.maxrss_kb / 1024, bound_mb(len), o.msg);
	CHECK(!o.opened && o.err == EFBIG, "%s: opened %d errno %d (%s), want EFBIG", what,
	      o.opened, o.err, o.msg);
	CHECK(strstr(o.msg, limit), "%s: the message does not name %s: %s", what, limit, o.msg);
	CHECK(!has_ctrl(o.msg), "%s: control character in the message", what);
	if (!SANITIZED) {
		CHECK(o.maxrss_kb / 1024.0 <= bound_mb(len), "%s: peak RSS %ld MB over the bound",
		      what, o.maxrss_kb / 1024);
		CHECK(o.cpu <= 1.0, "%s: %.3f s of CPU to fail, want <= 1 s", what, o.cpu);
	}
}

#define HEAD "{\"format\":\"btfgen-bundle\",\"format_version\":1,\"objects\":["
#define TAIL "0],\"kernels\":[]}"

static void test_amplification(void)
{
	size_t len;
	unsigned char *d;

	/* 48 MiB of [0,0,...] (under max_size): the node array is what is bounded */
	d = zbundle(HEAD, "0,", 24ULL << 20, TAIL, 1, &len);
	CHECK(len <= 1 << 20, "case is %zu bytes, want <= 1 MB", len);
	expect_limit("index.json 48 MiB of [0,0,...]", d, len, "max_json_values", NULL);
	free(d);
	/* the case: 256 MiB of it, from 22 KB */
	d = zbundle(HEAD, "0,", 128ULL << 20, TAIL, 1, &len);
	CHECK(len <= 1 << 20, "case is %zu bytes, want <= 1 MB", len);
	expect_limit("index.json 256 MiB, size declared", d, len, "max_size", NULL);
	free(d);
	/* no content size in the frame: the buffer must not grow past the limit */
	d = zbundle(HEAD, "0,", 64ULL << 20, TAIL, 0, &len);
	CHECK(len <= 1 << 20, "case is %zu bytes, want <= 1 MB", len);
	expect_limit("index.json 128 MiB, size undeclared", d, len, "max_size", NULL);
	free(d);
}

/* Two frame headers whose declared sizes sum past 2^64 (1000 + 2^64 - 500). */
static void test_wrap(void)
{
	unsigned char d[2 * 16];
	unsigned long long sz[2] = { 1000, 0ULL - 500 };
	size_t n = 0;
	int i, k;

	for (i = 0; i < 2; i++) {
		static const unsigned char magic[4] = { 0x28, 0xb5, 0x2f, 0xfd };

		memcpy(d + n, magic, 4);
		n += 4;
		d[n++] = 0xe0; /* 8-byte content size, single segment, no checksum */
		for (k = 0; k < 8; k++)
			d[n++] = (unsigned char)(sz[i] >> (8 * k));
		d[n++] = 0x01; /* last block, raw, 0 bytes */
		d[n++] = 0;
		d[n++] = 0;
	}
	expect_limit("zstd frame sizes summing past 2^64", d, n, "max_size", NULL);
}

static void test_opts(void)
{
	struct btfgen_bundle_opts small = { .sz = sizeof(small), .max_json_values = 10 };
	struct btfgen_bundle_opts old = { .sz = offsetof(struct btfgen_bundle_opts, max_size) +
						sizeof(old.max_size),
					  .max_size = 1 << 20,
					  .max_json_values = 1 };
	struct btfgen_bundle_opts tiny = { .sz = sizeof(tiny), .max_size = 600 };
	struct btfgen_bundle_opts names = { .sz = sizeof(names), .max_name_len = 3 };
	const char *kern = "{\"distro\":\"debian\",\"version\":\"12\",\"arch\":\"x86_64\","
			   "\"release\":\"6.1.0\",\"status\":\"failed\",\"reason\":\"x\"}";
	char head[512], msg[512];
	struct bundle *b;
	unsigned char *d;
	size_t len;

	snprintf(head, sizeof(head), "%s],\"kernels\":[%s", HEAD, kern);
	d = zbundle(head, ",", 0, "]}", 1, &len);
	b = btfgen_bundle__open_mem_opts(d, len, NULL, msg, sizeof(msg));
	CHECK(b && btfgen_bundle__entry_cnt(b) == 1, "defaults: %s", msg);
	btfgen_bundle__free(b);
	expect_limit("max_json_values = 10", d, len, "max_json_values", &small);
	expect_limit("max_size = 600", d, len, "max_size", &tiny);
	expect_limit("max_name_len = 3", d, len, "max_name_len", &names);
	/* a caller built against a smaller struct: fields past its sz are not read */
	b = btfgen_bundle__open_mem_opts(d, len, &old, msg, sizeof(msg));
	CHECK(b, "opts with a short sz: %s", msg);
	btfgen_bundle__free(b);
	free(d);
}

/* Names with control characters reach messages escaped, on one line. */
static void test_control_chars(void)
{
	unsigned char tar[512 * 4] = { 0 };
	char msg[512];
	struct bundle *b;
	unsigned char *d;
	size_t len;

	tar_header(tar, "evil\x1b[2J\nname", 0);
	b = btfgen_bundle__open_mem(tar, sizeof(tar), msg, sizeof(msg));
	CHECK(!b && !has_ctrl(msg) && strstr(msg, "evil\\x1b[2J\\nname"), "tar name: %s", msg);
	CHECK(!strcmp(msg, btfgen_bundle__errstr()), "errstr '%s' vs err '%s'",
	      btfgen_bundle__errstr(), msg);
	btfgen_bundle__free(b);
	d = zbundle(HEAD "],\"kernels\":[{\"distro\":\"d\",\"version\":\"v\",\"arch\":\"a\","
			 "\"release\":\"r\",\"status\":\"\\u001b]0;pwned\\u0007\\n\"}",
		    " ", 0, "]}", 1, &len);
	b = btfgen_bundle__open_mem(d, len, msg, sizeof(msg));
	CHECK(!b && !has_ctrl(msg) && strstr(msg, "\\x1b]0;pwned\\x07\\n"), "status: %s", msg);
	free(d);
	/* the helper itself: escapes, backslash, truncation */
	{
		char q[16];

		CHECK(!strcmp(btfgen_bundle__quote("a\tb\\c\x7f", q, sizeof(q)), "a\\tb\\\\c\\x7f"),
		      "quote: %s", q);
		btfgen_bundle__quote("0123456789abcdefghij", q, sizeof(q));
		CHECK(strlen(q) < sizeof(q) && strstr(q, "..."), "quote truncation: %s", q);
	}
}

/* A FIFO is refused at once, not opened for a read that blocks forever. */
static void test_fifo(void)
{
	char dir[] = "/tmp/btfgen-hostile-XXXXXX", path[64], msg[512];
	struct bundle *b;

	if (!mkdtemp(dir)) {
		CHECK(0, "mkdtemp: %s", strerror(errno));
		return;
	}
	snprintf(path, sizeof(path), "%s/fifo", dir);
	CHECK(!mkfifo(path, 0600), "mkfifo: %s", strerror(errno));
	alarm(10); /* SIGALRM kills the test if open blocks */
	b = btfgen_bundle__open_file(path, msg, sizeof(msg));
	alarm(0);
	CHECK(!b && errno == EINVAL && strstr(msg, "not a regular file"), "fifo: %s", msg);
	unlink(path);
	rmdir(dir);
}

/* A plain-tar bundle: index.json, then each blob member in the order given, end blocks. */
static unsigned char *plain_bundle(const char *index, const char *const *names,
				   const char *const *datas, size_t n, size_t *len)
{
	size_t cap = 512 * 4 + strlen(index), off = 0, i;
	unsigned char *t;

	for (i = 0; i < n; i++)
		cap += 1024 + strlen(datas[i]);
	t = calloc(1, cap);
	if (!t)
		abort();
	for (i = 0; i <= n; i++) {
		const char *name = i ? names[i - 1] : "index.json";
		const char *data = i ? datas[i - 1] : index;

		tar_header(t + off, name, strlen(data));
		memcpy(t + off + 512, data, strlen(data));
		off += 512 + (strlen(data) + 511) / 512 * 512;
	}
	*len = off + 1024;
	return t;
}

/* The SHA-256 of the concatenation of datas[order[0]], datas[order[1]], ... in hex. */
static void set_hex(const char *const *datas, const int *order, size_t n, char hex[65])
{
	unsigned char d[SHA256_DIGEST_SIZE];
	struct sha256_ctx c;

	btfgen_sha256_init(&c);
	for (size_t i = 0; i < n; i++)
		btfgen_sha256_update(&c, datas[order[i]], strlen(datas[order[i]]));
	btfgen_sha256_final(&c, d);
	btfgen_sha256_hex(d, hex);
}

/* Opens a two-kernel runtime bundle whose index carries set (NULL: no blobs_sha256). */
static struct bundle *open_runtime(const char *set, unsigned char **tar, char *msg, size_t msg_sz)
{
	static const char *const names[] = { "blobs/a.btf", "blobs/b.btf" };
	static const char *const datas[] = { "first blob", "second, longer blob" };
	char index[1024];
	size_t len;

	snprintf(index, sizeof(index),
		 "{\"format\":\"btfgen-bundle\",\"format_version\":1,\"form\":\"runtime\",%s%s%s"
		 "\"objects\":[],\"kernels\":["
		 "{\"distro\":\"d\",\"version\":\"1\",\"arch\":\"x86_64\",\"release\":\"a\","
		 "\"status\":\"ok\",\"blob\":\"blobs/a.btf\",\"btf_size\":10},"
		 "{\"distro\":\"d\",\"version\":\"1\",\"arch\":\"x86_64\",\"release\":\"b\","
		 "\"status\":\"ok\",\"blob\":\"blobs/b.btf\",\"btf_size\":19}]}",
		 set ? "\"blobs_sha256\":\"" : "", set ? set : "", set ? "\"," : "");
	*tar = plain_bundle(index, names, datas, 2, &len);
	return btfgen_bundle__open_mem(*tar, len, msg, msg_sz);
}

/*
 * The runtime form's integrity is one SHA-256 over its blobs in stored order: a blob is served
 * only once the whole set matched, whichever kernel is asked for first; a set hash that is not
 * hex, or an entry with neither hash, is refused at open.
 */
static void test_set_hash(void)
{
	static const char *const datas[] = { "first blob", "second, longer blob" };
	static const int stored[] = { 0, 1 }, swapped[] = { 1, 0 };
	char good[65], bad[65], msg[512];
	unsigned char *tar;
	struct bundle *b;
	const void *p;
	size_t size = 0;

	set_hex(datas, stored, 2, good);
	set_hex(datas, swapped, 2, bad);
	b = open_runtime(good, &tar, msg, sizeof(msg));
	CHECK(b, "runtime bundle with a good set hash: %s", msg);
	p = b ? btfgen_bundle__btf_data(b, btfgen_bundle__entry(b, 1), &size) : NULL;
	CHECK(p && size == 19 && !memcmp(p, "second, longer blob", 19), "second blob: %s",
	      b ? btfgen_bundle__error(b) : "");
	p = b ? btfgen_bundle__btf_data(b, btfgen_bundle__entry(b, 0), &size) : NULL;
	CHECK(p && size == 10 && !memcmp(p, "first blob", 10), "first blob");
	btfgen_bundle__free(b);
	free(tar);

	b = open_runtime(bad, &tar, msg, sizeof(msg));
	CHECK(b, "a wrong set hash is found when a blob is asked for, not at open: %s", msg);
	for (size_t i = 0; b && i < 2; i++) {
		p = btfgen_bundle__btf_data(b, btfgen_bundle__entry(b, i), &size);
		CHECK(!p && errno == EBADMSG && strstr(btfgen_bundle__error(b), "blobs_sha256"),
		      "blob %zu served with a wrong set hash: %s", i, btfgen_bundle__error(b));
	}
	btfgen_bundle__free(b);
	free(tar);

	b = open_runtime("not-hex", &tar, msg, sizeof(msg));
	CHECK(!b && strstr(msg, "blobs_sha256 is not"), "set hash not hex: %s", msg);
	btfgen_bundle__free(b);
	free(tar);

	b = open_runtime(NULL, &tar, msg, sizeof(msg));
	CHECK(!b && strstr(msg, "btf_sha256"), "no hash at all: %s", msg);
	btfgen_bundle__free(b);
	free(tar);
}

int main(void)
{
	test_set_hash();
	test_control_chars();
	test_fifo();
	test_opts();
	test_wrap();
	test_amplification();
	if (failures) {
		fprintf(stderr, "%d failure(s)\n", failures);
		return 1;
	}
	printf("hostile bundles: all refused within their limits\n");
	return 0;
}
