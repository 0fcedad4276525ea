// SPDX-License-Identifier: BSD-2-Clause
/* btfgen-batch: entry point and subcommand dispatch. */
#include <malloc.h>
#include <sys/stat.h>
#include <stdio.h>
#include <string.h>
#include <bpf/libbpf.h>

#include "commands.h"

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
} commands[] = {
	{ "run", cmd_run, "tailor every kernel of a manifest into one bundle (the default)" },
	{ "min_core_btf", cmd_min_core_btf,
	  "tailor one kernel BTF to objects, as bpftool gen min_core_btf" },
	{ "lookup", cmd_lookup, "find the BTF of a kernel (the host by default) in a bundle" },
	{ "ls", cmd_ls, "list the kernels of a bundle" },
	{ "info", cmd_info, "objects, counts and program verdicts of a bundle" },
	{ "extract", cmd_extract,
	  "write a bundle out as a <distro>/<version>/<arch>/<release>.btf tree" },
	{ "merge", cmd_merge, "join the bundles of a sharded run (run --shard K/N) into one" },
	{ "strip", cmd_strip,
	  "the embeddable form of a bundle: lookup data only, no provenance or matrix" },
	{ "diff", cmd_diff, "what changed between two bundles; exit 1 if a program newly fails" },
	{ "report", cmd_report,
	  "write a self-contained HTML page of which program loads on which kernel" },
	{ "version", cmd_version, "versions of btfgen-batch and the libraries it uses" },
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: btfgen-batch MANIFEST.json\n"
		"       btfgen-batch COMMAND [ARGS...]   (COMMAND --help for details)\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-13s %s\n", commands[i].name, commands[i].summary);
	fprintf(f,
		"\nexit codes: 0 ok, 1 some kernels failed (output holds the rest), 2 usage or\n"
		"manifest error (nothing written), 3 fatal (nothing written); lookup has its own.\n"
		"-j/--json and -p/--pretty mean JSON output in every command; -J N is run's jobs.\n");
}

/*
 * Not a command, so the manifest of "btfgen-batch MANIFEST": an option (run's), a name that
 * exists (a typo'd extension, a directory: run names it in its error), ends in .json or is a
 * path. Anything else is an unknown command.
 */
static bool is_manifest_arg(const char *arg)
{
	struct stat st;
	size_t n = strlen(arg);

	return arg[0] == '-' || strchr(arg, '/') || (n >= 5 && !strcmp(arg + n - 5, ".json")) ||
	       !stat(arg, &st);
}

static int silent_libbpf(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	(void)fmt;
	(void)ap;
	return 0;
}

int main(int argc, char **argv)
{
	/*
	 * Every kernel costs a few 5 MB buffers (its BTF, libbpf's copy), allocated and
	 * freed by whichever worker runs it. With glibc's arena per thread, each arena
	 * keeps its own freed memory: peak RSS was 88 MB for 118 kernels at -j2. One
	 * arena shares it: 68-73 MB, at the same speed (a fixed mmap threshold gave
	 * 61 MB but 12 % more wall time in page faults). Workers allocate rarely.
	 */
	mallopt(M_ARENA_MAX, 1);
	/* libbpf's own warnings would interleave with ours; we report errors ourselves. */
	libbpf_set_print(silent_libbpf);

	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return EXIT_OK;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].fn(argc - 1, argv + 1);
	}
	/* "btfgen-batch [-J N ...] manifest.json" is "btfgen-batch run [-J N ...] manifest.json". */
	if (is_manifest_arg(argv[1]))
		return cmd_run(argc, argv);
	fputs("btfgen-batch: '", stderr);
	for (const char *p = argv[1]; *p; p++)
		fprintf(stderr, (unsigned char)*p < 0x20 || *p == 0x7f ? "\\x%02x" : "%c",
			(unsigned char)*p);
	fputs("' is neither a command nor a manifest file (commands: btfgen-batch --help)\n",
	      stderr);
	return EXIT_USAGE;
}
