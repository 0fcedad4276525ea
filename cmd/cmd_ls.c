// SPDX-License-Identifier: BSD-2-Clause
/* btfgen-batch ls: list the kernels of a bundle, one line each. */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "bundle.h"
#include "commands.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: btfgen-batch ls [-j|-p] BUNDLE\n"
		"\n"
		"Lists every kernel of BUNDLE in index order, one line each: status (ok, failed,\n"
		"skipped), distro, version, arch, release, the first 12 hex digits of its BTF's\n"
		"SHA-256 (kernels sharing a BTF share it) and tailored BTF size; failed and skipped\n"
		"kernels show their reason instead. Reads index.json only.\n"
		"\n"
		"  -j, --json   a JSON array, one object per kernel (errors as {\"error\": ...})\n"
		"  -p, --pretty the same, indented\n"
		"  -h, --help   this text\n"
		"\n"
		"exit codes: 0 listed, 2 usage, 3 unreadable or corrupt bundle.\n");
}

/* Every kernel as a JSON array on stdout; EXIT_OK or EXIT_FATAL. */
static int print_ls_json(struct bundle *b)
{
	json_t *arr = json_array();
	int rc = EXIT_OK;
	size_t i;

	for (i = 0; arr && i < btfgen_bundle__entry_cnt(b); i++) {
		const struct bundle_entry *e = btfgen_bundle__entry(b, i);
		json_t *o = cmd_entry_json(e);

		if (!o || json_array_append_new(arr, o)) {
			rc = EXIT_FATAL;
			break;
		}
		json_object_set_new(o, "unsatisfied", json_integer((json_int_t)e->unsatisfied_cnt));
	}
	if (rc == EXIT_OK && cmd_print_json(arr))
		rc = EXIT_FATAL;
	json_decref(arr);
	return rc;
}

static void print_ls_text(struct bundle *b)
{
	size_t i;

	printf("%-7s %-10s %-9s %-7s %-36s %-12s %9s\n", "STATUS", "DISTRO", "VERSION", "ARCH",
	       "RELEASE", "BTF SHA-256", "SIZE");
	for (i = 0; i < btfgen_bundle__entry_cnt(b); i++) {
		const struct bundle_entry *e = btfgen_bundle__entry(b, i);

		if (*e->blob)
			printf("%-7s %-10s %-9s %-7s %-36s %.12s %9llu\n", Q(e->status),
			       Q(e->distro), Q(e->version), Q(e->arch), Q(e->release),
			       Q(e->btf_sha256_hex), e->btf_size);
		else
			printf("%-7s %-10s %-9s %-7s %-36s %-12s %9s  %s\n", Q(e->status),
			       Q(e->distro), Q(e->version), Q(e->arch), Q(e->release), "-", "-",
			       Q(e->reason));
	}
}

int cmd_ls(int argc, char **argv)
{
	struct bundle *b;
	int rc;

	rc = cmd_parse_std(argc, argv, usage);
	if (rc >= 0)
		return rc;
	if (optind != argc - 1) {
		cmd_err("ls", "give exactly one BUNDLE (see ls --help)");
		return EXIT_USAGE;
	}
	b = cmd_open_bundle("ls", argv[optind], false);
	if (!b)
		return EXIT_FATAL;
	rc = EXIT_OK;
	if (cmd_json)
		rc = print_ls_json(b);
	else
		print_ls_text(b);
	btfgen_bundle__free(b);
	return rc;
}
