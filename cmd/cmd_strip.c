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
		"keys, statuses, blobs, their SHA-256 and sizes) and nothing else. Provenance\n"
		"(generator, objects, input SHA-256s and sizes) and the compatibility matrix stay\n"
		"in the full bundle, for `info` and release engineering. lookup gives the same\n"
		"BTF from both forms. OUT is written to a temp file and renamed.\n"
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
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	size_t kernels = 0;
	char err[512];
	int c;

	while ((c = getopt_long(argc, argv, "jph", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
		case 'p':
			cmd_json_mode(c);
			break;
		case 'h':
			help(stdout);
			return EXIT_OK;
		default:
			help(stderr);
			return EXIT_USAGE;
		}
	}
	if (argc - optind != 2) {
		cmd_err("strip", "need BUNDLE and OUT (see strip --help)");
		return EXIT_USAGE;
	}
	if (batch__strip(argv[optind], argv[optind + 1], &kernels, err, sizeof(err))) {
		cmd_err("strip", "%s; nothing written", err);
		return EXIT_FATAL;
	}
	fprintf(stderr, "btfgen-batch strip: %zu kernels into %s\n", kernels, argv[optind + 1]);
	if (cmd_json) {
		json_t *j = json_pack("{s:s, s:I}", "output", argv[optind + 1], "kernels",
				      (json_int_t)kernels);
		int r = cmd_print_json(j);

		json_decref(j);
		if (r)
			return EXIT_FATAL;
	}
	return EXIT_OK;
}
