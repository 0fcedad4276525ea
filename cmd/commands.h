/* SPDX-License-Identifier: BSD-2-Clause */
/* cmd: the subcommands of btfgen-batch, one file each, dispatched from main.c. */
#ifndef BTFGEN_COMMANDS_H
#define BTFGEN_COMMANDS_H

#include <stdbool.h>
#include <stdio.h>
#include <jansson.h>

#include "btfgen_util.h"

/*
 * Q(s): a string from a bundle or the host, escaped for the terminal (btfgen_quote), in a
 * buffer that lives until the end of the enclosing block.
 */
#define CMD_QUOTE_MAX 320
#define Q(s) btfgen_quote((s), 0, (char[CMD_QUOTE_MAX]){ 0 }, CMD_QUOTE_MAX)

struct bundle;
struct bundle_entry;

/* Exit codes shared by every subcommand (documented in README.md). */
enum {
	EXIT_OK = 0, /* everything asked for was done */
	EXIT_PARTIAL = 1, /* some kernels failed; the output holds the rest */
	EXIT_USAGE = 2, /* bad arguments or manifest; nothing written */
	EXIT_FATAL = 3, /* setup or output failure; nothing written */
};

/* lookup's own answers (0 = found and written); see cmd_lookup.c's help. */
enum {
	EXIT_LOOKUP_NOT_FOUND = 4, /* no kernel of the bundle matches */
	EXIT_LOOKUP_AMBIGUOUS = 5, /* several kernels with different BTFs match */
	EXIT_LOOKUP_NO_BTF = 6, /* the kernel is in the bundle but failed or was skipped */
};

/*
 * Output mode of the command running, one meaning for every command (as bpftool):
 * -j/--json JSON on stdout, -p/--pretty indented JSON (implies -j).
 */
extern bool cmd_json, cmd_pretty;
/* Call with 'j' or 'p' when the option is seen. */
void cmd_json_mode(int opt);
/* j on stdout, compact or pretty, with a newline; 0 or -1 (j NULL or write error). */
int cmd_print_json(json_t *j);
/* "btfgen-batch CMD: message" on stderr; in JSON mode also {"error": message} on stdout. */
void cmd_err(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/*
 * The getopt branches every command shares, for the switch's default: 'j'/'p' set the output
 * mode and return -1 (go on); 'h' prints usage on stdout and returns EXIT_OK; anything else
 * prints it on stderr and returns EXIT_USAGE.
 */
int cmd_opt_common(int c, void (*usage)(FILE *f));
/*
 * The whole getopt loop of a command whose only options are -j/-p/-h: -1 to go on (operands
 * from argv[optind]), else the exit code to return.
 */
int cmd_parse_std(int argc, char **argv, void (*usage)(FILE *f));
/*
 * Opens the bundle at path (and checks all of it with btfgen_bundle__verify when verify is set);
 * on failure prints the cause with cmd_err(cmd, ...) and returns NULL (exit EXIT_FATAL).
 * The caller owns the bundle (btfgen_bundle__free).
 */
struct bundle *cmd_open_bundle(const char *cmd, const char *path, bool verify);
/*
 * A kernel entry as ls -j and lookup -j print it: keys, status, then blob, btf_sha256 and
 * btf_size (ok) or reason. New reference (caller decrefs), NULL when out of memory.
 */
json_t *cmd_entry_json(const struct bundle_entry *e);
/* {"output": out, "kernels": kernels} on stdout (strip, extract); EXIT_OK or EXIT_FATAL. */
int cmd_print_written(const char *out, size_t kernels);

/* Exit code of diff when the new bundle regressed (see cmd_diff.c). */
enum { EXIT_DIFF_REGRESSED = 1 };

/* Each takes argc/argv starting at the subcommand's own name. */
int cmd_run(int argc, char **argv);
int cmd_min_core_btf(int argc, char **argv);
int cmd_lookup(int argc, char **argv);
int cmd_ls(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_extract(int argc, char **argv);
int cmd_version(int argc, char **argv);
int cmd_merge(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_strip(int argc, char **argv);

#endif
