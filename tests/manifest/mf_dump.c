// SPDX-License-Identifier: BSD-2-Clause
/* tests/manifest: print what manifest__load() makes of a manifest, for the shell tests. */
#define _GNU_SOURCE /* strerrorname_np */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "manifest.h"

static const char *const formats[] = { "bundle", "tree" };
static const char *const compressions[] = { "zstd", "xz", "none" };

int main(int argc, char **argv)
{
	const struct manifest_arch *a;
	struct manifest *m;
	char err[512];
	size_t i, j;

	if (argc != 2) {
		fprintf(stderr, "usage: mf_dump MANIFEST\n"
				"  Prints the loaded manifest, one fact a line, or\n"
				"  'error ERRNO: message' and exits 1.\n");
		return 2;
	}
	m = manifest__load(argv[1], err, sizeof(err));
	if (!m) {
		printf("error %s: %s\n", strerrorname_np(errno) ?: "?", err);
		return 1;
	}
	printf("path %s\ndir %s\narchive %s\noutput %s\ncache %s\njobs %d\n", m->path, m->dir,
	       m->archive, m->output, m->cache ?: "(none)", m->jobs);
	printf("format %s\ncompression %s\nverify %s\n", formats[m->format],
	       compressions[m->compression], m->verify ? "true" : "false");
	for (i = 0; i < m->arch_cnt; i++) {
		a = &m->arches[i];
		if (manifest__arch(m, a->arch) != a) {
			printf("error: manifest__arch(%s) does not find it\n", a->arch);
			return 3;
		}
		for (j = 0; j < a->object_cnt; j++)
			printf("object %s %s\n", a->arch, a->objects[j]);
	}
	if (manifest__arch(m, "no-such-arch")) {
		printf("error: manifest__arch(no-such-arch) is not NULL\n");
		return 3;
	}
	for (i = 0; i < m->kernel_cnt; i++) {
		const struct manifest_kernel *k = &m->kernels[i];
		char name[1024];

		snprintf(name, sizeof(name), "%s/%s/%s/%s", k->distro, k->version, k->arch,
			 k->release);
		if (strcmp(name, k->name)) {
			printf("error: kernel name '%s' is not '%s'\n", k->name, name);
			return 3;
		}
		printf("kernel %s %s\n", k->name, k->input);
	}
	manifest__free(m);
	manifest__free(NULL);
	return 0;
}
