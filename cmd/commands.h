/* SPDX-License-Identifier: BSD-2-Clause */
/* cmd: the subcommands of btfgen-batch, one file each, dispatched from main.c. */
#ifndef BTFGEN_COMMANDS_H
#define BTFGEN_COMMANDS_H

/* Exit codes shared by every subcommand (documented in README.md). */
enum {
	EXIT_OK = 0,           /* everything asked for was done */
	EXIT_PARTIAL = 1,      /* some kernels failed; the output holds the rest */
	EXIT_USAGE = 2,        /* bad arguments or manifest; nothing written */
	EXIT_FATAL = 3,        /* setup or output failure; nothing written */
};

/* Each takes argc/argv starting at the subcommand's own name. */
int cmd_run(int argc, char **argv);
int cmd_min_core_btf(int argc, char **argv);
int cmd_lookup(int argc, char **argv);
int cmd_ls(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_extract(int argc, char **argv);
int cmd_version(int argc, char **argv);

#endif
