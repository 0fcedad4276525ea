// SPDX-License-Identifier: BSD-2-Clause
/* tests/fuzz: libFuzzer target for manifest__load(), in a scratch folder, tiny archive. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "manifest.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[64];
static char mpath[128];

static void cleanup(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (dir[0] && system(cmd))
		fprintf(stderr, "fuzz_manifest: cannot remove %s\n", dir);
}

static void touch(const char *rel)
{
	char p[256];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", dir, rel);
	f = fopen(p, "w");
	if (!f || fputs("x\n", f) < 0 || fclose(f))
		abort();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const char *const dirs[] = { "btfhub", "btfhub/debian", "btfhub/debian/12",
					    "btfhub/debian/12/x86_64", "objects" };
	char p[256];
	size_t i;

	(void)argc;
	(void)argv;
	snprintf(dir, sizeof(dir), "/tmp/fuzz_manifest.XXXXXX");
	if (!mkdtemp(dir))
		abort();
	atexit(cleanup);
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s", dir, dirs[i]);
		if (mkdir(p, 0755))
			abort();
	}
	touch("btfhub/debian/12/x86_64/6.1.0-47-amd64.btf.tar.xz");
	touch("objects/a.bpf.o");
	snprintf(mpath, sizeof(mpath), "%s/manifest.json", dir);
	return 0;
}

/* A string that leaves the scratch folder: absolute, or with "..". */
static bool escapes(json_t *v)
{
	const char *key;
	json_t *e;
	size_t i;

	if (json_is_string(v))
		return json_string_value(v)[0] == '/' || strstr(json_string_value(v), "..");
	if (json_is_array(v)) {
		json_array_foreach(v, i, e) if (escapes(e)) return true;
	}
	if (json_is_object(v)) {
		json_object_foreach(v, key, e) if (escapes(e)) return true;
	}
	return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct manifest *m;
	char err[512];
	FILE *f;

	json_t *root;
	bool skip;

	/*
	 * Paths leaving the scratch folder would make the fuzzer walk or glob the
	 * whole machine: slow, and not what is being tested.
	 */
	root = json_loadb((const char *)data, size, 0, NULL);
	skip = root && escapes(root);
	json_decref(root);
	if (skip)
		return 0;
	f = fopen(mpath, "w");
	if (!f)
		abort();
	if (size && fwrite(data, 1, size, f) != size)
		abort();
	if (fclose(f))
		abort();
	m = manifest__load(mpath, err, sizeof(err));
	if (!m) {
		/* Every failure: errno set and one line naming the file. */
		if (!errno || strncmp(err, mpath, strlen(mpath)) || strchr(err, '\n'))
			abort();
		return 0;
	}
	if (!m->kernel_cnt || !m->arch_cnt || !manifest__arch(m, m->kernels[0].arch))
		abort();
	manifest__free(m);
	return 0;
}
