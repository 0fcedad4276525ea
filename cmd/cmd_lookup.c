// SPDX-License-Identifier: BSD-2-Clause
/* btfgen-batch lookup: find a kernel's tailored BTF in a bundle (the host by default). */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "bundle.h"
#include "bundle_writer.h"
#include "commands.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: btfgen-batch lookup BUNDLE [--os-release FILE] [--distro ID] [--version V]\n"
		"                           [--arch A] [--release R] [-o OUT.btf] [-j|-p]\n"
		"\n"
		"Finds the BTF of a kernel in BUNDLE. Keys not given come from the host: ID and\n"
		"VERSION_ID from os-release (--os-release FILE, else $BTFGEN_OS_RELEASE, else\n"
		"/etc/os-release, then /usr/lib/os-release), release and arch from uname(2).\n"
		"Matching: exact keys, then normalized keys (aarch64=arm64, amd64=x86_64, Debian\n"
		"11=bullseye..., RHEL/OL/CentOS/Rocky/Alma major version, Amazon 2018.03=2018), then\n"
		"the release (+arch) alone if that is unique. Prints what matched and how.\n"
		"\n"
		"  --os-release FILE  read ID/VERSION_ID from FILE (a host's, in a container)\n"
		"  --distro ID        os-release ID or BTFHub distro (debian, ubuntu, centos, ...)\n"
		"  --version V        os-release VERSION_ID or BTFHub version (11, bullseye, 8, ...)\n"
		"  --arch A           x86_64, arm64 (or aarch64, amd64)\n"
		"  --release R        uname -r of the kernel\n"
		"  -o, --output FILE  write the BTF there (temp file + rename); only when found\n"
		"  -j, --json         print the result as JSON (errors as {\"error\": ...})\n"
		"  -p, --pretty       the same, indented\n"
		"  -h, --help         this text\n"
		"\n"
		"exit codes: 0 found, 2 usage, 3 unreadable bundle or write error, 4 not found,\n"
		"5 ambiguous (several kernels with different BTFs match), 6 the kernel is in\n"
		"the bundle but its BTF failed or was skipped.\n");
}

static void print_entry(FILE *f, const char *prefix, const struct bundle_entry *e)
{
	fprintf(f, "%s%s/%s/%s/%s", prefix, Q(e->distro), Q(e->version), Q(e->arch), Q(e->release));
	if (*e->blob)
		fprintf(f, " -> %s (%llu bytes)\n", Q(e->blob), e->btf_size);
	else
		fprintf(f, " [%s: %s]\n", Q(e->status), Q(e->reason));
}

struct lookup_opts {
	const char *os_release; /* --os-release FILE, else the host's */
	const char *out; /* -o FILE, else NULL */
	const char *path; /* the BUNDLE */
	struct bundle_query q; /* the keys given; the rest filled from the host */
};

/* -1 to go on, else the exit code. */
static int parse_lookup_opts(int argc, char **argv, struct lookup_opts *o)
{
	static const struct option opts[] = {
		{ "os-release", required_argument, NULL, 'O' },
		{ "distro", required_argument, NULL, 'd' },
		{ "version", required_argument, NULL, 'v' },
		{ "arch", required_argument, NULL, 'a' },
		{ "release", required_argument, NULL, 'r' },
		{ "output", required_argument, NULL, 'o' },
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	struct bundle_query *q = &o->q;
	int c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "o:jph", opts, NULL)) != -1) {
		switch (c) {
		case 'O':
			o->os_release = optarg;
			break;
		case 'd':
			snprintf(q->distro, sizeof(q->distro), "%s", optarg);
			break;
		case 'v':
			snprintf(q->version, sizeof(q->version), "%s", optarg);
			break;
		case 'a':
			snprintf(q->arch, sizeof(q->arch), "%s", optarg);
			break;
		case 'r':
			snprintf(q->release, sizeof(q->release), "%s", optarg);
			break;
		case 'o':
			o->out = optarg;
			break;
		default:
			rc = cmd_opt_common(c, usage);
			if (rc >= 0)
				return rc;
		}
	}
	if (optind != argc - 1) {
		cmd_err("lookup", "give exactly one BUNDLE (see lookup --help)");
		return EXIT_USAGE;
	}
	o->path = argv[optind];
	return -1;
}

/* Fills the keys not given from the host (or from --os-release); -1 to go on, else exit code. */
static int lookup_query_from_host(struct lookup_opts *o)
{
	int ret;

	if (o->os_release) {
		ret = btfgen_bundle_host__read_os_release(&o->q, o->os_release);
		if (ret) {
			cmd_err("lookup", "'%s': %s", o->os_release, strerror(-ret));
			return EXIT_USAGE;
		}
		ret = btfgen_bundle_host__uname(&o->q);
	} else {
		ret = btfgen_bundle_host__detect(&o->q, NULL);
	}
	if (ret) {
		cmd_err("lookup", "reading the host's identity: %s", strerror(-ret));
		return EXIT_FATAL;
	}
	return -1;
}

/* btfgen_bundle__find's answers: the "result" word and the exit code of each. */
static const struct lookup_result {
	int err;
	const char *result;
	int rc;
} lookup_results[] = {
	{ 0, "found", EXIT_OK },
	{ -ENODATA, "no-btf", EXIT_LOOKUP_NO_BTF },
	{ -ENOTUNIQ, "ambiguous", EXIT_LOOKUP_AMBIGUOUS },
	{ -ENOENT, "not-found", EXIT_LOOKUP_NOT_FOUND },
};

static const struct lookup_result *lookup_result_of(int err)
{
	size_t i;

	for (i = 0; i < sizeof(lookup_results) / sizeof(lookup_results[0]); i++)
		if (lookup_results[i].err == err)
			return &lookup_results[i];
	return NULL;
}

/* The found entry's BTF to out (temp file + rename); EXIT_OK or EXIT_FATAL. */
static int lookup_write_btf(struct bundle *b, const struct bundle_entry *e, const char *out)
{
	const void *data;
	char err[512];
	size_t size;

	data = btfgen_bundle__btf_data(b, e, &size);
	if (!data) {
		cmd_err("lookup", "%s", btfgen_bundle__error(b));
		return EXIT_FATAL;
	}
	if (btfgen_bundle_file__write_atomic(out, data, size, err, sizeof(err))) {
		cmd_err("lookup", "%s", err);
		return EXIT_FATAL;
	}
	return EXIT_OK;
}

/* EXIT_OK or EXIT_FATAL; wrote: the output path when the BTF was written, else NULL. */
static int print_lookup_json(const struct bundle_query *q, const struct lookup_result *r,
			     const struct bundle_match *m, const char *wrote)
{
	json_t *jo, *cands = NULL;
	size_t i;
	int rc;

	jo = json_pack("{s:s, s:{s:s, s:s, s:s, s:s}}", "result", r->result, "query", "distro",
		       q->distro, "version", q->version, "arch", q->arch, "release", q->release);
	if (r->err == -ENOTUNIQ)
		cands = json_array();
	if (!jo || (r->err == -ENOTUNIQ && !cands)) {
		json_decref(cands);
		json_decref(jo);
		return EXIT_FATAL;
	}
	if (m->entry) {
		json_object_set_new(jo, "match",
				    json_string(btfgen_bundle_match_kind__str(m->kind)));
		json_object_set_new(jo, "entry", cmd_entry_json(m->entry));
	}
	for (i = 0; cands && i < m->cand_cnt && i < BUNDLE_MAX_CANDIDATES; i++)
		json_array_append_new(cands, cmd_entry_json(m->cands[i]));
	if (cands)
		json_object_set_new(jo, "candidates", cands);
	if (wrote)
		json_object_set_new(jo, "output", json_string(wrote));
	rc = cmd_print_json(jo) ? EXIT_FATAL : EXIT_OK;
	json_decref(jo);
	return rc;
}

static void print_lookup_text(const struct bundle_query *q, int ret, const struct bundle_match *m,
			      const char *wrote)
{
	size_t i;

	printf("query: distro=%s version=%s arch=%s release=%s\n", *q->distro ? Q(q->distro) : "?",
	       *q->version ? Q(q->version) : "?", *q->arch ? Q(q->arch) : "?", Q(q->release));
	switch (ret) {
	case 0:
	case -ENODATA:
		printf("%s (%s match): ", ret ? "found, without BTF" : "found",
		       btfgen_bundle_match_kind__str(m->kind));
		print_entry(stdout, "", m->entry);
		if (m->kind == BUNDLE_MATCH_RELEASE_ONLY)
			printf("note: distro/version did not match; taken on the release alone\n");
		if (wrote)
			printf("wrote %s\n", Q(wrote));
		break;
	case -ENOTUNIQ:
		printf("ambiguous (%s match): %zu kernels with different BTFs:\n",
		       btfgen_bundle_match_kind__str(m->kind), m->cand_cnt);
		for (i = 0; i < m->cand_cnt && i < BUNDLE_MAX_CANDIDATES; i++)
			print_entry(stdout, "  ", m->cands[i]);
		printf("give --distro/--version/--arch to choose\n");
		break;
	default:
		printf("not found: no kernel of the bundle has release %s%s%s\n", Q(q->release),
		       *q->arch ? " on " : "", Q(q->arch));
		break;
	}
}

int cmd_lookup(int argc, char **argv)
{
	const struct lookup_result *r;
	struct lookup_opts o = {};
	const char *wrote = NULL;
	struct bundle_match m;
	struct bundle *b;
	int ret, rc;

	rc = parse_lookup_opts(argc, argv, &o);
	if (rc < 0)
		rc = lookup_query_from_host(&o);
	if (rc >= 0)
		return rc;
	b = cmd_open_bundle("lookup", o.path, false);
	if (!b)
		return EXIT_FATAL;
	ret = btfgen_bundle__find(b, &o.q, &m);
	r = lookup_result_of(ret);
	if (!r) {
		cmd_err("lookup", "%s", strerror(-ret));
		rc = EXIT_USAGE;
		goto out;
	}
	rc = r->rc;
	if (rc == EXIT_OK && o.out) {
		rc = lookup_write_btf(b, m.entry, o.out);
		if (rc)
			goto out;
		wrote = o.out;
	}
	if (cmd_json && print_lookup_json(&o.q, r, &m, wrote))
		rc = EXIT_FATAL;
	else if (!cmd_json)
		print_lookup_text(&o.q, ret, &m, wrote);
out:
	btfgen_bundle__free(b);
	return rc;
}
