// SPDX-License-Identifier: BSD-2-Clause
/* cmd: output shared by the subcommands: JSON (-j compact, -p pretty, as bpftool) and errors. */
#include <stdarg.h>
#include <stdio.h>
#include <jansson.h>

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
