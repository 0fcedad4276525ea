// SPDX-License-Identifier: BSD-2-Clause
/* btfgen-batch info: a bundle's generator, objects, counts and program verdicts. */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundle.h"
#include "bundle_verdict.h"
#include "bundle_writer.h"
#include "commands.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: btfgen-batch info [-j|-p] [--kernel K] BUNDLE\n"
		"\n"
		"Shows what BUNDLE was made by and for: generator and library versions, the objects\n"
		"(arch, relocation count, SHA-256), kernel counts by status, distinct blobs and "
		"sizes,\n"
		"an integrity check of everything (every blob against its SHA-256, matrix.json\n"
		"against index.json, every stream checksum), and the verdicts (docs/verdicts.md):\n"
		"for each object and program, on how many kernels of the object's arch it loads,\n"
		"probes (existence checks answered 0), is guarded (failing relocations in dead\n"
		"code), fails (the verifier rejects it) or is refused (libbpf refuses the object),\n"
		"and the kernels where it fails or is refused, with the relocation.\n"
		"\n"
		"  -k, --kernel K  one kernel: 'distro/version/arch/release', or a release when it\n"
		"                  names one kernel; every program's verdict there\n"
		"  -j, --json      the same as JSON\n"
		"  -p, --pretty    the same, indented\n"
		"  -h, --help      this text\n"
		"\n"
		"exit codes: 0 shown, 2 usage, 3 unreadable or corrupt bundle, 4 no such kernel.\n");
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

static void kernel_key(const struct bundle_entry *e, char *buf, size_t sz)
{
	snprintf(buf, sz, "%s/%s/%s/%s", e->distro, e->version, e->arch, e->release);
}

/* The record that decided a verdict, as JSON (NULL when none). */
static json_t *relocation_json(struct bundle *b, const struct bundle_entry *e, long why)
{
	struct bundle_unsatisfied u;

	if (why < 0 || btfgen_bundle__unsatisfied(b, e, (size_t)why, &u))
		return NULL;
	return json_pack("{s:s, s:s, s:s, s:I, s:I, s:s, s:s}", "kind", u.kind, "type", u.type,
			 "access", u.access, "relocation", (json_int_t)u.relocation, "insn",
			 (json_int_t)u.insn, "function", u.function ? u.function : "", "reason",
			 u.reason);
}

/* Per program: verdict counts over the ok kernels of its arch, and where it fails. */
struct prog_stat {
	size_t cnt[BUNDLE_VERDICT_NA];
	json_t *bad; /* [{kernel, verdict, relocation}] for fails and refused */
};

static int collect(struct bundle *b, const char *only, struct prog_stat *ps, size_t *arch_ok,
		   size_t *failing, json_t *jkernel, char *err, size_t err_sz)
{
	size_t total = btfgen_bundle__program_total(b), matched = 0;
	enum bundle_verdict *v = calloc(total + 1, sizeof(*v));
	long *why = calloc(total + 1, sizeof(*why));
	int ret = -ENOMEM;

	if (!v || !why)
		goto out;
	for (size_t i = 0; i < btfgen_bundle__entry_cnt(b); i++) {
		const struct bundle_entry *e = btfgen_bundle__entry(b, i);
		char key[1024];
		int bad = 0;

		kernel_key(e, key, sizeof(key));
		if (only && strcmp(only, key) && strcmp(only, e->release))
			continue;
		matched++;
		ret = btfgen_bundle__verdicts(b, e, v, why);
		if (ret) {
			snprintf(err, err_sz, "%s", btfgen_bundle__error(b));
			goto out;
		}
		if (jkernel && matched == 1) {
			json_object_set_new(jkernel, "kernel", json_string(key));
			json_object_set_new(jkernel, "status", json_string(e->status));
		}
		for (size_t o = 0; o < btfgen_bundle__object_cnt(b); o++)
			if (!strcmp(btfgen_bundle__object(b, o)->arch, e->arch) &&
			    !strcmp(e->status, "ok"))
				arch_ok[o]++;
		for (size_t n = 0; n < total; n++) {
			json_t *r;

			if (v[n] == BUNDLE_VERDICT_NA)
				continue;
			ps[n].cnt[v[n]]++;
			if (v[n] < BUNDLE_VERDICT_FAILS && !only)
				continue;
			bad |= v[n] >= BUNDLE_VERDICT_FAILS;
			r = json_pack("{s:s, s:s}", "kernel", key, "verdict",
				      btfgen_bundle_verdict__str(v[n]));
			if (r && why[n] >= 0)
				json_object_set_new(r, "relocation", relocation_json(b, e, why[n]));
			json_array_append_new(ps[n].bad, r);
		}
		*failing += bad;
	}
	ret = only && matched != 1 ? -ENOENT : 0;
	if (ret)
		snprintf(err, err_sz, "kernel '%s': %s", only,
			 matched ? "names several kernels: give distro/version/arch/release" :
				   "not in the bundle");
out:
	free(v);
	free(why);
	return ret;
}

static json_t *counts_json(const size_t *cnt)
{
	json_t *j = json_object();

	for (int v = 0; j && v < BUNDLE_VERDICT_NA; v++)
		json_object_set_new(j, btfgen_bundle_verdict__str(v),
				    json_integer((json_int_t)cnt[v]));
	return j;
}

/* objects[]: each with its programs' verdict counts and failures (or, for one kernel, verdicts). */
static json_t *objects_json(struct bundle *b, struct prog_stat *ps, const size_t *arch_ok,
			    int one_kernel, size_t *totals)
{
	json_t *jobjs = json_array();

	for (size_t k = 0, n = 0; jobjs && k < btfgen_bundle__object_cnt(b); k++) {
		const struct bundle_object *o = btfgen_bundle__object(b, k);
		json_t *jp, *oj;

		/* one kernel: only the objects of its arch (their programs have a verdict) */
		if (one_kernel && (!o->program_cnt || !json_array_size(ps[n].bad))) {
			n += o->program_cnt;
			continue;
		}
		jp = json_array();
		oj = json_pack("{s:s, s:s, s:I, s:s, s:I}", "name", o->name, "arch", o->arch,
			       "relocations", (json_int_t)o->relocations, "sha256", o->sha256_hex,
			       "kernels", (json_int_t)arch_ok[k]);
		json_object_set_new(oj, "index", json_integer((json_int_t)k));

		json_object_set_new(oj, "programs", jp);
		json_array_append_new(jobjs, oj);
		for (size_t j = 0; j < o->program_cnt; j++, n++) {
			json_t *pj = json_pack("{s:s}", "name", o->programs[j]);

			for (int v = 0; v < BUNDLE_VERDICT_NA; v++)
				totals[v] += ps[n].cnt[v];
			if (one_kernel) {
				json_t *r = json_array_get(ps[n].bad, 0);

				if (r)
					json_object_set(pj, "verdict",
							json_object_get(r, "verdict"));
				else
					json_object_set_new(pj, "verdict", json_string("n/a"));
				if (r && json_object_get(r, "relocation"))
					json_object_set(pj, "relocation",
							json_object_get(r, "relocation"));
			} else {
				json_object_set_new(pj, "verdicts", counts_json(ps[n].cnt));
				json_object_set(pj, "fails_on", ps[n].bad);
			}
			json_array_append_new(jp, pj);
		}
	}
	return jobjs;
}

static void print_relocation(json_t *r)
{
	json_t *rl = json_object_get(r, "relocation");
	const char *fn = json_string_value(json_object_get(rl, "function"));

	if (!rl)
		return;
	printf(" (%s %s %s, insn %lld%s%s)", Q(json_string_value(json_object_get(rl, "kind"))),
	       Q(json_string_value(json_object_get(rl, "type"))),
	       Q(json_string_value(json_object_get(rl, "access"))),
	       (long long)json_integer_value(json_object_get(rl, "insn")),
	       fn && fn[0] ? " in " : "", fn ? Q(fn) : "");
}

static size_t name_width(struct bundle *b)
{
	size_t w = 7;

	for (size_t k = 0; k < btfgen_bundle__object_cnt(b); k++) {
		const struct bundle_object *o = btfgen_bundle__object(b, k);

		for (size_t j = 0; j < o->program_cnt; j++)
			if (strlen(Q(o->programs[j])) > w)
				w = strlen(Q(o->programs[j]));
	}
	return w;
}

/* The text form of objects_json(): non-zero counts only, and where it fails. */
static void print_objects(struct bundle *b, json_t *jobjs, int one_kernel)
{
	int w = (int)name_width(b);

	for (size_t k = 0; k < json_array_size(jobjs); k++) {
		json_t *oj = json_array_get(jobjs, k), *jp = json_object_get(oj, "programs");
		const struct bundle_object *o =
			btfgen_bundle__object(b, json_integer_value(json_object_get(oj, "index")));

		printf("  %s (%s, %u relocations, sha256 %.12s)%s", Q(base_name(o->name)),
		       Q(o->arch), o->relocations, Q(o->sha256_hex), one_kernel ? "" : ": ");
		if (!one_kernel)
			printf("%lld %s kernels",
			       (long long)json_integer_value(json_object_get(oj, "kernels")),
			       Q(o->arch));
		printf("%s\n", json_array_size(jp) ? "" : ", no programs recorded");
		for (size_t j = 0; j < json_array_size(jp); j++) {
			json_t *pj = json_array_get(jp, j), *c = json_object_get(pj, "verdicts");
			json_t *bad = json_object_get(pj, "fails_on");
			int first = 1;

			printf("    %-*s ", w, Q(json_string_value(json_object_get(pj, "name"))));
			if (one_kernel) {
				printf("%s", json_string_value(json_object_get(pj, "verdict")));
				print_relocation(pj);
				printf("\n");
				continue;
			}
			for (int v = 0; v < BUNDLE_VERDICT_NA; v++) {
				json_int_t n = json_integer_value(
					json_object_get(c, btfgen_bundle_verdict__str(v)));

				if (n)
					printf("%s%s %lld", first ? "" : ", ",
					       btfgen_bundle_verdict__str(v), (long long)n);
				first &= !n;
			}
			printf("%s\n", first ? "no ok kernel" : "");
			/* where it fails: the first kernels with the relocation (-j has all) */
			for (size_t i = 0; i < json_array_size(bad) && i < 3; i++) {
				json_t *r = json_array_get(bad, i);

				printf("      %s on %s",
				       json_string_value(json_object_get(r, "verdict")),
				       Q(json_string_value(json_object_get(r, "kernel"))));
				print_relocation(r);
				printf("\n");
			}
			if (json_array_size(bad) > 3)
				printf("      ... and %zu more kernels (info -j lists all)\n",
				       json_array_size(bad) - 3);
		}
	}
}

static void print_header(struct bundle *b, json_t *jo, int verified, const char *err)
{
	json_t *jk = json_object_get(jo, "kernels");
	int runtime = btfgen_bundle__is_runtime(b);

	printf("format:     %s v%d\n", BUNDLE_FORMAT, BUNDLE_FORMAT_VERSION);
	if (runtime) {
		/* what strip left out is not missing: say so rather than print empty fields */
		printf("form:       runtime (btfgen-batch strip): lookup data only; the generator, "
		       "objects, verdicts and matrix.json are in the full form\n");
	} else {
		/* libarchive's version string is "libarchive 3.6.2" */
		printf("generator:  %s %s (libbpf %s, %s, zstd %s, jansson %s)\n",
		       Q(btfgen_bundle__generator(b, "name")),
		       Q(btfgen_bundle__generator(b, "version")),
		       Q(btfgen_bundle__generator(b, "libbpf")),
		       Q(btfgen_bundle__generator(b, "libarchive")),
		       Q(btfgen_bundle__generator(b, "zstd")),
		       Q(btfgen_bundle__generator(b, "jansson")));
	}
	if (!verified)
		printf("integrity:  %s\n", err);
	else if (runtime)
		printf("integrity:  ok (the blobs match blobs_sha256; the stream checksums are "
		       "intact)\n");
	else
		printf("integrity:  ok (every blob matches its SHA-256; matrix.json and the stream "
		       "checksums are intact)\n");
	printf("kernels:    %lld (ok %lld, failed %lld, skipped %lld)\n",
	       (long long)json_integer_value(json_object_get(jk, "total")),
	       (long long)json_integer_value(json_object_get(jk, "ok")),
	       (long long)json_integer_value(json_object_get(jk, "failed")),
	       (long long)json_integer_value(json_object_get(jk, "skipped")));
	printf("blobs:      %zu distinct; tailored BTF %lld bytes in all entries",
	       btfgen_bundle__blob_cnt(b),
	       (long long)json_integer_value(json_object_get(jo, "btf_bytes")));
	if (!runtime)
		printf(", full BTF %lld\n",
		       (long long)json_integer_value(json_object_get(jo, "full_btf_bytes")));
	else
		printf("\n");
	if (!runtime)
		printf("objects:    %zu\n", btfgen_bundle__object_cnt(b));
}

static json_t *summary_json(struct bundle *b, int verified, const char *err)
{
	const char *gens[] = { "name", BUNDLE_GENERATOR_KEYS };
	size_t cnt[3] = {}, unsat = 0, sum_btf = 0, sum_full = 0;
	json_t *jo = json_object(), *jgen = json_object();

	for (size_t i = 0; i < btfgen_bundle__entry_cnt(b); i++) {
		const struct bundle_entry *e = btfgen_bundle__entry(b, i);

		cnt[!strcmp(e->status, "ok") ? 0 : !strcmp(e->status, "failed") ? 1 : 2]++;
		unsat += e->unsatisfied_cnt;
		sum_btf += e->btf_size;
		sum_full += e->full_btf_size;
	}
	for (size_t i = 0; jgen && i < sizeof(gens) / sizeof(gens[0]); i++)
		json_object_set_new(jgen, gens[i],
				    json_string(btfgen_bundle__generator(b, gens[i])));
	json_object_set_new(jo, "format", json_string(BUNDLE_FORMAT));
	json_object_set_new(jo, "format_version", json_integer(BUNDLE_FORMAT_VERSION));
	json_object_set_new(jo, "generator", jgen);
	json_object_set_new(jo, "form",
			    json_string(btfgen_bundle__is_runtime(b) ? "runtime" : "full"));
	json_object_set_new(jo, "integrity", json_string(verified ? "ok" : err));
	json_object_set_new(jo, "kernels",
			    json_pack("{s:I, s:I, s:I, s:I}", "total",
				      (json_int_t)btfgen_bundle__entry_cnt(b), "ok",
				      (json_int_t)cnt[0], "failed", (json_int_t)cnt[1], "skipped",
				      (json_int_t)cnt[2]));
	json_object_set_new(jo, "blobs", json_integer((json_int_t)btfgen_bundle__blob_cnt(b)));
	json_object_set_new(jo, "btf_bytes", json_integer((json_int_t)sum_btf));
	json_object_set_new(jo, "full_btf_bytes", json_integer((json_int_t)sum_full));
	json_object_set_new(jo, "unsatisfied", json_integer((json_int_t)unsat));
	return jo;
}

static int parse_args(int argc, char **argv, const char **kernel)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, 'p' },
		{ "kernel", required_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	int c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "jpk:h", opts, NULL)) != -1) {
		if (c == 'k') {
			*kernel = optarg;
			continue;
		}
		rc = cmd_opt_common(c, usage);
		if (rc >= 0)
			return rc;
	}
	if (optind != argc - 1) {
		usage(stderr);
		return EXIT_USAGE;
	}
	return -1;
}

static void print_info_text(struct bundle *b, json_t *jo, int verified, const char *verr,
			    const char *kernel, const size_t *totals, size_t failing)
{
	print_header(b, jo, verified, verr);
	if (btfgen_bundle__is_runtime(b) && !kernel)
		return;
	if (kernel)
		printf("kernel:     %s (%s)\n", Q(json_string_value(json_object_get(jo, "kernel"))),
		       json_string_value(json_object_get(jo, "status")));
	print_objects(b, json_object_get(jo, "objects"), kernel != NULL);
	printf("verdicts:   ");
	for (int v = 0; v < BUNDLE_VERDICT_NA; v++)
		printf("%s%zu %s", v ? ", " : "", totals[v], btfgen_bundle_verdict__str(v));
	printf(" (program x kernel); some program fails or is refused on %zu kernel%s\n", failing,
	       failing == 1 ? "" : "s");
}

/* Counts every program's verdicts into jo ("objects", "verdicts", "failing_kernels"). */
static int info_stats(struct bundle *b, const char *kernel, json_t *jo, size_t *totals,
		      size_t *failing)
{
	size_t total = btfgen_bundle__program_total(b), *arch_ok;
	struct prog_stat *ps;
	char err[512] = "";
	int ret, rc = EXIT_FATAL;

	ps = calloc(total + 1, sizeof(*ps));
	arch_ok = calloc(btfgen_bundle__object_cnt(b) + 1, sizeof(*arch_ok));
	if (!ps || !arch_ok)
		goto out;
	for (size_t n = 0; n < total; n++)
		if (!(ps[n].bad = json_array()))
			goto out;
	ret = collect(b, kernel, ps, arch_ok, failing, kernel ? jo : NULL, err, sizeof(err));
	if (ret) {
		cmd_err("info", "%s", err);
		rc = ret == -ENOENT ? EXIT_LOOKUP_NOT_FOUND : EXIT_FATAL;
		goto out;
	}
	json_object_set_new(jo, "objects", objects_json(b, ps, arch_ok, kernel != NULL, totals));
	json_object_set_new(jo, "verdicts", counts_json(totals));
	json_object_set_new(jo, "failing_kernels", json_integer((json_int_t)*failing));
	rc = EXIT_OK;
out:
	for (size_t n = 0; ps && n < total; n++)
		json_decref(ps[n].bad);
	free(ps);
	free(arch_ok);
	return rc;
}

int cmd_info(int argc, char **argv)
{
	size_t failing = 0, totals[BUNDLE_VERDICT_NA] = {};
	const char *kernel = NULL;
	char verr[512] = "";
	struct bundle *b;
	int rc, verified;
	json_t *jo;

	rc = parse_args(argc, argv, &kernel);
	if (rc >= 0)
		return rc;
	b = cmd_open_bundle("info", argv[optind], false);
	if (!b)
		return EXIT_FATAL;
	verified = !btfgen_bundle__verify(b, verr, sizeof(verr));
	jo = summary_json(b, verified, verr);
	rc = jo ? info_stats(b, kernel, jo, totals, &failing) : EXIT_FATAL;
	if (rc == EXIT_OK && cmd_json)
		cmd_print_json(jo);
	else if (rc == EXIT_OK)
		print_info_text(b, jo, verified, verr, kernel, totals, failing);
	if (rc == EXIT_OK && !verified)
		rc = EXIT_FATAL;
	json_decref(jo);
	btfgen_bundle__free(b);
	return rc;
}
