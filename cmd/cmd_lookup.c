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
	fprintf(
	    f,
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

static json_t *entry_json(const struct bundle_entry *e)
{
	json_t *o =
	    json_pack("{s:s, s:s, s:s, s:s, s:s}", "distro", e->distro, "version", e->version,
		      "arch", e->arch, "release", e->release, "status", e->status);

	if (!o)
		return NULL;
	if (*e->blob) {
		json_object_set_new(o, "blob", json_string(e->blob));
		json_object_set_new(o, "btf_sha256", json_string(e->btf_sha256_hex));
		json_object_set_new(o, "btf_size", json_integer((json_int_t)e->btf_size));
	} else {
		json_object_set_new(o, "reason", json_string(e->reason));
	}
	return o;
}

static void print_entry(FILE *f, const char *prefix, const struct bundle_entry *e)
{
	fprintf(f, "%s%s/%s/%s/%s", prefix, Q(e->distro), Q(e->version), Q(e->arch),
		Q(e->release));
	if (*e->blob)
		fprintf(f, " -> %s (%llu bytes)\n", Q(e->blob), e->btf_size);
	else
		fprintf(f, " [%s: %s]\n", Q(e->status), Q(e->reason));
}

int cmd_lookup(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"os-release", required_argument, NULL, 'O'},
	    {"distro", required_argument, NULL, 'd'},
	    {"version", required_argument, NULL, 'v'},
	    {"arch", required_argument, NULL, 'a'},
	    {"release", required_argument, NULL, 'r'},
	    {"output", required_argument, NULL, 'o'},
	    {"json", no_argument, NULL, 'j'},
	    {"pretty", no_argument, NULL, 'p'},
	    {"help", no_argument, NULL, 'h'},
	    {},
	};
	const char *os_release = NULL, *out = NULL, *result;
	struct bundle_query q = {};
	struct bundle_match m;
	struct bundle *b = NULL;
	json_t *jo = NULL;
	int c, ret, rc = EXIT_FATAL;
	char err[512];
	size_t i;

	optind = 1;
	while ((c = getopt_long(argc, argv, "o:jph", opts, NULL)) != -1) {
		switch (c) {
		case 'O':
			os_release = optarg;
			break;
		case 'd':
			snprintf(q.distro, sizeof(q.distro), "%s", optarg);
			break;
		case 'v':
			snprintf(q.version, sizeof(q.version), "%s", optarg);
			break;
		case 'a':
			snprintf(q.arch, sizeof(q.arch), "%s", optarg);
			break;
		case 'r':
			snprintf(q.release, sizeof(q.release), "%s", optarg);
			break;
		case 'o':
			out = optarg;
			break;
		case 'j':
		case 'p':
			cmd_json_mode(c);
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		cmd_err("lookup", "give exactly one BUNDLE (see lookup --help)");
		return EXIT_USAGE;
	}
	if (os_release) {
		ret = btfgen_bundle_host__read_os_release(&q, os_release);
		if (ret) {
			cmd_err("lookup", "'%s': %s", os_release, strerror(-ret));
			return EXIT_USAGE;
		}
		ret = btfgen_bundle_host__uname(&q);
	} else {
		ret = btfgen_bundle_host__detect(&q, NULL);
	}
	if (ret) {
		cmd_err("lookup", "reading the host's identity: %s", strerror(-ret));
		return EXIT_FATAL;
	}

	b = btfgen_bundle__open_file(argv[optind], err, sizeof(err));
	if (!b) {
		cmd_err("lookup", "%s", err);
		return EXIT_FATAL;
	}
	ret = btfgen_bundle__find(b, &q, &m);
	switch (ret) {
	case 0:
		result = "found";
		rc = EXIT_OK;
		break;
	case -ENODATA:
		result = "no-btf";
		rc = EXIT_LOOKUP_NO_BTF;
		break;
	case -ENOTUNIQ:
		result = "ambiguous";
		rc = EXIT_LOOKUP_AMBIGUOUS;
		break;
	case -ENOENT:
		result = "not-found";
		rc = EXIT_LOOKUP_NOT_FOUND;
		break;
	default:
		cmd_err("lookup", "%s", strerror(-ret));
		rc = EXIT_USAGE;
		goto out;
	}
	if (rc == EXIT_OK && out) {
		const void *data;
		size_t size;

		data = btfgen_bundle__btf_data(b, m.entry, &size);
		if (!data) {
			cmd_err("lookup", "%s", btfgen_bundle__error(b));
			rc = EXIT_FATAL;
			goto out;
		}
		if (btfgen_bundle_file__write_atomic(out, data, size, err, sizeof(err))) {
			cmd_err("lookup", "%s", err);
			rc = EXIT_FATAL;
			goto out;
		}
	}

	if (cmd_json) {
		json_t *cands = json_array();

		jo =
		    json_pack("{s:s, s:{s:s, s:s, s:s, s:s}}", "result", result, "query", "distro",
			      q.distro, "version", q.version, "arch", q.arch, "release", q.release);
		if (!jo || !cands) {
			json_decref(cands);
			rc = EXIT_FATAL;
			goto out;
		}
		if (m.entry) {
			json_object_set_new(jo, "match",
					    json_string(btfgen_bundle_match_kind__str(m.kind)));
			json_object_set_new(jo, "entry", entry_json(m.entry));
		}
		if (ret == -ENOTUNIQ)
			for (i = 0; i < m.cand_cnt && i < BUNDLE_MAX_CANDIDATES; i++)
				json_array_append_new(cands, entry_json(m.cands[i]));
		if (ret == -ENOTUNIQ)
			json_object_set_new(jo, "candidates", cands);
		else
			json_decref(cands);
		if (rc == EXIT_OK && out)
			json_object_set_new(jo, "output", json_string(out));
		if (cmd_print_json(jo))
			rc = EXIT_FATAL;
		goto out;
	}
	printf("query: distro=%s version=%s arch=%s release=%s\n", *q.distro ? Q(q.distro) : "?",
	       *q.version ? Q(q.version) : "?", *q.arch ? Q(q.arch) : "?", Q(q.release));
	switch (ret) {
	case 0:
	case -ENODATA:
		printf("%s (%s match): ", ret ? "found, without BTF" : "found",
		       btfgen_bundle_match_kind__str(m.kind));
		print_entry(stdout, "", m.entry);
		if (m.kind == BUNDLE_MATCH_RELEASE_ONLY)
			printf("note: distro/version did not match; taken on the release alone\n");
		if (rc == EXIT_OK && out)
			printf("wrote %s\n", Q(out));
		break;
	case -ENOTUNIQ:
		printf("ambiguous (%s match): %zu kernels with different BTFs:\n",
		       btfgen_bundle_match_kind__str(m.kind), m.cand_cnt);
		for (i = 0; i < m.cand_cnt && i < BUNDLE_MAX_CANDIDATES; i++)
			print_entry(stdout, "  ", m.cands[i]);
		printf("give --distro/--version/--arch to choose\n");
		break;
	default:
		printf("not found: no kernel of the bundle has release %s%s%s\n", Q(q.release),
		       *q.arch ? " on " : "", Q(q.arch));
		break;
	}
out:
	json_decref(jo);
	btfgen_bundle__free(b);
	return rc;
}
