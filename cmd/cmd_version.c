// SPDX-License-Identifier: BSD-2-Clause
/* btfgen-batch version: our version and the versions of the libraries linked. */
#include <stdio.h>
#include <string.h>
#include <jansson.h>

#include "batch.h"
#include "commands.h"

int cmd_version(int argc, char **argv)
{
	struct bundle_generator g;
	bool json = false;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-j") || !strcmp(argv[i], "--json")) {
			json = true;
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			printf("usage: btfgen-batch version [-j|--json]\n\n"
			       "Print the version of btfgen-batch and of libbpf, libarchive, zstd and\n"
			       "jansson as linked (what index.json records as \"generator\").\n");
			return EXIT_OK;
		} else {
			fprintf(stderr, "btfgen-batch version: unknown argument '%s'\n", argv[i]);
			return EXIT_USAGE;
		}
	}
	batch__generator(&g);
	if (json) {
		json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:s}", "btfgen-batch", g.version,
				      "libbpf", g.libbpf, "libarchive", g.libarchive, "zstd", g.zstd,
				      "jansson", g.jansson);

		if (!j)
			return EXIT_FATAL;
		json_dumpf(j, stdout, JSON_INDENT(2));
		fputc('\n', stdout);
		json_decref(j);
		return EXIT_OK;
	}
	printf("btfgen-batch %s\nlibbpf %s\n%s\nzstd %s\njansson %s\n", g.version, g.libbpf,
	       g.libarchive, g.zstd, g.jansson);
	return EXIT_OK;
}
