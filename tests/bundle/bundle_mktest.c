// SPDX-License-Identifier: BSD-2-Clause
/* tests/bundle: build a bundle (or tree) from BTF files with the writer, for the CLI tests. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundle_writer.h"
#include "sha256.h"

static void *slurp(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET))
		goto out;
	buf = malloc(n ? n : 1);
	if (buf && fread(buf, 1, n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	*size = n;
out:
	fclose(f);
	return buf;
}

/*
 * usage: bundle_mktest OUT [-c zstd|xz|none] [-l bundle|tree-dir|tree-tar] ARG...
 *   ARG: obj:NAME:ARCH | distro/version/arch/release=BTF_FILE |
 * distro/version/arch/release:failed:REASON | unsat:OBJECT:PROGRAM:RELO:KIND  (attached to the
 * previous kernel)
 */
int main(int argc, char **argv)
{
	enum bundle_compression comp = BUNDLE_COMPRESS_ZSTD;
	enum bundle_layout layout = BUNDLE_LAYOUT_BUNDLE;
	struct bundle_generator gen = { "test", "1.1.2", "3.6.2", "1.5.4", "2.14" };
	struct bundle_unsatisfied us[64];
	struct bundle_kernel k = {};
	struct bundle_writer *w;
	int i = 2, have_k = 0, ret;
	void *bufs[1024];
	size_t nbufs = 0;
	char err[512];

	if (argc < 2) {
		fprintf(stderr, "usage: bundle_mktest OUT [-c C] [-l L] ARG...\n");
		return 2;
	}
	for (; i + 1 < argc && argv[i][0] == '-'; i += 2) {
		if (!strcmp(argv[i], "-c"))
			comp = !strcmp(argv[i + 1], "xz")   ? BUNDLE_COMPRESS_XZ :
			       !strcmp(argv[i + 1], "none") ? BUNDLE_COMPRESS_NONE :
							      BUNDLE_COMPRESS_ZSTD;
		else if (!strcmp(argv[i], "-l"))
			layout = !strcmp(argv[i + 1], "tree-dir") ? BUNDLE_LAYOUT_TREE_DIR :
				 !strcmp(argv[i + 1], "tree-tar") ? BUNDLE_LAYOUT_TREE_TAR :
								    BUNDLE_LAYOUT_BUNDLE;
	}
	w = btfgen_bundle_writer__new(argv[1], layout, comp, &gen, err, sizeof(err));
	if (!w) {
		fprintf(stderr, "%s\n", err);
		return 3;
	}
	for (; i <= argc; i++) {
		char *a = i < argc ? strdup(argv[i]) : NULL, *p;

		if (a && nbufs < 1024)
			bufs[nbufs++] = a;
		if (a && !strncmp(a, "unsat:", 6)) {
			struct bundle_unsatisfied *u = &us[k.unsatisfied_cnt++];

			memset(u, 0, sizeof(*u));
			u->object = strtok(a + 6, ":");
			u->program = strtok(NULL, ":");
			u->relocation = (unsigned)atoi(strtok(NULL, ":"));
			u->kind = strtok(NULL, ":");
			u->type = "struct task_struct";
			u->access = "0:1";
			u->reason = "no candidate";
			continue;
		}
		/* a new kernel or the end: flush the previous one */
		if (have_k) {
			k.unsatisfied = us;
			ret = btfgen_bundle_writer__add_kernel(w, &k);
			if (ret) {
				fprintf(stderr, "add_kernel %s/%s/%s/%s: %s\n", k.distro, k.version,
					k.arch, k.release, strerror(-ret));
				return 3;
			}
			have_k = 0;
		}
		if (!a)
			break;
		if (!strncmp(a, "obj:", 4)) {
			struct bundle_object o = { .relocations = 10 };

			o.name = strtok(a + 4, ":");
			o.arch = strtok(NULL, ":");
			o.sha256_hex = "00";
			btfgen_bundle_writer__add_object(w, &o);
			continue;
		}
		memset(&k, 0, sizeof(k));
		k.distro = strtok(a, "/");
		k.version = strtok(NULL, "/");
		k.arch = strtok(NULL, "/");
		p = strtok(NULL, "");
		if (!p)
			return 2;
		if (strchr(p, '=')) {
			unsigned char d[32];
			static char hex[1024][65];

			k.release = strtok(p, "=");
			k.btf = slurp(strtok(NULL, ""), &k.btf_size);
			if (!k.btf) {
				perror(argv[i]);
				return 3;
			}
			if (nbufs < 1024)
				bufs[nbufs++] = (void *)k.btf;
			k.status = "ok";
			btfgen_sha256(k.btf, k.btf_size, d);
			btfgen_sha256_hex(d, hex[i % 1024]);
			k.input_sha256_hex = hex[i % 1024];
			k.input_size = k.btf_size * 3;
			k.full_btf_size = k.btf_size * 100;
		} else {
			k.release = strtok(p, ":");
			k.status = strtok(NULL, ":");
			k.reason = strtok(NULL, "");
		}
		have_k = 1;
	}
	ret = btfgen_bundle_writer__commit(w, err, sizeof(err));
	if (ret)
		fprintf(stderr, "%s\n", err);
	btfgen_bundle_writer__free(w);
	while (nbufs)
		free(bufs[--nbufs]);
	return ret ? 3 : 0;
}
