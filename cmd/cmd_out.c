// SPDX-License-Identifier: BSD-2-Clause
/*
 * cmd: what the subcommands share: JSON output (-j compact, -p pretty, as bpftool), errors,
 * the common getopt branches and opening a bundle.
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <jansson.h>

#include "batch.h"
#include "bundle.h"
#include "commands.h"

bool cmd_json, cmd_pretty;

void cmd_json_mode(int opt)
{
	cmd_json = true;
	if (opt == 'p')
		cmd_pretty = true;
}

int cmd_print_json(json_t *j)
{
	size_t flags = cmd_pretty ? JSON_INDENT(2) : JSON_COMPACT;

	if (!j || json_dumpf(j, stdout, flags) || fputc('\n', stdout) == EOF)
		return -1;
	return fflush(stdout) ? -1 : 0;
}

/*
 * In JSON mode a script reads stdout: the error goes there as {"error": "..."} (bpftool's
 * shape), and also on stderr for the log a human reads.
 */
void cmd_err(const char *cmd, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "btfgen-batch%s%s: %s\n", cmd ? " " : "", cmd ? cmd : "", msg);
	if (cmd_json) {
		json_t *j = json_pack("{s:s}", "error", msg);

		cmd_print_json(j);
		json_decref(j);
	}
}

/*
 * The getopt branches every command shares: -j/-p set the output mode (-1: go on), -h prints
 * the help on stdout (EXIT_OK), anything else prints it on stderr (EXIT_USAGE).
 */
int cmd_opt_common(int c, void (*usage)(FILE *f))
{
	switch (c) {
	case 'j':
	case 'p':
		cmd_json_mode(c);
		return -1;
	case 'h':
		usage(stdout);
		return EXIT_OK;
	default:
		usage(stderr);
		return EXIT_USAGE;
	}
}

int cmd_parse_std(int argc, char **argv, void (*usage)(FILE *f))
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	int c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "jph", opts, NULL)) != -1) {
		rc = cmd_opt_common(c, usage);
		if (rc >= 0)
			return rc;
	}
	return -1;
}

struct bundle *cmd_open_bundle(const char *cmd, const char *path, bool verify)
{
	struct bundle *b;
	char err[512];

	b = btfgen_bundle__open_file_opts(path, batch__bundle_opts(), err, sizeof(err));
	if (b && verify && btfgen_bundle__verify(b, err, sizeof(err))) {
		btfgen_bundle__free(b);
		b = NULL;
	}
	if (!b)
		cmd_err(cmd, "%s", err);
	return b;
}

json_t *cmd_entry_json(const struct bundle_entry *e)
{
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s}", "distro", e->distro, "version",
			      e->version, "arch", e->arch, "release", e->release, "status",
			      e->status);

	if (!o)
		return NULL;
	if (*e->blob) {
		json_object_set_new(o, "blob", json_string(e->blob));
		json_object_set_new(o, "btf_sha256", json_string(e->btf_sha256_hex));
		json_object_set_new(o, "btf_size", json_integer((json_int_t)e->btf_size));
	} else {
		json_object_set_new(o, "reason", json_string(e->reason));
	}
	return o;
}

int cmd_print_written(const char *out, size_t kernels)
{
	json_t *j = json_pack("{s:s, s:I}", "output", out, "kernels", (json_int_t)kernels);
	int r = cmd_print_json(j);

	json_decref(j);
	return r ? EXIT_FATAL : EXIT_OK;
}
