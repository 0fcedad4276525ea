// SPDX-License-Identifier: BSD-2-Clause
/*
 * tests/verdicts: load one program of an object for real (as root), with libbpf reading the
 * given tailored BTF as the kernel's (btf_custom_path); PROGRAM "*" loads the whole object
 * (every program autoloaded, as a skeleton does). VERDICT_LOAD_DEBUG=1 shows libbpf's log.
 * Prints one line: "loaded", or
 * "rejected: <why>" with the verifier's first complaint. Exit 0 loaded, 1 rejected, 2 error.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>

static char verifier_log[1 << 16];

static int quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	(void)fmt;
	(void)ap;
	return 0;
}

/* The verifier's complaint: the last log line that is not its statistics. */
static const char *complaint(char *log)
{
	char *line, *last = NULL;

	for (line = strtok(log, "\n"); line; line = strtok(NULL, "\n"))
		if (strncmp(line, "processed ", 10) && strncmp(line, "verification time", 17))
			last = line;
	return last ? last : "no verifier log";
}

int main(int argc, char **argv)
{
	LIBBPF_OPTS(bpf_object_open_opts, opts);
	struct bpf_program *prog, *want = NULL;
	struct bpf_object *obj;
	int err;

	if (argc != 4) {
		fprintf(stderr, "usage: verdict_load OBJECT BTF PROGRAM\n");
		return 2;
	}
	if (!getenv("VERDICT_LOAD_DEBUG"))
		libbpf_set_print(quiet);
	opts.btf_custom_path = argv[2];
	obj = bpf_object__open_file(argv[1], &opts);
	if (!obj) {
		fprintf(stderr, "verdict_load: %s: %s\n", argv[1], strerror(errno));
		return 2;
	}
	bpf_object__for_each_program(prog, obj)
	{
		bool me = !strcmp(argv[3], "*") || !strcmp(bpf_program__name(prog), argv[3]);

		bpf_program__set_autoload(prog, me);
		if (me)
			want = prog;
	}
	if (!want) {
		fprintf(stderr, "verdict_load: %s: no program '%s'\n", argv[1], argv[3]);
		bpf_object__close(obj);
		return 2;
	}
	if (strcmp(argv[3], "*")) {
		bpf_program__set_log_buf(want, verifier_log, sizeof(verifier_log));
		bpf_program__set_log_level(want, 1);
	}
	err = bpf_object__load(obj);
	if (!err) {
		printf("loaded\n");
	} else {
		printf("rejected: %s (%s)\n", strerror(-err), complaint(verifier_log));
	}
	bpf_object__close(obj);
	return err ? 1 : 0;
}
