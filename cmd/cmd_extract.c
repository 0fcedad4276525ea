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
	fprintf(
	    f,
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

int cmd_extract(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"json", no_argument, NULL, 'j'},
	    {"pretty", no_argument, NULL, 'p'},
	    {"help", no_argument, NULL, 'h'},
	    {},
	};
	struct bundle_unsatisfied *us = NULL;
	struct bundle_writer *w = NULL;
	struct bundle_generator gen;
	struct bundle *b = NULL;
	int c, ret, rc = EXIT_FATAL;
	char err[512];
	size_t i, j;

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
	if (optind != argc - 2) {
		cmd_err("extract", "give a BUNDLE and a DIR (see extract --help)");
		return EXIT_USAGE;
	}
	b = btfgen_bundle__open_file(argv[optind], err, sizeof(err));
	if (!b || btfgen_bundle__verify(b, err, sizeof(err))) {
		cmd_err("extract", "%s", err);
		goto out;
	}
	gen = (struct bundle_generator){
	    .version = btfgen_bundle__generator(b, "version"),
	    .libbpf = btfgen_bundle__generator(b, "libbpf"),
	    .libarchive = btfgen_bundle__generator(b, "libarchive"),
	    .zstd = btfgen_bundle__generator(b, "zstd"),
	    .jansson = btfgen_bundle__generator(b, "jansson"),
	};
	/* the tree's index.json is rebuilt by the same writer, so it equals the bundle's */
	w = btfgen_bundle_writer__new(argv[optind + 1], BUNDLE_LAYOUT_TREE_DIR,
				      BUNDLE_COMPRESS_NONE, &gen, err, sizeof(err));
	if (!w) {
		cmd_err("extract", "%s", err);
		goto out;
	}
	for (i = 0; i < btfgen_bundle__object_cnt(b); i++) {
		if (btfgen_bundle_writer__add_object(w, btfgen_bundle__object(b, i))) {
			cmd_err("extract", "out of memory");
			goto out;
		}
	}
	for (i = 0; i < btfgen_bundle__entry_cnt(b); i++) {
		const struct bundle_entry *e = btfgen_bundle__entry(b, i);
		struct bundle_kernel k = {
		    .distro = e->distro,
		    .version = e->version,
		    .arch = e->arch,
		    .release = e->release,
		    .status = e->status,
		    .reason = e->reason,
		    .input_sha256_hex = *e->input_sha256_hex ? e->input_sha256_hex : NULL,
		    .input_size = e->input_size,
		    .full_btf_size = e->full_btf_size,
		};

		if (*e->blob) {
			k.btf = btfgen_bundle__btf_data(b, e, &k.btf_size);
			k.reason = NULL;
			if (!k.btf) {
				cmd_err("extract", "%s", btfgen_bundle__error(b));
				goto out;
			}
		}
		free(us);
		us = calloc(e->unsatisfied_cnt + 1, sizeof(*us));
		if (!us)
			goto out;
		for (j = 0; j < e->unsatisfied_cnt; j++) {
			if (btfgen_bundle__unsatisfied(b, e, j, &us[j])) {
				cmd_err("extract", "%s", btfgen_bundle__error(b));
				goto out;
			}
		}
		k.unsatisfied = us;
		k.unsatisfied_cnt = e->unsatisfied_cnt;
		ret = btfgen_bundle_writer__add_kernel(w, &k);
		if (ret) {
			cmd_err("extract", "kernel '%s/%s/%s/%s': %s", Q(e->distro), Q(e->version),
				Q(e->arch), Q(e->release), strerror(-ret));
			goto out;
		}
	}
	if (btfgen_bundle_writer__commit(w, err, sizeof(err))) {
		cmd_err("extract", "%s", err);
		goto out;
	}
	rc = EXIT_OK;
	if (cmd_json) {
		json_t *jo = json_pack("{s:s, s:I}", "output", argv[optind + 1], "kernels",
				       (json_int_t)btfgen_bundle__entry_cnt(b));

		if (cmd_print_json(jo))
			rc = EXIT_FATAL;
		json_decref(jo);
	}
out:
	free(us);
	btfgen_bundle_writer__free(w);
	btfgen_bundle__free(b);
	return rc;
}
