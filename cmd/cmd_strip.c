// SPDX-License-Identifier: BSD-2-Clause
/* btfgen-batch strip: the embeddable (runtime) form of a bundle. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>

#include "batch.h"
#include "commands.h"

static void help(FILE *f)
{
	fprintf(f,
		"usage: btfgen-batch strip [-j|-p] BUNDLE OUT\n"
		"\n"
		"Write the form of BUNDLE that an application embeds: what lookup needs (kernel\n"
		"keys, statuses, blobs and their sizes, one SHA-256 over all blobs) and nothing\n"
		"else, as one xz stream. Provenance (generator, objects, input SHA-256s and\n"
		"sizes), verdicts and the compatibility matrix stay in the full bundle, for `info`\n"
		"and release engineering. lookup gives the same BTF from both forms. OUT is\n"
		"written to a temp file and renamed.\n"
		"\n"
		"  -j, --json            print {\"output\", \"kernels\"} on stdout\n"
		"                        (errors as {\"error\": ...})\n"
		"  -p, --pretty          the same, indented\n"
		"  -h, --help            this text\n"
		"\n"
		"exit codes: 0 written; 2 usage; 3 cannot read BUNDLE or write OUT.\n");
}

int cmd_strip(int argc, char **argv)
{
	size_t kernels = 0;
	char err[512];
	int rc;

	rc = cmd_parse_std(argc, argv, help);
	if (rc >= 0)
		return rc;
	if (argc - optind != 2) {
		cmd_err("strip", "need BUNDLE and OUT (see strip --help)");
		return EXIT_USAGE;
	}
	if (batch__strip(argv[optind], argv[optind + 1], &kernels, err, sizeof(err))) {
		cmd_err("strip", "%s; nothing written", err);
		return EXIT_FATAL;
	}
	fprintf(stderr, "btfgen-batch strip: %zu kernels into %s\n", kernels, argv[optind + 1]);
	if (cmd_json)
		return cmd_print_written(argv[optind + 1], kernels);
	return EXIT_OK;
}
