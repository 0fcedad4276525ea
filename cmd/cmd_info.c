// SPDX-License-Identifier: BSD-2-Clause
/* btfgen-batch info: a bundle's generator, objects, counts and compatibility matrix. */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundle.h"
#include "commands.h"

/* strings from a bundle (or the host) escaped for the terminal */
#define Q(s) BTFGEN_BUNDLE_QUOTED(s)

static void usage(FILE *f)
{
	fprintf(
	    f,
	    "usage: btfgen-batch info BUNDLE [-j]\n"
	    "\n"
	    "Shows what BUNDLE was made by and for: generator and library versions, the objects\n"
	    "(arch, relocation count, SHA-256), kernel counts by status, distinct blobs and "
	    "sizes,\n"
	    "an integrity check of everything (every blob against its SHA-256, matrix.json\n"
	    "against index.json, every stream checksum), and the compatibility matrix\n"
	    "(matrix.json) in short: for each\n"
	    "object the kernels on which some of its CO-RE relocations cannot be satisfied, and\n"
	    "how many.\n"
	    "\n"
	    "  -j, --json   the same as JSON\n"
	    "  -h, --help   this text\n"
	    "\n"
	    "exit codes: 0 shown, 2 usage, 3 unreadable or corrupt bundle.\n");
}

/* Unsatisfied relocations of entry e that belong to object name. */
static size_t unsat_count(const struct bundle *b, const struct bundle_entry *e, const char *name)
{
	struct bundle_unsatisfied u;
	size_t i, n = 0;

	for (i = 0; i < e->unsatisfied_cnt; i++)
		if (!btfgen_bundle__unsatisfied(b, e, i, &u) && !strcmp(u.object, name))
			n++;
	return n;
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

int cmd_info(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"json", no_argument, NULL, 'j'},
	    {"help", no_argument, NULL, 'h'},
	    {},
	};
	size_t i, k, n_ent, n_obj, cnt[3] = {}, total_unsat = 0, sum_btf = 0, sum_full = 0;
	const char *gens[] = {"version", "libbpf", "libarchive", "zstd", "jansson"};
	int c, json = 0, rc = EXIT_FATAL, verified;
	size_t width;
	json_t *jo = NULL, *jobjs, *jgen;
	char err[512] = "";
	struct bundle *b;

	optind = 1;
	while ((c = getopt_long(argc, argv, "jh", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = 1;
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
		usage(stderr);
		return EXIT_USAGE;
	}
	b = btfgen_bundle__open_file(argv[optind], err, sizeof(err));
	if (!b) {
		fprintf(stderr, "btfgen-batch info: %s\n", err);
		return EXIT_FATAL;
	}
	verified = !btfgen_bundle__verify(b, err, sizeof(err));
	n_ent = btfgen_bundle__entry_cnt(b);
	n_obj = btfgen_bundle__object_cnt(b);
	for (i = 0; i < n_ent; i++) {
		const struct bundle_entry *e = btfgen_bundle__entry(b, i);

		cnt[!strcmp(e->status, "ok") ? 0 : !strcmp(e->status, "failed") ? 1 : 2]++;
		total_unsat += e->unsatisfied_cnt;
		sum_btf += e->btf_size;
		sum_full += e->full_btf_size;
	}

	jo = json_object();
	jgen = json_object();
	jobjs = json_array();
	if (!jo || !jgen || !jobjs) {
		json_decref(jgen);
		json_decref(jobjs);
		goto out;
	}
	json_object_set_new(jgen, "name", json_string(btfgen_bundle__generator(b, "name")));
	for (i = 0; i < sizeof(gens) / sizeof(gens[0]); i++)
		json_object_set_new(jgen, gens[i],
				    json_string(btfgen_bundle__generator(b, gens[i])));
	json_object_set_new(jo, "format", json_string(BUNDLE_FORMAT));
	json_object_set_new(jo, "format_version", json_integer(BUNDLE_FORMAT_VERSION));
	json_object_set_new(jo, "generator", jgen);
	json_object_set_new(jo, "integrity", json_string(verified ? "ok" : err));
	json_object_set_new(jo, "kernels",
			    json_pack("{s:I, s:I, s:I, s:I}", "total", (json_int_t)n_ent, "ok",
				      (json_int_t)cnt[0], "failed", (json_int_t)cnt[1], "skipped",
				      (json_int_t)cnt[2]));
	json_object_set_new(jo, "blobs", json_integer((json_int_t)btfgen_bundle__blob_cnt(b)));
	json_object_set_new(jo, "btf_bytes", json_integer((json_int_t)sum_btf));
	json_object_set_new(jo, "full_btf_bytes", json_integer((json_int_t)sum_full));
	json_object_set_new(jo, "unsatisfied", json_integer((json_int_t)total_unsat));
	json_object_set_new(jo, "objects", jobjs);

	for (k = 0; k < n_obj; k++) {
		const struct bundle_object *o = btfgen_bundle__object(b, k);
		json_t *jk = json_array();
		json_t *oj =
		    json_pack("{s:s, s:s, s:I, s:s}", "name", o->name, "arch", o->arch,
			      "relocations", (json_int_t)o->relocations, "sha256", o->sha256_hex);

		if (!jk || !oj) {
			json_decref(jk);
			json_decref(oj);
			goto out;
		}
		json_array_append_new(jobjs, oj);
		json_object_set_new(oj, "unsatisfied_on", jk);
		for (i = 0; i < n_ent; i++) {
			const struct bundle_entry *e = btfgen_bundle__entry(b, i);
			size_t n = unsat_count(b, e, o->name);
			char key[512];

			if (!n)
				continue;
			snprintf(key, sizeof(key), "%s/%s/%s/%s", e->distro, e->version, e->arch,
				 e->release);
			json_array_append_new(jk, json_pack("{s:s, s:I}", "kernel", key,
							    "relocations", (json_int_t)n));
		}
	}

	if (json) {
		json_dumpf(jo, stdout, JSON_INDENT(2));
		fputc('\n', stdout);
	} else {
		printf("format:     %s v%d\n", BUNDLE_FORMAT, BUNDLE_FORMAT_VERSION);
		printf("generator:  %s %s (libbpf %s, libarchive %s, zstd %s, jansson %s)\n",
		       Q(btfgen_bundle__generator(b, "name")),
		       Q(btfgen_bundle__generator(b, "version")),
		       Q(btfgen_bundle__generator(b, "libbpf")),
		       Q(btfgen_bundle__generator(b, "libarchive")),
		       Q(btfgen_bundle__generator(b, "zstd")),
		       Q(btfgen_bundle__generator(b, "jansson")));
		printf("integrity:  %s\n", verified ? "ok (every blob matches its SHA-256; matrix.json "
						      "and the stream checksums are intact)"
						    : err);
		printf("kernels:    %zu (ok %zu, failed %zu, skipped %zu)\n", n_ent, cnt[0], cnt[1],
		       cnt[2]);
		printf("blobs:      %zu distinct; tailored BTF %zu bytes in all entries, full BTF "
		       "%zu\n",
		       btfgen_bundle__blob_cnt(b), sum_btf, sum_full);
		printf("objects:    %zu\n", n_obj);
		width = 6;
		for (k = 0; k < n_obj; k++)
			if (strlen(Q(base_name(btfgen_bundle__object(b, k)->name))) > width)
				width = strlen(Q(base_name(btfgen_bundle__object(b, k)->name)));
		if (n_obj)
			printf("  %-*s %-7s %6s  %-12s  %s\n", (int)width, "OBJECT", "ARCH",
			       "RELOS", "SHA256", "UNSATISFIED ON (of ok kernels)");
		for (k = 0; k < n_obj; k++) {
			const struct bundle_object *o = btfgen_bundle__object(b, k);
			json_t *jk = json_object_get(json_array_get(jobjs, k), "unsatisfied_on");
			size_t n_k = json_array_size(jk), shown;

			printf("  %-*s %-7s %6u  %.12s  ", (int)width, Q(base_name(o->name)),
			       Q(o->arch), o->relocations, Q(o->sha256_hex));
			if (!n_k) {
				printf("none\n");
				continue;
			}
			if (n_k == cnt[0]) {
				printf("all %zu kernels\n", n_k);
				continue;
			}
			printf("%zu/%zu kernels", n_k, cnt[0]);
			/* short: the first kernels by name, the rest counted (-j has all) */
			for (shown = 0; shown < n_k && shown < 2; shown++) {
				json_t *r = json_array_get(jk, shown);

				printf("%s %s x%lld", shown ? "," : ":",
				       Q(json_string_value(json_object_get(r, "kernel"))),
				       (long long)json_integer_value(
					   json_object_get(r, "relocations")));
			}
			if (n_k > shown)
				printf(", +%zu more", n_k - shown);
			printf("\n");
		}
		printf("compatibility: %zu unsatisfied relocation(s)%s\n", total_unsat,
		       total_unsat ? "; details per kernel: info -j, or matrix.json"
				   : ", every relocation is satisfied on every ok kernel");
	}
	rc = verified ? EXIT_OK : EXIT_FATAL;
out:
	json_decref(jo);
	btfgen_bundle__free(b);
	return rc;
}
