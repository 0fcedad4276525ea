// SPDX-License-Identifier: BSD-2-Clause
/* btfgen-batch extract: write a bundle out as the BTFHub <distro>/<version>/<arch>/<release>.btf
 * tree. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundle.h"
#include "bundle_writer.h"
#include "commands.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: btfgen-batch extract [-j|-p] BUNDLE DIR\n"
		"\n"
		"Writes every ok kernel of BUNDLE as DIR/<distro>/<version>/<arch>/<release>.btf (raw\n"
		"BTF, the layout Tracee, bcc's libbpf-tools and Inspektor Gadget read) plus\n"
		"DIR/index.json and DIR/matrix.json. The tree is built next to DIR and renamed into\n"
		"place; an existing DIR is replaced only if it is empty or an earlier btfgen tree,\n"
		"and only on success. The whole bundle is checked first (btfgen_bundle__verify).\n"
		"\n"
		"  -j, --json   print {\"output\": DIR, \"kernels\": N in index.json} (errors as JSON)\n"
		"  -p, --pretty the same, indented\n"
		"  -h, --help   this text\n"
		"\n"
		"exit codes: 0 written, 2 usage, 3 unreadable or corrupt bundle, or write error.\n");
}

/* A tree writer for dir with b's generator, so the tree's index.json equals the bundle's. */
static struct bundle_writer *extract_writer_new(struct bundle *b, const char *dir)
{
	struct bundle_generator gen;
	struct bundle_writer *w;
	char err[512];

	gen = btfgen_bundle_generator__of(b);
	w = btfgen_bundle_writer__new(dir, BUNDLE_LAYOUT_TREE_DIR, BUNDLE_COMPRESS_NONE, &gen, err,
				      sizeof(err));
	if (!w)
		cmd_err("extract", "%s", err);
	return w;
}

/* b written out as the tree dir; 0 or -1 (message printed). */
static int extract_tree(struct bundle *b, const char *dir)
{
	struct bundle_writer *w;
	char err[512];
	int ret = -1;
	size_t i;

	w = extract_writer_new(b, dir);
	if (!w)
		return -1;
	for (i = 0; i < btfgen_bundle__object_cnt(b); i++) {
		if (btfgen_bundle_writer__add_object(w, btfgen_bundle__object(b, i))) {
			cmd_err("extract", "out of memory");
			goto out;
		}
	}
	for (i = 0; i < btfgen_bundle__entry_cnt(b); i++) {
		if (btfgen_bundle_writer__add_entry(w, b, btfgen_bundle__entry(b, i), true, err,
						    sizeof(err))) {
			cmd_err("extract", "%s", err);
			goto out;
		}
	}
	if (btfgen_bundle_writer__commit(w, err, sizeof(err))) {
		cmd_err("extract", "%s", err);
		goto out;
	}
	ret = 0;
out:
	btfgen_bundle_writer__free(w);
	return ret;
}

int cmd_extract(int argc, char **argv)
{
	struct bundle *b;
	int rc;

	rc = cmd_parse_std(argc, argv, usage);
	if (rc >= 0)
		return rc;
	if (optind != argc - 2) {
		cmd_err("extract", "give a BUNDLE and a DIR (see extract --help)");
		return EXIT_USAGE;
	}
	b = cmd_open_bundle("extract", argv[optind], true);
	if (!b)
		return EXIT_FATAL;
	if (extract_tree(b, argv[optind + 1]))
		rc = EXIT_FATAL;
	else if (cmd_json)
		rc = cmd_print_written(argv[optind + 1], btfgen_bundle__entry_cnt(b));
	else
		rc = EXIT_OK;
	btfgen_bundle__free(b);
	return rc;
}
