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

static const char *status_name(enum core_relo_status s)
{
	switch (s) {
	case CORE_RELO_RESOLVED:
		return "resolved";
	case CORE_RELO_NOT_FOUND:
		return "not_found";
	case CORE_RELO_LOCAL:
		return "local";
	default:
		return "failed";
	}
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
	j = json_pack("{s:I, s:s, s:s, s:I, s:s, s:s, s:s, s:s}", "index", (json_int_t)i,
		      "program", d.program, "section", d.section, "insn_off",
		      (json_int_t)d.insn_off, "kind", d.kind_name, "type", d.type_name, "access",
		      d.access, "status", status_name(r->status));
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

int cmd_min_core_btf(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, 'p' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "no-verify", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	struct core_object **objs = NULL;
	struct core_relo_result **results = NULL;
	struct kernel_index *ki = NULL;
	struct core_tailor *t = NULL;
	bool verify = true;
	size_t n_relo = 0, n_poison = 0, n_probe = 0, n_refused = 0;
	const char *input, *output;
	struct btf *btf = NULL;
	json_t *report = NULL;
	void *data = NULL;
	__u32 size = 0;
	char err[256];
	int c, nobj, ret = EXIT_FATAL;

	while ((c = getopt_long(argc, argv, "+jpvh", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
		case 'p':
			cmd_json_mode(c);
			break;
		case 'v':
			core_set_log(trace);
			break;
		case 'V':
			verify = false;
			break;
		case 'h':
			help(stdout);
			return EXIT_OK;
		default:
			help(stderr);
			return EXIT_USAGE;
		}
	}
	if (argc - optind < 3) {
		cmd_err("min_core_btf",
			"need INPUT, OUTPUT and at least one OBJECT (see min_core_btf --help)");
		return EXIT_USAGE;
	}
	input = argv[optind];
	output = argv[optind + 1];
	nobj = argc - optind - 2;

	btf = load_input(input, err, sizeof(err));
	if (!btf) {
		cmd_err("min_core_btf", "input '%s': %s", input, err);
		ret = EXIT_USAGE;
		goto out;
	}
	objs = calloc(nobj, sizeof(*objs));
	results = calloc(nobj, sizeof(*results));
	ki = kernel_index__new(btf);
	t = ki ? core_tailor__new(ki) : NULL;
	if (!objs || !results || !t) {
		cmd_err("min_core_btf", "out of memory");
		goto out;
	}
	for (int i = 0; i < nobj; i++) {
		const char *path = argv[optind + 2 + i];

		objs[i] = core_object__open(path, err, sizeof(err));
		if (!objs[i]) {
			cmd_err("min_core_btf", "object '%s': %s", path, err);
			ret = EXIT_USAGE;
			goto out;
		}
		results[i] = calloc(core_object__relo_cnt(objs[i]) + 1, sizeof(**results));
		if (!results[i] || core_tailor__add_object(t, objs[i], results[i])) {
			cmd_err("min_core_btf", "object '%s': %s", path,
				results[i] ? core_tailor__error(t) : "out of memory");
			goto out;
		}
		for (__u32 r = 0; r < core_object__relo_cnt(objs[i]); r++) {
			struct core_relo_desc d;

			n_relo++;
			if (results[i][r].status == CORE_RELO_NOT_FOUND)
				*(results[i][r].poison ? &n_poison : &n_probe) += 1;
			if (results[i][r].status != CORE_RELO_FAILED)
				continue;
			n_refused++;
			core_object__relo_desc(objs[i], r, &d);
			fprintf(stderr,
				"btfgen-batch: warning: object '%s': prog '%s': relo #%u (%s %s %s): "
				"libbpf refuses it: %s\n",
				path, d.program, d.sec_relo_idx, d.kind_name,
				d.type_name[0] ? d.type_name : "<anon>", d.access, results[i][r].reason);
		}
	}
	if (core_tailor__emit(t, &data, &size)) {
		cmd_err("min_core_btf", "emitting BTF: %s", core_tailor__error(t));
		goto out;
	}
	if (verify && core_tailor__verify(t, data, size, err, sizeof(err))) {
		cmd_err("min_core_btf", "tailored BTF does not verify, not written: %s", err);
		goto out;
	}
	if (btfgen_bundle_file__write_atomic(output, data, size, err, sizeof(err))) {
		cmd_err("min_core_btf", "%s", err);
		goto out;
	}
	/* refused ones got a warning each above */
	if (n_poison + n_probe)
		fprintf(stderr,
			"btfgen-batch min_core_btf: %zu of %zu relocations unsatisfiable on '%s': "
			"%zu poisoned (fail if reached), %zu existence probes answered 0, %zu "
			"refused by libbpf%s\n",
			n_poison + n_probe + n_refused, n_relo, input, n_poison, n_probe, n_refused,
			cmd_json ? "" : "; -j lists them");
	if (cmd_json) {
		json_t *arr = json_array();

		report = json_pack("{s:s, s:s, s:I, s:I, s:o}", "input", input, "output", output,
				   "input_types", (json_int_t)btf__type_cnt(btf) - 1, "btf_size",
				   (json_int_t)size, "objects", arr);
		for (int i = 0; report && i < nobj; i++) {
			json_t *relos = json_array();

			for (__u32 r = 0; r < core_object__relo_cnt(objs[i]); r++)
				json_array_append_new(relos, relo_json(objs[i], r, &results[i][r]));
			json_array_append_new(arr, json_pack("{s:s, s:o}", "path",
							     core_object__path(objs[i]),
							     "relocations", relos));
		}
		if (cmd_print_json(report)) {
			fprintf(stderr, "btfgen-batch: cannot print the JSON report\n");
			goto out;
		}
	}
	ret = EXIT_OK;
out:
	json_decref(report);
	free(data);
	core_tailor__free(t);
	kernel_index__free(ki);
	for (int i = 0; objs && i < nobj; i++) {
		core_object__free(objs[i]);
		free(results[i]);
	}
	free(objs);
	free(results);
	btf__free(btf);
	return ret;
}
