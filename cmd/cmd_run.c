// SPDX-License-Identifier: BSD-2-Clause
/* btfgen-batch run: the batch job of a manifest, with command-line overrides. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <jansson.h>

#include "batch.h"
#include "commands.h"
#include "manifest.h"
#include "progress.h"

static void help(FILE *f)
{
	fprintf(f,
		"usage: btfgen-batch [run] [OPTIONS] MANIFEST.json\n"
		"\n"
		"Tailor every kernel the manifest selects to the objects of its arch and write\n"
		"one bundle (or tree). Kernels that fail (corrupt archive, malformed BTF) are\n"
		"recorded as failed in index.json; the others land. The output is written to a\n"
		"temp file and renamed: a run that stops midway leaves the previous one intact.\n"
		"\n"
		"options:\n"
		"  -J, --jobs N      worker threads (default: manifest \"jobs\", else online CPUs)\n"
		"  -o, --output PATH write here instead of the manifest's \"output\"\n"
		"  -j, --json        print a machine-readable summary on stdout (errors too)\n"
		"  -p, --pretty      the same, indented\n"
		"      --no-progress no progress (a bar on a terminal; otherwise one line at most\n"
		"                    every $BTFGEN_PROGRESS_INTERVAL seconds, default 10)\n"
		"      --kernel-cache DIR  keep each kernel's decoded BTF in DIR (overrides the\n"
		"                    manifest's \"kernel_cache\"): re-runs after an object changed\n"
		"                    skip the archives' xz\n"
		"      --verify      verify every tailored BTF (overrides the manifest's \"verify\")\n"
		"      --no-verify   do not verify\n"
		"      --shard K/N   take only the K-th of N deterministic slices of the kernels\n"
		"                    (one per CI job; join them with `btfgen-batch merge`)\n"
		"  -h, --help        this text\n"
		"\n"
		"exit codes: 0 all kernels ok; 1 some kernels failed, the output holds the rest;\n"
		"2 usage, manifest or object error, nothing written; 3 fatal (cannot write the\n"
		"output), nothing written.\n");
}

static void human_size(unsigned long long n, char *buf, size_t sz)
{
	if (n >= 10ULL << 20)
		snprintf(buf, sz, "%.1f MiB", n / 1048576.0);
	else if (n >= 10ULL << 10)
		snprintf(buf, sz, "%.1f KiB", n / 1024.0);
	else
		snprintf(buf, sz, "%llu B", n);
}

enum { OPT_NO_PROGRESS = 256, OPT_VERIFY, OPT_NO_VERIFY, OPT_SHARD, OPT_KERNEL_CACHE };

/* -J N and --shard K/N; -1 to go on, else EXIT_USAGE. */
static int parse_run_number_opt(int c, struct batch_options *bo)
{
	char *end;
	long v;

	if (c == OPT_SHARD) {
		if (sscanf(optarg, "%u/%u%c", &bo->shard_k, &bo->shard_n, &(char){ 0 }) != 2 ||
		    bo->shard_n < 1 || bo->shard_k < 1 || bo->shard_k > bo->shard_n) {
			cmd_err("run", "--shard wants K/N with 1 <= K <= N, not '%s'", optarg);
			return EXIT_USAGE;
		}
		return -1;
	}
	v = strtol(optarg, &end, 10);
	if (*end || v < 1 || v > 1024) {
		cmd_err("run", "-J/--jobs wants a number from 1 to 1024, not '%s'", optarg);
		return EXIT_USAGE;
	}
	bo->jobs = v;
	return -1;
}

/* Exactly one MANIFEST; -1 to go on, else EXIT_USAGE. */
static int check_run_operands(int argc, char **argv)
{
	if (argc - optind == 1)
		return -1;
	/* "-j 4" was the job count before -j meant JSON everywhere */
	if (cmd_json && argc - optind == 2 &&
	    strspn(argv[optind], "0123456789") == strlen(argv[optind]))
		cmd_err("run", "-j is --json; the number of jobs is -J %s", argv[optind]);
	else
		cmd_err("run", "need exactly one MANIFEST (see run --help)");
	return EXIT_USAGE;
}

/* -1 to go on (the MANIFEST is argv[optind]), else the exit code. */
static int parse_run_opts(int argc, char **argv, struct batch_options *bo, bool *show_progress)
{
	static const struct option opts[] = {
		{ "jobs", required_argument, NULL, 'J' },
		{ "output", required_argument, NULL, 'o' },
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, 'p' },
		{ "no-progress", no_argument, NULL, OPT_NO_PROGRESS },
		{ "verify", no_argument, NULL, OPT_VERIFY },
		{ "no-verify", no_argument, NULL, OPT_NO_VERIFY },
		{ "shard", required_argument, NULL, OPT_SHARD },
		{ "kernel-cache", required_argument, NULL, OPT_KERNEL_CACHE },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	int c, rc = -1;

	while (rc < 0 && (c = getopt_long(argc, argv, "J:o:jph", opts, NULL)) != -1) {
		switch (c) {
		case 'J':
		case OPT_SHARD:
			rc = parse_run_number_opt(c, bo);
			break;
		case 'o':
			bo->output = optarg;
			break;
		case OPT_NO_PROGRESS:
			*show_progress = false;
			break;
		case OPT_VERIFY:
		case OPT_NO_VERIFY:
			bo->verify = c == OPT_VERIFY;
			break;
		case OPT_KERNEL_CACHE:
			bo->kernel_cache = optarg;
			break;
		default:
			rc = cmd_opt_common(c, help);
		}
	}
	return rc < 0 ? check_run_operands(argc, argv) : rc;
}

static void print_run_summary(const struct batch_summary *sum)
{
	char size[32];

	human_size(sum->output_size, size, sizeof(size));
	fprintf(stderr,
		"btfgen-batch: %zu kernels: %zu ok, %zu failed; %zu distinct BTFs; "
		"some program fails on %zu kernel%s; %s (%s); %.2f s\n",
		sum->kernels, sum->ok, sum->failed, sum->distinct, sum->failing_kernels,
		sum->failing_kernels == 1 ? "" : "s", sum->output, size, sum->seconds);
}

static void print_run_json(const struct batch_summary *sum)
{
	json_t *j = json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:s, s:I, s:f}", "kernels",
			      (json_int_t)sum->kernels, "ok", (json_int_t)sum->ok, "failed",
			      (json_int_t)sum->failed, "distinct_btfs", (json_int_t)sum->distinct,
			      "unsatisfied_relocations", (json_int_t)sum->unsatisfied,
			      "failing_kernels", (json_int_t)sum->failing_kernels, "output",
			      sum->output, "output_size", (json_int_t)sum->output_size, "seconds",
			      sum->seconds);

	cmd_print_json(j);
	json_decref(j);
}

int cmd_run(int argc, char **argv)
{
	struct batch_options bo = { .verify = -1 };
	struct progress pr;
	bool show_progress = true;
	struct batch_summary sum;
	struct manifest *m;
	char err[512];
	int ret;

	ret = parse_run_opts(argc, argv, &bo, &show_progress);
	if (ret >= 0)
		return ret;
	m = manifest__load(argv[optind], err, sizeof(err));
	if (!m) {
		cmd_err(NULL, "%s", err);
		return EXIT_USAGE;
	}
	if (show_progress) {
		const char *iv = getenv("BTFGEN_PROGRESS_INTERVAL");

		progress_init(&pr, stderr, isatty(STDERR_FILENO), iv ? strtod(iv, NULL) : 0);
		bo.progress = progress_draw;
	} else {
		progress_init(&pr, stderr, false, 0);
	}
	bo.kernel_failed = progress_kernel_failed;
	bo.progress_ctx = &pr;
	ret = batch__run(m, &bo, &sum, err, sizeof(err));
	if (ret) {
		cmd_err(NULL, "%s; nothing written", err);
		manifest__free(m);
		return ret == -EINVAL ? EXIT_USAGE : EXIT_FATAL;
	}
	print_run_summary(&sum);
	if (cmd_json)
		print_run_json(&sum);
	manifest__free(m);
	return sum.failed ? EXIT_PARTIAL : EXIT_OK;
}
