// SPDX-License-Identifier: BSD-2-Clause
/* tests/bundle: runtime lookup on a synthetic bundle: aliases, fallback, ambiguity, os-release. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bundle_writer.h"

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

static const struct {
	const char *d, *v, *a, *r;
	char blob; /* content tag; 0: failed */
} kerns[] = {
	{ "debian", "bullseye", "x86_64", "5.10.0-30-amd64", 'A' },
	{ "debian", "bullseye", "arm64", "5.10.0-30-arm64", 'B' },
	{ "debian", "12", "x86_64", "6.1.0-47-amd64", 'C' },
	{ "rhel", "8", "x86_64", "4.18.0-305.el8.x86_64", 'D' },
	{ "centos", "8", "x86_64", "4.18.0-240.el8.x86_64", 'E' },
	{ "ol", "8", "x86_64", "4.18.0-305.el8.x86_64", 'F' },
	{ "amzn", "2018", "x86_64", "4.14.238-125.422.amzn1.x86_64", 'G' },
	{ "ubuntu", "20.04", "x86_64", "5.4.0-42-generic", 'H' },
	{ "ubuntu", "18.04", "x86_64", "5.4.0-42-generic", 'H' },
	{ "ubuntu", "20.04", "arm64", "5.4.0-42-generic", 'I' },
	{ "fedora", "34", "x86_64", "5.11.12-300.fc34.x86_64", 0 },
};
#define NKERN (sizeof(kerns) / sizeof(kerns[0]))

static struct bundle *make_bundle(const char *path)
{
	struct bundle_writer *w;
	unsigned char btf[64];
	char err[256];
	size_t i;

	w = btfgen_bundle_writer__new(path, BUNDLE_LAYOUT_BUNDLE, BUNDLE_COMPRESS_ZSTD, NULL, err,
				      sizeof(err));
	for (i = 0; w && i < NKERN; i++) {
		struct bundle_kernel k = { kerns[i].d, kerns[i].v, kerns[i].a, kerns[i].r };

		memset(btf, kerns[i].blob, sizeof(btf));
		if (kerns[i].blob) {
			k.status = "ok";
			k.btf = btf;
			k.btf_size = sizeof(btf);
		} else {
			k.status = "failed";
			k.reason = "BTF archive is empty";
		}
		CHECK(!btfgen_bundle_writer__add_kernel(w, &k), "add %zu", i);
	}
	CHECK(w && !btfgen_bundle_writer__commit(w, err, sizeof(err)), "commit: %s", err);
	btfgen_bundle_writer__free(w);
	return btfgen_bundle__open_file(path, err, sizeof(err));
}

static struct bundle_query query(const char *d, const char *v, const char *a, const char *r)
{
	struct bundle_query q = {};

	snprintf(q.distro, sizeof(q.distro), "%s", d);
	snprintf(q.version, sizeof(q.version), "%s", v);
	snprintf(q.arch, sizeof(q.arch), "%s", a);
	snprintf(q.release, sizeof(q.release), "%s", r);
	return q;
}

/* find must return want_ret; on a match, the entry's content tag and the match kind. */
static void expect(struct bundle *b, const char *d, const char *v, const char *a, const char *r,
		   int want_ret, char want_blob, enum bundle_match_kind want_kind)
{
	struct bundle_query q = query(d, v, a, r);
	struct bundle_match m;
	const unsigned char *data;
	size_t sz;
	int ret = btfgen_bundle__find(b, &q, &m);

	CHECK(ret == want_ret, "%s/%s/%s/%s: ret %d want %d", d, v, a, r, ret, want_ret);
	if (ret || want_ret)
		return;
	data = btfgen_bundle__btf_data(b, m.entry, &sz);
	CHECK(data && data[0] == want_blob, "%s/%s/%s/%s: got blob '%c' want '%c'", d, v, a, r,
	      data ? data[0] : '?', want_blob);
	CHECK(m.kind == want_kind, "%s/%s/%s/%s: kind %s want %s", d, v, a, r,
	      btfgen_bundle_match_kind__str(m.kind), btfgen_bundle_match_kind__str(want_kind));
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static void test_os_release(const char *dir)
{
	static const struct {
		const char *text, *id, *ver;
	} cases[] = {
		{ "NAME=\"Debian GNU/Linux\"\nVERSION_ID=\"11\"\nID=debian\nPRETTY_NAME=\"x\"\n",
		  "debian", "11" },
		{ "ID=\"rhel\"\nID_LIKE=\"fedora\"\nVERSION_ID='8.4'\n", "rhel", "8.4" },
		{ "ID=ol\nVERSION_ID=8.4 # comment\n", "ol", "8.4" },
		{ "  ID=\"amzn\"\n\nVERSION_ID=\"2018.03\"\n", "amzn", "2018.03" },
		{ "ID=\"ub\\\"untu\"\n", "ub\"untu", "" },
	};
	struct bundle_query q;
	char path[256], path2[256];
	size_t i;

	snprintf(path, sizeof(path), "%s/os-release", dir);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&q, 0, sizeof(q));
		write_file(path, cases[i].text);
		CHECK(!btfgen_bundle_host__read_os_release(&q, path), "read");
		CHECK(!strcmp(q.distro, cases[i].id) && !strcmp(q.version, cases[i].ver),
		      "case %zu: got '%s' '%s'", i, q.distro, q.version);
	}
	/* preset fields win; $BTFGEN_OS_RELEASE wins over the path given */
	memset(&q, 0, sizeof(q));
	strcpy(q.version, "bookworm");
	write_file(path, "ID=debian\nVERSION_ID=\"12\"\n");
	snprintf(path2, sizeof(path2), "%s/os-release2", dir);
	write_file(path2, "ID=centos\nVERSION_ID=\"7\"\n");
	setenv("BTFGEN_OS_RELEASE", path, 1);
	CHECK(!btfgen_bundle_host__detect(&q, path2), "detect");
	CHECK(!strcmp(q.distro, "debian") && !strcmp(q.version, "bookworm"), "env: %s %s", q.distro,
	      q.version);
	CHECK(*q.release && *q.arch, "uname not filled");
	unsetenv("BTFGEN_OS_RELEASE");
	memset(&q, 0, sizeof(q));
	CHECK(!btfgen_bundle_host__detect(&q, path2), "detect");
	CHECK(!strcmp(q.distro, "centos") && !strcmp(q.version, "7"), "path: %s", q.distro);
	memset(&q, 0, sizeof(q));
	CHECK(btfgen_bundle_host__read_os_release(&q, "/nonexistent/os-release") == -ENOENT,
	      "missing");
	printf("ok   os-release parsing and host detection\n");
}

int main(void)
{
	char dir[] = "/tmp/btfgen-lookup-XXXXXX", path[256];
	struct bundle_query q;
	struct bundle_match m;
	struct bundle *b;
	size_t i;

	if (!mkdtemp(dir))
		return 1;
	snprintf(path, sizeof(path), "%s/t.bundle", dir);
	b = make_bundle(path);
	CHECK(b, "open");
	if (!b)
		return 1;

	/* every kernel by its own keys */
	for (i = 0; i < NKERN; i++)
		expect(b, kerns[i].d, kerns[i].v, kerns[i].a, kerns[i].r,
		       kerns[i].blob ? 0 : -ENODATA, kerns[i].blob, BUNDLE_MATCH_EXACT);
	/* what hosts report */
	expect(b, "debian", "11", "x86_64", "5.10.0-30-amd64", 0, 'A', BUNDLE_MATCH_ALIAS);
	expect(b, "debian", "11", "aarch64", "5.10.0-30-arm64", 0, 'B', BUNDLE_MATCH_ALIAS);
	expect(b, "debian", "bullseye", "amd64", "5.10.0-30-amd64", 0, 'A', BUNDLE_MATCH_ALIAS);
	expect(b, "Debian", "bookworm", "x86_64", "6.1.0-47-amd64", 0, 'C', BUNDLE_MATCH_ALIAS);
	expect(b, "rhel", "8.4", "x86_64", "4.18.0-305.el8.x86_64", 0, 'D', BUNDLE_MATCH_ALIAS);
	expect(b, "ol", "8.4", "x86_64", "4.18.0-305.el8.x86_64", 0, 'F', BUNDLE_MATCH_ALIAS);
	expect(b, "centos", "8.3", "x86_64", "4.18.0-240.el8.x86_64", 0, 'E', BUNDLE_MATCH_ALIAS);
	expect(b, "amzn", "2018.03", "x86_64", "4.14.238-125.422.amzn1.x86_64", 0, 'G',
	       BUNDLE_MATCH_ALIAS);
	expect(b, "ubuntu", "20.04", "aarch64", "5.4.0-42-generic", 0, 'I', BUNDLE_MATCH_ALIAS);
	expect(b, "Amazon", "2018.03", "x86_64", "4.14.238-125.422.amzn1.x86_64", 0, 'G',
	       BUNDLE_MATCH_ALIAS);
	expect(b, "oracle", "8.4", "x86_64", "4.18.0-305.el8.x86_64", 0, 'F', BUNDLE_MATCH_ALIAS);
	/* distro/version miss: release (+arch) alone */
	expect(b, "rocky", "8.4", "x86_64", "4.18.0-240.el8.x86_64", 0, 'E',
	       BUNDLE_MATCH_RELEASE_ONLY);
	expect(b, "", "", "amd64", "5.10.0-30-amd64", 0, 'A', BUNDLE_MATCH_RELEASE_ONLY);
	expect(b, "debian", "13", "aarch64", "5.10.0-30-arm64", 0, 'B', BUNDLE_MATCH_RELEASE_ONLY);
	/* same release in two Ubuntu versions with the same BTF: one answer */
	expect(b, "ubuntu", "22.04", "x86_64", "5.4.0-42-generic", 0, 'H',
	       BUNDLE_MATCH_RELEASE_ONLY);
	/* wrong arch for a release: absent, not the other arch's BTF */
	expect(b, "debian", "11", "x86_64", "5.10.0-30-arm64", -ENOENT, 0, 0);
	/* rhel and ol share the release with different BTFs: ambiguous, with both candidates */
	q = query("rocky", "8.4", "x86_64", "4.18.0-305.el8.x86_64");
	CHECK(btfgen_bundle__find(b, &q, &m) == -ENOTUNIQ && m.cand_cnt == 2 && !m.entry &&
		      m.kind == BUNDLE_MATCH_RELEASE_ONLY,
	      "ambiguous: cand_cnt %zu", m.cand_cnt);
	CHECK(m.cand_cnt == 2 && !strcmp(m.cands[0]->distro, "rhel") &&
		      !strcmp(m.cands[1]->distro, "ol"),
	      "candidates");
	/* absent, failed, invalid */
	expect(b, "debian", "11", "x86_64", "9.9.9-nope", -ENOENT, 0, 0);
	q = query("fedora", "34", "x86_64", "5.11.12-300.fc34.x86_64");
	CHECK(btfgen_bundle__find(b, &q, &m) == -ENODATA && m.entry &&
		      !strcmp(m.entry->status, "failed"),
	      "failed kernel");
	expect(b, "debian", "11", "x86_64", "", -EINVAL, 0, 0);
	btfgen_bundle__free(b);
	printf("ok   lookup: exact, aliases, release-only, ambiguity, absence\n");

	test_os_release(dir);
	snprintf(path, sizeof(path), "rm -rf %s", dir);
	if (!failures && system(path))
		return 1;
	return failures ? 1 : 0;
}
