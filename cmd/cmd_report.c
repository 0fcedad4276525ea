// SPDX-License-Identifier: BSD-2-Clause
/*
 * btfgen-batch report: one self-contained HTML file (inline CSS and JS, no network) with the
 * kernels x programs grid of verdicts (docs/verdicts.md). The page's data is one JSON
 * document inside <script type="application/json">, made safe there: every '<', '>', '&' and
 * non-ASCII character (U+2028/U+2029 included) is a \u escape, so no string from the bundle
 * can end the script element; the page's script puts strings in the DOM as text only.
 */
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

extern const char report_template[];
extern const unsigned long report_template_len;

#define DATA_MARK "/*BTFGEN_DATA*/"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: btfgen-batch report [-j|-p] BUNDLE -o REPORT.html\n"
		"\n"
		"Writes one self-contained HTML page (no network, no external files) of BUNDLE's\n"
		"verdicts (docs/verdicts.md): a kernels x programs grid colored by verdict\n"
		"(loads, probes, guarded, fails, refused), kernels grouped by distro/version/arch,\n"
		"filterable by kernel, program and verdict, the relocation that decided a cell on\n"
		"hover or click, and a summary at the top.\n"
		"\n"
		"  -o, --output F  the page to write (through a temp file and a rename)\n"
		"  -j, --json      print what was written (page, kernels, programs) as JSON\n"
		"  -p, --pretty    the same, indented\n"
		"  -h, --help      this text\n"
		"\n"
		"exit codes: 0 written, 2 usage, 3 unreadable bundle or cannot write.\n");
}

static const char verdict_codes[] = "LPGFR-";

/* "byte_off inet_sock 0:14, insn 62 in probe_exit: <reason>", pooled by text. */
static json_int_t reason_index(json_t *pool, json_t *list, const struct bundle_unsatisfied *u)
{
	char buf[1024];
	json_t *have;

	snprintf(buf, sizeof(buf), "%s %s %s, insn %u%s%s: %s", u->kind,
		 u->type[0] ? u->type : "<anon>", u->access, u->insn,
		 u->function && u->function[0] ? " in " : "", u->function ? u->function : "",
		 u->reason);
	have = json_object_get(pool, buf);
	if (have)
		return json_integer_value(have);
	json_object_set_new(pool, buf, json_integer((json_int_t)json_array_size(list)));
	json_array_append_new(list, json_string(buf));
	return (json_int_t)json_array_size(list) - 1;
}

static json_t *kernel_json(struct bundle *b, const struct bundle_entry *e,
			   const enum bundle_verdict *v, const long *why, size_t total,
			   json_t *pool, json_t *reasons)
{
	json_t *k = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "distro", e->distro, "version",
			      e->version, "arch", e->arch, "release", e->release, "status",
			      e->status, "reason", e->reason);
	json_t *w = json_object();
	char *codes = malloc(total + 1);

	if (!k || !w || !codes) {
		json_decref(k);
		json_decref(w);
		free(codes);
		return NULL;
	}
	for (size_t n = 0; n < total; n++) {
		struct bundle_unsatisfied u;
		char idx[32];

		codes[n] = verdict_codes[v[n] < BUNDLE_VERDICT_NA ? v[n] : BUNDLE_VERDICT_NA];
		if (why[n] < 0 || btfgen_bundle__unsatisfied(b, e, (size_t)why[n], &u))
			continue;
		snprintf(idx, sizeof(idx), "%zu", n);
		json_object_set_new(w, idx, json_integer(reason_index(pool, reasons, &u)));
	}
	codes[total] = '\0';
	json_object_set_new(k, "v", json_string(codes));
	json_object_set_new(k, "why", w);
	free(codes);
	return k;
}

static json_t *report_data(struct bundle *b, const char *path, char *err, size_t err_sz)
{
	size_t total = btfgen_bundle__program_total(b);
	enum bundle_verdict *v = calloc(total + 1, sizeof(*v));
	long *why = calloc(total + 1, sizeof(*why));
	json_t *d = json_object(), *objs = json_array(), *kerns = json_array();
	json_t *pool = json_object(), *reasons = json_array();
	const char *base = strrchr(path, '/');
	char gen[256];

	if (!v || !why || !d || !objs || !kerns || !pool || !reasons)
		goto fail;
	snprintf(gen, sizeof(gen), "made by %s %s (libbpf %s)", btfgen_bundle__generator(b, "name"),
		 btfgen_bundle__generator(b, "version"), btfgen_bundle__generator(b, "libbpf"));
	json_object_set_new(d, "bundle", json_string(base ? base + 1 : path));
	json_object_set_new(d, "generator", json_string(gen));
	for (size_t i = 0; i < btfgen_bundle__object_cnt(b); i++) {
		const struct bundle_object *o = btfgen_bundle__object(b, i);
		json_t *progs = json_array();

		for (size_t j = 0; j < o->program_cnt; j++)
			json_array_append_new(progs, json_string(o->programs[j]));
		json_array_append_new(objs, json_pack("{s:s, s:s, s:o}", "name", o->name, "arch",
						      o->arch, "programs", progs));
	}
	for (size_t i = 0; i < btfgen_bundle__entry_cnt(b); i++) {
		const struct bundle_entry *e = btfgen_bundle__entry(b, i);
		json_t *k;

		if (btfgen_bundle__verdicts(b, e, v, why)) {
			snprintf(err, err_sz, "%s", btfgen_bundle__error(b));
			goto fail;
		}
		k = kernel_json(b, e, v, why, total, pool, reasons);
		if (!k || json_array_append_new(kerns, k))
			goto fail;
	}
	json_object_set(d, "objects", objs);
	json_object_set(d, "kernels", kerns);
	json_object_set(d, "reasons", reasons);
	json_decref(objs);
	json_decref(kerns);
	json_decref(reasons);
	json_decref(pool);
	free(v);
	free(why);
	return d;
fail:
	if (!err[0])
		snprintf(err, err_sz, "out of memory");
	json_decref(d);
	json_decref(objs);
	json_decref(kerns);
	json_decref(pool);
	json_decref(reasons);
	free(v);
	free(why);
	return NULL;
}

/* JSON made safe inside <script>: jansson escapes non-ASCII (JSON_ENSURE_ASCII), we the rest. */
static char *script_safe_json(json_t *d)
{
	char *s = json_dumps(d, JSON_COMPACT | JSON_ENSURE_ASCII), *out;
	size_t n = 0;

	if (!s)
		return NULL;
	for (const char *p = s; *p; p++)
		n += strchr("<>&", *p) ? 6 : 1;
	out = malloc(n + 1);
	if (out) {
		char *o = out;

		for (const char *p = s; *p; p++) {
			if (strchr("<>&", *p))
				o += sprintf(o, "\\u%04x", (unsigned char)*p);
			else
				*o++ = *p;
		}
		*o = '\0';
	}
	free(s);
	return out;
}

static int write_report(const char *out, const char *data, char *err, size_t err_sz)
{
	const char *mark = strstr(report_template, DATA_MARK);
	size_t head, dlen = strlen(data), tail, len;
	char *page;
	int ret;

	if (!mark) {
		snprintf(err, err_sz, "report template has no data mark");
		return -EINVAL;
	}
	head = (size_t)(mark - report_template);
	tail = report_template_len - head - strlen(DATA_MARK);
	len = head + dlen + tail;
	page = malloc(len);
	if (!page) {
		snprintf(err, err_sz, "out of memory");
		return -ENOMEM;
	}
	memcpy(page, report_template, head);
	memcpy(page + head, data, dlen);
	memcpy(page + head + dlen, mark + strlen(DATA_MARK), tail);
	ret = btfgen_bundle_file__write_atomic(out, page, len, err, err_sz);
	free(page);
	return ret;
}

/* -1 to go on (the BUNDLE is argv[optind]), else the exit code. */
static int parse_report_opts(int argc, char **argv, const char **out)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	int c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "o:jph", opts, NULL)) != -1) {
		if (c == 'o') {
			*out = optarg;
			continue;
		}
		rc = cmd_opt_common(c, usage);
		if (rc >= 0)
			return rc;
	}
	if (optind != argc - 1 || !*out) {
		usage(stderr);
		return EXIT_USAGE;
	}
	return -1;
}

static int print_report_json(struct bundle *b, const char *out)
{
	json_t *j = json_pack("{s:s, s:I, s:I}", "output", out, "kernels",
			      (json_int_t)btfgen_bundle__entry_cnt(b), "programs",
			      (json_int_t)btfgen_bundle__program_total(b));
	int rc = cmd_print_json(j) ? EXIT_FATAL : EXIT_OK;

	json_decref(j);
	return rc;
}

int cmd_report(int argc, char **argv)
{
	const char *out = NULL;
	char err[512] = "", *data = NULL;
	struct bundle *b;
	json_t *d;
	int rc;

	rc = parse_report_opts(argc, argv, &out);
	if (rc >= 0)
		return rc;
	rc = EXIT_FATAL;
	b = cmd_open_bundle("report", argv[optind], false);
	if (!b)
		return EXIT_FATAL;
	d = report_data(b, argv[optind], err, sizeof(err));
	data = d ? script_safe_json(d) : NULL;
	if (!data)
		cmd_err("report", "%s: %s", argv[optind], err[0] ? err : "out of memory");
	else if (write_report(out, data, err, sizeof(err)))
		cmd_err("report", "%s", err);
	else
		rc = EXIT_OK;
	if (rc == EXIT_OK && cmd_json)
		rc = print_report_json(b, out);
	free(data);
	json_decref(d);
	btfgen_bundle__free(b);
	return rc;
}
