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

/* -c NAME; 0 or -1 (message printed). */
static int parse_compression(const char *name, enum bundle_compression *comp)
{
	if (!strcmp(name, "zstd"))
		*comp = BUNDLE_COMPRESS_ZSTD;
	else if (!strcmp(name, "xz"))
		*comp = BUNDLE_COMPRESS_XZ;
	else if (!strcmp(name, "none"))
		*comp = BUNDLE_COMPRESS_NONE;
	else {
		cmd_err("merge", "unknown compression '%s'", name);
		return -1;
	}
	return 0;
}

/* -1 to go on (the SHARDs from argv[optind]), else the exit code. */
static int parse_merge_opts(int argc, char **argv, const char **out, enum bundle_compression *comp)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "compression", required_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	int c, rc;

	while ((c = getopt_long(argc, argv, "o:jph", opts, NULL)) != -1) {
		if (c == 'o') {
			*out = optarg;
		} else if (c == 'c') {
			if (parse_compression(optarg, comp))
				return EXIT_USAGE;
		} else {
			rc = cmd_opt_common(c, help);
			if (rc >= 0)
				return rc;
		}
	}
	if (!*out || optind >= argc) {
		cmd_err("merge", "need -o OUT and at least one SHARD (see merge --help)");
		return EXIT_USAGE;
	}
	return -1;
}

static int print_merge_json(const char *out, size_t kernels, int shards)
{
	json_t *j = json_pack("{s:s, s:I, s:i}", "output", out, "kernels", (json_int_t)kernels,
			      "shards", shards);
	int r = cmd_print_json(j);

	json_decref(j);
	return r ? EXIT_FATAL : EXIT_OK;
}

int cmd_merge(int argc, char **argv)
{
	enum bundle_compression comp = BUNDLE_COMPRESS_ZSTD;
	const char *out = NULL;
	size_t kernels = 0;
	char err[512];
	int ret;

	ret = parse_merge_opts(argc, argv, &out, &comp);
	if (ret >= 0)
		return ret;
	ret = batch__merge(argv + optind, argc - optind, out, comp, &kernels, err, sizeof(err));
	if (ret) {
		cmd_err("merge", "%s; nothing written", err);
		return ret == -EINVAL ? EXIT_USAGE : EXIT_FATAL;
	}
	fprintf(stderr, "btfgen-batch merge: %zu kernels from %d shards into %s\n", kernels,
		argc - optind, out);
	if (cmd_json)
		return print_merge_json(out, kernels, argc - optind);
	return EXIT_OK;
}
