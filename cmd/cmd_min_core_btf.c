// SPDX-License-Identifier: BSD-2-Clause
/* btfgen-batch min_core_btf: tailor one kernel BTF to objects, as `bpftool gen min_core_btf`. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/btf.h>
#include <jansson.h>

#include "btfgen_core.h"
#include "bundle_writer.h"
#include "commands.h"
#include "kernel_archive.h"

static void help(FILE *f)
{
	fprintf(f,
		"usage: btfgen-batch min_core_btf [OPTIONS] INPUT OUTPUT OBJECT...\n"
		"\n"
		"Write to OUTPUT the BTF of INPUT reduced to the types and members the CO-RE\n"
		"relocations of the OBJECTs use, as `bpftool gen min_core_btf` does. INPUT is raw\n"
		"BTF, an ELF with a .BTF section (a vmlinux), or a BTFHub .btf.tar.xz (.gz, .zst).\n"
		"Every candidate libbpf may use is kept, so libbpf resolves every relocation the\n"
		"same way on OUTPUT as on INPUT; this is checked before OUTPUT is written.\n"
		"Relocations libbpf cannot satisfy on INPUT are not fatal: when there are any, one\n"
		"line on stderr counts them (poisoned instructions, existence probes answered 0),\n"
		"and each one libbpf refuses outright gets a warning line; -j lists every outcome.\n"
		"\n"
		"options:\n"
		"  -j, --json       print a JSON report on stdout: every relocation's outcome\n"
		"                   (errors as {\"error\": ...})\n"
		"  -p, --pretty     the same, indented\n"
		"  -v, --verbose    trace candidate matching and outcomes on stderr\n"
		"      --no-verify  skip re-resolving the relocations against OUTPUT\n"
		"  -h, --help       this text\n"
		"\n"
		"exit codes: 0 written; 2 bad arguments, unreadable or malformed INPUT or OBJECT;\n"
		"3 OUTPUT cannot be written or fails verification. Nothing is written unless 0.\n");
}

static void trace(const char *msg)
{
	fprintf(stderr, "btfgen-batch: %s\n", msg);
}

/* INPUT: an ELF (vmlinux) is read as is; anything else goes through the archive reader. */
static struct btf *load_input(const char *path, char *err, size_t err_sz)
{
	unsigned char magic[4] = { 0 };
	void *data = NULL;
	size_t size = 0;
	struct btf *btf;
	/* O_NONBLOCK: a FIFO must not block the sniff; the archive reader then refuses it */
	int ret, fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	FILE *f = fd < 0 ? NULL : fdopen(fd, "rb");

	if (!f) {
		if (fd >= 0)
			close(fd);
		snprintf(err, err_sz, "%s", strerror(errno));
		return NULL;
	}
	if (fread(magic, 1, 4, f) != 4)
		memset(magic, 0, 4);
	fclose(f);
	if (!memcmp(magic, "\177ELF", 4))
		ret = kernel_archive__load(path, NULL, &data, &size, NULL, err, err_sz);
	else
		ret = kernel_archive__read(path, NULL, &data, &size, NULL, err, err_sz);
	if (ret)
		return NULL;
	btf = core_btf_from_mem(data, size, err, err_sz);
	free(data);
	return btf;
}

static json_t *relo_json(const struct core_object *obj, __u32 i, const struct core_relo_result *r)
{
	struct core_relo_desc d;
	json_t *j;

	core_object__relo_desc(obj, i, &d);
	j = json_pack("{s:I, s:s, s:s, s:I, s:s, s:s, s:s, s:s}", "index", (json_int_t)i, "program",
		      d.program, "section", d.section, "insn_off", (json_int_t)d.insn_off, "kind",
		      d.kind_name, "type", d.type_name, "access", d.access, "status",
		      core_relo_status_str(r->status));
	if (!j)
		return NULL;
	if (r->status == CORE_RELO_RESOLVED || r->status == CORE_RELO_NOT_FOUND ||
	    r->status == CORE_RELO_LOCAL) {
		json_object_set_new(j, "poison", json_boolean(r->poison));
		if (!r->poison)
			json_object_set_new(j, "value", json_integer((json_int_t)r->value));
	}
	if (r->reason[0])
		json_object_set_new(j, "reason", json_string(r->reason));
	return j;
}

struct mcb_opts {
	bool verify; /* re-resolve the relocations against OUTPUT (--no-verify: no) */
	const char *input; /* INPUT */
	const char *output; /* OUTPUT */
	char **objs; /* the OBJECT paths, nobj of them */
	int nobj;
};

/* What tailoring made; mcb_free releases it. */
struct mcb_run {
	struct btf *btf; /* INPUT's BTF */
	struct kernel_index *ki;
	struct core_tailor *t;
	struct core_object **objs; /* opts.nobj of them */
	struct core_relo_result **results; /* one array per object, a result per relocation */
	int nobj;
	void *data; /* the tailored BTF */
	__u32 size;
	size_t n_relo, n_poison, n_probe, n_refused;
};

/* -1 to go on, else the exit code. */
static int parse_mcb_opts(int argc, char **argv, struct mcb_opts *o)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },    { "pretty", no_argument, NULL, 'p' },
		{ "verbose", no_argument, NULL, 'v' }, { "no-verify", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },    {},
	};
	int c, rc;

	o->verify = true;
	while ((c = getopt_long(argc, argv, "+jpvh", opts, NULL)) != -1) {
		switch (c) {
		case 'v':
			core_set_log(trace);
			break;
		case 'V':
			o->verify = false;
			break;
		default:
			rc = cmd_opt_common(c, help);
			if (rc >= 0)
				return rc;
		}
	}
	if (argc - optind < 3) {
		cmd_err("min_core_btf",
			"need INPUT, OUTPUT and at least one OBJECT (see min_core_btf --help)");
		return EXIT_USAGE;
	}
	o->input = argv[optind];
	o->output = argv[optind + 1];
	o->objs = argv + optind + 2;
	o->nobj = argc - optind - 2;
	return -1;
}

/* Counts object i's outcomes; a warning line for each relocation libbpf refuses. */
static void mcb_count(struct mcb_run *m, int i, const char *path)
{
	const struct core_relo_result *res = m->results[i];
	struct core_relo_desc d;

	for (__u32 r = 0; r < core_object__relo_cnt(m->objs[i]); r++) {
		m->n_relo++;
		if (res[r].status == CORE_RELO_NOT_FOUND)
			*(res[r].poison ? &m->n_poison : &m->n_probe) += 1;
		if (res[r].status != CORE_RELO_FAILED)
			continue;
		m->n_refused++;
		core_object__relo_desc(m->objs[i], r, &d);
		fprintf(stderr,
			"btfgen-batch: warning: object '%s': prog '%s': relo #%u (%s %s %s): "
			"libbpf refuses it: %s\n",
			path, d.program, d.sec_relo_idx, d.kind_name,
			d.type_name[0] ? d.type_name : "<anon>", d.access, res[r].reason);
	}
}

/* Opens every object and adds it to the tailor; EXIT_OK, EXIT_USAGE or EXIT_FATAL. */
static int mcb_add_objects(struct mcb_run *m, const struct mcb_opts *o)
{
	char err[256];

	for (int i = 0; i < o->nobj; i++) {
		const char *path = o->objs[i];

		m->objs[i] = core_object__open(path, err, sizeof(err));
		if (!m->objs[i]) {
			cmd_err("min_core_btf", "object '%s': %s", path, err);
			return EXIT_USAGE;
		}
		m->results[i] = calloc(core_object__relo_cnt(m->objs[i]) + 1, sizeof(**m->results));
		if (!m->results[i] || core_tailor__add_object(m->t, m->objs[i], m->results[i])) {
			cmd_err("min_core_btf", "object '%s': %s", path,
				m->results[i] ? core_tailor__error(m->t) : "out of memory");
			return EXIT_FATAL;
		}
		mcb_count(m, i, path);
	}
	return EXIT_OK;
}

/* bpftool's minimize_btf: INPUT reduced to what the objects use, verified; an exit code. */
static int mcb_tailor(struct mcb_run *m, const struct mcb_opts *o)
{
	char err[256];
	int rc;

	m->btf = load_input(o->input, err, sizeof(err));
	if (!m->btf) {
		cmd_err("min_core_btf", "input '%s': %s", o->input, err);
		return EXIT_USAGE;
	}
	m->nobj = o->nobj;
	m->objs = calloc(o->nobj, sizeof(*m->objs));
	m->results = calloc(o->nobj, sizeof(*m->results));
	m->ki = kernel_index__new(m->btf);
	m->t = m->ki ? core_tailor__new(m->ki) : NULL;
	if (!m->objs || !m->results || !m->t) {
		cmd_err("min_core_btf", "out of memory");
		return EXIT_FATAL;
	}
	rc = mcb_add_objects(m, o);
	if (rc)
		return rc;
	if (core_tailor__emit(m->t, &m->data, &m->size)) {
		cmd_err("min_core_btf", "emitting BTF: %s", core_tailor__error(m->t));
		return EXIT_FATAL;
	}
	if (o->verify && core_tailor__verify(m->t, m->data, m->size, err, sizeof(err))) {
		cmd_err("min_core_btf", "tailored BTF does not verify, not written: %s", err);
		return EXIT_FATAL;
	}
	return EXIT_OK;
}

static void mcb_free(struct mcb_run *m)
{
	free(m->data);
	core_tailor__free(m->t);
	kernel_index__free(m->ki);
	for (int i = 0; m->objs && i < m->nobj; i++)
		core_object__free(m->objs[i]);
	for (int i = 0; m->results && i < m->nobj; i++)
		free(m->results[i]);
	free(m->objs);
	free(m->results);
	btf__free(m->btf);
}

/* One line on stderr when some relocations cannot be satisfied (refused ones got theirs). */
static void print_mcb_summary(const struct mcb_run *m, const struct mcb_opts *o)
{
	if (!(m->n_poison + m->n_probe))
		return;
	fprintf(stderr,
		"btfgen-batch min_core_btf: %zu of %zu relocations unsatisfiable on '%s': "
		"%zu poisoned (fail if reached), %zu existence probes answered 0, %zu "
		"refused by libbpf%s\n",
		m->n_poison + m->n_probe + m->n_refused, m->n_relo, o->input, m->n_poison,
		m->n_probe, m->n_refused, cmd_json ? "" : "; -j lists them");
}

/* The report of every relocation's outcome; EXIT_OK or EXIT_FATAL. */
static int print_mcb_json(const struct mcb_run *m, const struct mcb_opts *o)
{
	json_t *report, *arr = json_array();
	int rc = EXIT_OK;

	report = json_pack("{s:s, s:s, s:I, s:I, s:o}", "input", o->input, "output", o->output,
			   "input_types", (json_int_t)btf__type_cnt(m->btf) - 1, "btf_size",
			   (json_int_t)m->size, "objects", arr);
	for (int i = 0; report && i < m->nobj; i++) {
		json_t *relos = json_array();

		for (__u32 r = 0; r < core_object__relo_cnt(m->objs[i]); r++)
			json_array_append_new(relos, relo_json(m->objs[i], r, &m->results[i][r]));
		json_array_append_new(arr,
				      json_pack("{s:s, s:o}", "path", core_object__path(m->objs[i]),
						"relocations", relos));
	}
	if (cmd_print_json(report)) {
		fprintf(stderr, "btfgen-batch: cannot print the JSON report\n");
		rc = EXIT_FATAL;
	}
	json_decref(report);
	return rc;
}

int cmd_min_core_btf(int argc, char **argv)
{
	struct mcb_opts o = {};
	struct mcb_run m = {};
	char err[256];
	int rc;

	rc = parse_mcb_opts(argc, argv, &o);
	if (rc >= 0)
		return rc;
	rc = mcb_tailor(&m, &o);
	if (rc)
		goto out;
	if (btfgen_bundle_file__write_atomic(o.output, m.data, m.size, err, sizeof(err))) {
		cmd_err("min_core_btf", "%s", err);
		rc = EXIT_FATAL;
		goto out;
	}
	print_mcb_summary(&m, &o);
	if (cmd_json)
		rc = print_mcb_json(&m, &o);
out:
	mcb_free(&m);
	return rc;
}
