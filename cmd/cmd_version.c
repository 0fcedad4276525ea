// SPDX-License-Identifier: BSD-2-Clause
/* btfgen-batch version: our version and the versions of the libraries linked. */
#include <stdio.h>
#include <string.h>
#include <jansson.h>

#include "batch.h"
#include "commands.h"

/* -1 to go on, else the exit code. */
static int parse_version_args(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-j") || !strcmp(argv[i], "--json")) {
			cmd_json_mode('j');
		} else if (!strcmp(argv[i], "-p") || !strcmp(argv[i], "--pretty")) {
			cmd_json_mode('p');
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			printf("usage: btfgen-batch version [-j|-p]\n\n"
			       "Print the version of btfgen-batch and of libbpf, libarchive, zstd and\n"
			       "jansson as linked (what index.json records as \"generator\").\n\n"
			       "  -j, --json   as a JSON object\n"
			       "  -p, --pretty the same, indented\n"
			       "  -h, --help   this text\n");
			return EXIT_OK;
		} else {
			cmd_err("version", "unknown argument '%s'", argv[i]);
			return EXIT_USAGE;
		}
	}
	return -1;
}

static int print_version_json(const struct bundle_generator *g, const char *la)
{
	json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:s}", "btfgen-batch", g->version, "libbpf",
			      g->libbpf, "libarchive", la, "zstd", g->zstd, "jansson", g->jansson);
	int r = cmd_print_json(j);

	json_decref(j);
	return r ? EXIT_FATAL : EXIT_OK;
}

int cmd_version(int argc, char **argv)
{
	struct bundle_generator g;
	const char *la;
	int rc;

	rc = parse_version_args(argc, argv);
	if (rc >= 0)
		return rc;
	batch__generator(&g);
	/* libarchive's version string names itself ("libarchive 3.6.2"); the others do not */
	la = g.libarchive;
	if (!strncmp(la, "libarchive ", 11))
		la += 11;
	if (cmd_json)
		return print_version_json(&g, la);
	printf("btfgen-batch %s\nlibbpf %s\nlibarchive %s\nzstd %s\njansson %s\n", g.version,
	       g.libbpf, la, g.zstd, g.jansson);
	return EXIT_OK;
}
