// SPDX-License-Identifier: BSD-2-Clause
/* bundle: runtime lookup (key normalization, fallback to the release) and host detection. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "bundle.h"

#define CANON_SZ 64

static void lower(const char *in, char *out, size_t out_sz)
{
	size_t i;

	for (i = 0; in[i] && i + 1 < out_sz; i++)
		out[i] = (char)tolower((unsigned char)in[i]);
	out[i] = '\0';
}

/* BTFHub arch names: hosts say aarch64 (uname) or amd64 (dpkg), BTFHub says arm64, x86_64. */
static void canon_arch(const char *in, char *out)
{
	lower(in, out, CANON_SZ);
	if (!strcmp(out, "aarch64") || !strcmp(out, "arm64"))
		strcpy(out, "arm64");
	else if (!strcmp(out, "amd64") || !strcmp(out, "x86-64") || !strcmp(out, "x64"))
		strcpy(out, "x86_64");
}

/*
 * os-release IDs are what BTFHub names directories after; other tools' names for the same
 * distributions (DataDog's platform aliases) map to them.
 */
static void canon_distro(const char *in, char *out)
{
	static const struct {
		const char *alias, *id;
	} ids[] = {
		{ "amazon", "amzn" },
		{ "redhat", "rhel" },
		{ "oracle", "ol" },
		{ "suse", "sles" },
		{ "opensuse", "opensuse-leap" },
	};
	size_t i;

	lower(in, out, CANON_SZ);
	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
		if (!strcmp(out, ids[i].alias))
			strcpy(out, ids[i].id);
}

static const struct {
	const char *num, *name;
} debian_names[] = {
	{ "9", "stretch" },   { "10", "buster" }, { "11", "bullseye" },
	{ "12", "bookworm" }, { "13", "trixie" }, { "14", "forky" },
};

static int rhel_like(const char *distro)
{
	static const char *const ids[] = { "rhel", "ol", "centos", "rocky", "almalinux", "alma" };
	size_t i;

	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
		if (!strcmp(distro, ids[i]))
			return 1;
	return 0;
}

/*
 * One spelling per version: Debian codenames become numbers; RHEL and its rebuilds are
 * published per major version; Amazon Linux 1 says 2018.03 where BTFHub says 2018.
 */
static void canon_version(const char *distro, const char *in, char *out)
{
	size_t i;
	char *dot;

	lower(in, out, CANON_SZ);
	if (!strcmp(distro, "debian")) {
		for (i = 0; i < sizeof(debian_names) / sizeof(debian_names[0]); i++)
			if (!strcmp(out, debian_names[i].name))
				strcpy(out, debian_names[i].num);
	} else if (rhel_like(distro) || !strcmp(distro, "amzn")) {
		dot = strchr(out, '.');
		if (dot)
			*dot = '\0';
	}
}

const char *btfgen_bundle_match_kind__str(enum bundle_match_kind kind)
{
	switch (kind) {
	case BUNDLE_MATCH_EXACT:
		return "exact";
	case BUNDLE_MATCH_ALIAS:
		return "alias";
	case BUNDLE_MATCH_RELEASE_ONLY:
		return "release-only";
	}
	return "unknown";
}

/* Same answer whichever candidate we take: same status and same blob. */
static int same_content(const struct bundle_entry *a, const struct bundle_entry *b)
{
	return !strcmp(a->status, b->status) && !strcmp(a->blob, b->blob);
}

enum pass { PASS_EXACT, PASS_ALIAS, PASS_RELEASE };

static int pass_matches(enum pass pass, const struct bundle_query *q, const char *qd,
			const char *qv, const char *qa, const struct bundle_entry *e)
{
	char d[CANON_SZ], v[CANON_SZ], a[CANON_SZ];

	if (strcmp(e->release, q->release))
		return 0;
	switch (pass) {
	case PASS_EXACT:
		return !strcmp(e->distro, q->distro) && !strcmp(e->version, q->version) &&
		       !strcmp(e->arch, q->arch);
	case PASS_ALIAS:
		canon_distro(e->distro, d);
		canon_version(d, e->version, v);
		canon_arch(e->arch, a);
		return !strcmp(d, qd) && !strcmp(v, qv) && !strcmp(a, qa);
	case PASS_RELEASE:
		if (!*qa)
			return 1;
		canon_arch(e->arch, a);
		return !strcmp(a, qa);
	}
	return 0;
}

int btfgen_bundle__find(const struct bundle *b, const struct bundle_query *q,
			struct bundle_match *m)
{
	char qd[CANON_SZ], qv[CANON_SZ], qa[CANON_SZ];
	size_t i, n = btfgen_bundle__entry_cnt(b);
	const struct bundle_entry *first;
	enum pass pass;

	memset(m, 0, sizeof(*m));
	if (!*q->release)
		return -EINVAL;
	canon_distro(q->distro, qd);
	canon_version(qd, q->version, qv);
	canon_arch(q->arch, qa);

	/* 1. exact keys, 2. normalized keys, 3. the release (+arch) alone */
	for (pass = PASS_EXACT; pass <= PASS_RELEASE; pass++) {
		int same = 1;

		if (pass != PASS_RELEASE && (!*q->distro || !*q->version || !*q->arch))
			continue;
		first = NULL;
		m->cand_cnt = 0;
		for (i = 0; i < n; i++) {
			const struct bundle_entry *e = btfgen_bundle__entry(b, i);

			if (!pass_matches(pass, q, qd, qv, qa, e))
				continue;
			if (!first)
				first = e;
			else if (!same_content(first, e))
				same = 0;
			if (m->cand_cnt < BUNDLE_MAX_CANDIDATES)
				m->cands[m->cand_cnt] = e;
			m->cand_cnt++;
		}
		if (!first)
			continue;
		m->kind = pass == PASS_EXACT ? BUNDLE_MATCH_EXACT :
			  pass == PASS_ALIAS ? BUNDLE_MATCH_ALIAS :
					       BUNDLE_MATCH_RELEASE_ONLY;
		if (!same)
			return -ENOTUNIQ;
		m->entry = first;
		return strcmp(first->status, "ok") ? -ENODATA : 0;
	}
	m->cand_cnt = 0;
	return -ENOENT;
}

/* os-release(5): KEY=value, value unquoted or in "..." (with \ escapes) or '...'. */
static void os_release_value(const char *in, char *out, size_t out_sz)
{
	size_t o = 0;
	char quote = 0;

	while (*in == ' ' || *in == '\t')
		in++;
	if (*in == '"' || *in == '\'')
		quote = *in++;
	for (; *in && *in != '\n' && o + 1 < out_sz; in++) {
		if (quote && *in == quote)
			break;
		if (!quote && (*in == ' ' || *in == '\t' || *in == '#'))
			break;
		if (quote == '"' && *in == '\\' && in[1])
			in++;
		out[o++] = *in;
	}
	out[o] = '\0';
}

int btfgen_bundle_host__read_os_release(struct bundle_query *q, const char *path)
{
	char line[512], id[sizeof(q->distro)] = "", ver[sizeof(q->version)] = "";
	FILE *f = fopen(path, "re");

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		const char *p = line;

		while (*p == ' ' || *p == '\t')
			p++;
		if (!strncmp(p, "ID=", 3))
			os_release_value(p + 3, id, sizeof(id));
		else if (!strncmp(p, "VERSION_ID=", 11))
			os_release_value(p + 11, ver, sizeof(ver));
	}
	fclose(f);
	if (!*q->distro)
		snprintf(q->distro, sizeof(q->distro), "%s", id);
	if (!*q->version)
		snprintf(q->version, sizeof(q->version), "%s", ver);
	return 0;
}

int btfgen_bundle_host__uname(struct bundle_query *q)
{
	struct utsname u;

	if (uname(&u))
		return -errno;
	if (!*q->release)
		snprintf(q->release, sizeof(q->release), "%s", u.release);
	if (!*q->arch)
		snprintf(q->arch, sizeof(q->arch), "%s", u.machine);
	return 0;
}

int btfgen_bundle_host__detect(struct bundle_query *q, const char *os_release_path)
{
	const char *env = getenv("BTFGEN_OS_RELEASE");
	int err;

	/* containers mount the host's os-release elsewhere: the environment says where */
	if (env && *env)
		err = btfgen_bundle_host__read_os_release(q, env);
	else if (os_release_path)
		err = btfgen_bundle_host__read_os_release(q, os_release_path);
	else if ((err = btfgen_bundle_host__read_os_release(q, "/etc/os-release")) == -ENOENT)
		err = btfgen_bundle_host__read_os_release(q, "/usr/lib/os-release");
	if (err == -ENOENT)
		err = 0;
	if (err)
		return err;
	return btfgen_bundle_host__uname(q);
}
