// SPDX-License-Identifier: BSD-2-Clause
/* btfgen-batch merge: join the bundles of a sharded run (--shard K/N) into one. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "batch.h"
#include "commands.h"

static void help(FILE *f)
{
	fprintf(f,
		"usage: btfgen-batch merge -o OUT [--compression zstd|xz|none] [-j|-p] SHARD...\n"
		"\n"
		"Join shard bundles written by `btfgen-batch run --shard K/N` (one per CI job)\n"
		"into the bundle one unsharded run would have written: the same bytes when the\n"
		"compression is the manifest's (default zstd). Shards must come from the same\n"
		"version and objects; a kernel in two shards is an error.\n"
		"\n"
		"  -o, --output OUT      the merged bundle (temp file + rename)\n"
		"      --compression C   zstd (default), xz or none\n"
		"  -j, --json            print {\"output\", \"kernels\", \"shards\"} on stdout\n"
		"                        (errors as {\"error\": ...})\n"
		"  -p, --pretty          the same, indented\n"
		"  -h, --help            this text\n"
		"\n"
		"exit codes: 0 written; 2 usage or mismatched shards; 3 cannot read or write.\n");
}

int cmd_merge(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "compression", required_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	enum bundle_compression comp = BUNDLE_COMPRESS_ZSTD;
	const char *out = NULL;
	size_t kernels = 0;
	char err[512];
	int c, ret;

	while ((c = getopt_long(argc, argv, "o:jph", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
		case 'p':
			cmd_json_mode(c);
			break;
		case 'o':
			out = optarg;
			break;
		case 'c':
			if (!strcmp(optarg, "zstd"))
				comp = BUNDLE_COMPRESS_ZSTD;
			else if (!strcmp(optarg, "xz"))
				comp = BUNDLE_COMPRESS_XZ;
			else if (!strcmp(optarg, "none"))
				comp = BUNDLE_COMPRESS_NONE;
			else {
				cmd_err("merge", "unknown compression '%s'", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'h':
			help(stdout);
			return EXIT_OK;
		default:
			help(stderr);
			return EXIT_USAGE;
		}
	}
	if (!out || optind >= argc) {
		cmd_err("merge", "need -o OUT and at least one SHARD (see merge --help)");
		return EXIT_USAGE;
	}
	ret = batch__merge(argv + optind, argc - optind, out, comp, &kernels, err, sizeof(err));
	if (ret) {
		cmd_err("merge", "%s; nothing written", err);
		return ret == -EINVAL ? EXIT_USAGE : EXIT_FATAL;
	}
	fprintf(stderr, "btfgen-batch merge: %zu kernels from %d shards into %s\n", kernels,
		argc - optind, out);
	if (cmd_json) {
		json_t *j = json_pack("{s:s, s:I, s:i}", "output", out, "kernels",
				      (json_int_t)kernels, "shards", argc - optind);
		int r = cmd_print_json(j);

		json_decref(j);
		if (r)
			return EXIT_FATAL;
	}
	return EXIT_OK;
}
