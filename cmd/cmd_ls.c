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
	fprintf(
	    f,
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

int cmd_ls(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"json", no_argument, NULL, 'j'},
	    {"pretty", no_argument, NULL, 'p'},
	    {"help", no_argument, NULL, 'h'},
	    {},
	};
	struct bundle *b;
	int c, rc = EXIT_OK;
	json_t *arr = NULL;
	char err[512];
	size_t i, n;

	optind = 1;
	while ((c = getopt_long(argc, argv, "jph", opts, NULL)) != -1) {
		switch (c) {
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
		cmd_err("ls", "give exactly one BUNDLE (see ls --help)");
		return EXIT_USAGE;
	}
	b = btfgen_bundle__open_file(argv[optind], err, sizeof(err));
	if (!b) {
		cmd_err("ls", "%s", err);
		return EXIT_FATAL;
	}
	n = btfgen_bundle__entry_cnt(b);
	if (cmd_json)
		arr = json_array();
	else
		printf("%-7s %-10s %-9s %-7s %-36s %-12s %9s\n", "STATUS", "DISTRO", "VERSION",
		       "ARCH", "RELEASE", "BTF SHA-256", "SIZE");
	for (i = 0; i < n; i++) {
		const struct bundle_entry *e = btfgen_bundle__entry(b, i);

		if (cmd_json) {
			json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s}", "distro", e->distro,
					      "version", e->version, "arch", e->arch, "release",
					      e->release, "status", e->status);

			if (!o || json_array_append_new(arr, o)) {
				rc = EXIT_FATAL;
				break;
			}
			if (*e->blob) {
				json_object_set_new(o, "blob", json_string(e->blob));
				json_object_set_new(o, "btf_sha256", json_string(e->btf_sha256_hex));
				json_object_set_new(o, "btf_size",
						    json_integer((json_int_t)e->btf_size));
			} else {
				json_object_set_new(o, "reason", json_string(e->reason));
			}
			json_object_set_new(o, "unsatisfied",
					    json_integer((json_int_t)e->unsatisfied_cnt));
		} else if (*e->blob) {
			printf("%-7s %-10s %-9s %-7s %-36s %.12s %9llu\n", Q(e->status),
			       Q(e->distro), Q(e->version), Q(e->arch), Q(e->release),
			       Q(e->btf_sha256_hex), e->btf_size);
		} else {
			printf("%-7s %-10s %-9s %-7s %-36s %-12s %9s  %s\n", Q(e->status),
			       Q(e->distro), Q(e->version), Q(e->arch), Q(e->release), "-", "-",
			       Q(e->reason));
		}
	}
	if (cmd_json && rc == EXIT_OK && cmd_print_json(arr))
		rc = EXIT_FATAL;
	json_decref(arr);
	btfgen_bundle__free(b);
	return rc;
}
