// SPDX-License-Identifier: BSD-2-Clause
/*
 * examples/embed: a libbpf application that carries its own BTFs. At start-up it finds the
 * running kernel (or the one named on the command line) in the bundle linked into it, gives
 * libbpf that BTF through a memfd path (btf_custom_path, no temp file), opens and loads its
 * BPF object, and prints the match and libbpf's CO-RE relocation results ("relo #" lines).
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/libbpf.h>

#include "bundle.h"
#include "embed.h"

/* libbpf's format strings: the attribute lets -Wformat=2 check the forwarding */
__attribute__((format(printf, 2, 0))) static int print_relos(enum libbpf_print_level level,
							     const char *fmt, va_list ap)
{
	char line[1024];

	vsnprintf(line, sizeof(line), fmt, ap);
	/* CO-RE results: "prog 'x': relo #3: patched insn #12 (LDX/ST/STX) off 8 -> 16" etc. */
	if (strstr(line, "relo #"))
		fputs(line, stdout);
	else if (level == LIBBPF_WARN)
		fputs(line, stderr);
	return 0;
}

static void usage(FILE *f)
{
	fprintf(
	    f,
	    "usage: btfgen-embed-example [--distro ID] [--version V] [--arch A] [--release R]\n"
	    "                            [--os-release FILE] [--btf FILE] [--object FILE]\n"
	    "                            [--no-load]\n"
	    "Looks up the host (or the kernel given) in the embedded bundle and loads the\n"
	    "embedded BPF object with that BTF. --btf FILE uses FILE instead of the bundle (to\n"
	    "compare with a kernel's full BTF); --object FILE loads FILE instead of the embedded\n"
	    "object (one the bundle was also made for). Exit: 0 loaded, 1 load failed\n"
	    "(relocations are printed anyway), 2 usage, 4 no BTF for this kernel.\n");
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"distro", required_argument, NULL, 'd'},
	    {"version", required_argument, NULL, 'v'},
	    {"arch", required_argument, NULL, 'a'},
	    {"release", required_argument, NULL, 'r'},
	    {"os-release", required_argument, NULL, 'O'},
	    {"btf", required_argument, NULL, 'b'},
	    {"object", required_argument, NULL, 'o'},
	    {"no-load", no_argument, NULL, 'n'},
	    {"help", no_argument, NULL, 'h'},
	    {},
	};
	LIBBPF_OPTS(bpf_object_open_opts, open_opts);
	const char *os_release = NULL, *btf_file = NULL, *obj_file = NULL;
	struct bpf_object *obj = NULL;
	struct bundle_query q = {};
	struct bundle *b = NULL;
	struct bundle_match m;
	char err[256], path[64];
	int c, ret, rc = 1, load = 1, other_kernel;
	double t0;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			snprintf(q.distro, sizeof(q.distro), "%s", optarg);
			break;
		case 'v':
			snprintf(q.version, sizeof(q.version), "%s", optarg);
			break;
		case 'a':
			snprintf(q.arch, sizeof(q.arch), "%s", optarg);
			break;
		case 'r':
			snprintf(q.release, sizeof(q.release), "%s", optarg);
			break;
		case 'O':
			os_release = optarg;
			break;
		case 'b':
			btf_file = optarg;
			break;
		case 'o':
			obj_file = optarg;
			break;
		case 'n':
			load = 0;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	libbpf_set_print(print_relos);

	if (btf_file) {
		open_opts.btf_custom_path = btf_file;
		printf("btf: %s (given)\n", btf_file);
	} else {
		/* 1. who are we: os-release + uname, unless given */
		other_kernel = *q.release != '\0';
		ret = btfgen_bundle_host__detect(&q, os_release);
		if (ret) {
			fprintf(stderr, "host detection: %s\n", strerror(-ret));
			return 2;
		}
		/* 2. open the embedded bundle and find this kernel */
		t0 = now_ms();
		b = btfgen_bundle__open_mem(
		    embed_bundle_start, embed_bundle_end - embed_bundle_start, err, sizeof(err));
		if (!b) {
			fprintf(stderr, "embedded bundle: %s\n", err);
			return 2;
		}
		ret = btfgen_bundle__find(b, &q, &m);
		if (!ret) {
			/* 3. a path libbpf can open, without a temp file (decodes and checks the blob) */
			ret = btfgen_bundle__btf_path(b, m.entry, path, sizeof(path));
			if (ret) {
				fprintf(stderr, "embedded bundle: %s\n", btfgen_bundle__error(b));
				goto out;
			}
		}
		printf("lookup: %s/%s/%s/%s in %.3f ms: ", q.distro, q.version, q.arch, q.release,
		       now_ms() - t0);
		if (ret == -ENOENT && !other_kernel && !access("/sys/kernel/btf/vmlinux", R_OK)) {
			/* the running kernel has BTF: libbpf uses it without a custom path */
			printf("not in the bundle; using /sys/kernel/btf/vmlinux\n");
		} else if (ret) {
			printf("%s\n", ret == -ENOENT	  ? "not found"
				       : ret == -ENOTUNIQ ? "ambiguous"
				       : ret == -ENODATA  ? "kernel failed when the bundle was made"
							  : strerror(-ret));
			rc = 4;
			goto out;
		} else {
			printf("%s match %s/%s/%s/%s, %llu bytes of BTF at %s\n",
			       btfgen_bundle_match_kind__str(m.kind), m.entry->distro,
			       m.entry->version, m.entry->arch, m.entry->release, m.entry->btf_size,
			       path);
			open_opts.btf_custom_path = path;
		}
	}

	/* 4. the usual libbpf open/load; debug output shows every CO-RE relocation */
	libbpf_set_print(print_relos);
	if (obj_file)
		obj = bpf_object__open_file(obj_file, &open_opts);
	else
		obj = bpf_object__open_mem(embed_object_start,
					   embed_object_end - embed_object_start, &open_opts);
	if (!obj) {
		fprintf(stderr, "bpf_object__open_mem: %s\n", strerror(errno));
		goto out;
	}
	if (!load) {
		rc = 0;
		goto out;
	}
	ret = bpf_object__load(obj);
	printf("load: %s\n", ret ? strerror(-ret) : "ok");
	rc = ret ? 1 : 0;
out:
	bpf_object__close(obj);
	btfgen_bundle__free(b); /* after libbpf is done with the memfd path */
	return rc;
}
