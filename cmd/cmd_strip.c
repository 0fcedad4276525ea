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
		"usage: btfgen-batch strip BUNDLE OUT\n"
		"\n"
		"Write the form of BUNDLE that an application embeds: what lookup needs (kernel\n"
		"keys, statuses, blobs, their SHA-256 and sizes) and nothing else. Provenance\n"
		"(generator, objects, input SHA-256s and sizes) and the compatibility matrix stay\n"
		"in the full bundle, for `info` and release engineering. lookup gives the same\n"
		"BTF from both forms. OUT is written to a temp file and renamed.\n"
		"\n"
		"exit codes: 0 written; 2 usage; 3 cannot read BUNDLE or write OUT.\n");
}

int cmd_strip(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	size_t kernels = 0;
	char err[512];
	int c;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h') {
			help(stdout);
			return EXIT_OK;
		}
		help(stderr);
		return EXIT_USAGE;
	}
	if (argc - optind != 2) {
		fprintf(stderr, "btfgen-batch strip: need BUNDLE and OUT\n");
		help(stderr);
		return EXIT_USAGE;
	}
	if (batch__strip(argv[optind], argv[optind + 1], &kernels, err, sizeof(err))) {
		fprintf(stderr, "btfgen-batch strip: %s; nothing written\n", err);
		return EXIT_FATAL;
	}
	fprintf(stderr, "btfgen-batch strip: %zu kernels into %s\n", kernels, argv[optind + 1]);
	return EXIT_OK;
}
