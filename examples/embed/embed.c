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
	fprintf(f,
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

struct args {
	struct bundle_query q; /* the kernel given; the rest comes from the host */
	const char *os_release; /* --os-release FILE */
	const char *btf_file; /* --btf FILE: instead of the bundle */
	const char *obj_file; /* --object FILE: instead of the embedded object */
	int load; /* 0 with --no-load */
};

/* -1 to go on, else the exit code. */
static int parse_args(int argc, char **argv, struct args *a)
{
	static const struct option opts[] = {
		{ "distro", required_argument, NULL, 'd' },
		{ "version", required_argument, NULL, 'v' },
		{ "arch", required_argument, NULL, 'a' },
		{ "release", required_argument, NULL, 'r' },
		{ "os-release", required_argument, NULL, 'O' },
		{ "btf", required_argument, NULL, 'b' },
		{ "object", required_argument, NULL, 'o' },
		{ "no-load", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	int c;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			snprintf(a->q.distro, sizeof(a->q.distro), "%s", optarg);
			break;
		case 'v':
			snprintf(a->q.version, sizeof(a->q.version), "%s", optarg);
			break;
		case 'a':
			snprintf(a->q.arch, sizeof(a->q.arch), "%s", optarg);
			break;
		case 'r':
			snprintf(a->q.release, sizeof(a->q.release), "%s", optarg);
			break;
		case 'O':
			a->os_release = optarg;
			break;
		case 'b':
			a->btf_file = optarg;
			break;
		case 'o':
			a->obj_file = optarg;
			break;
		case 'n':
			a->load = 0;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	return -1;
}

/*
 * The rest of the "lookup:" line; sets *btf_path to path when found, leaves it NULL when
 * libbpf should use the running kernel's own BTF. -1 to go on, else the exit code.
 */
static int print_lookup(int ret, const struct bundle_match *m, int other_kernel, const char *path,
			const char **btf_path)
{
	if (ret == -ENOENT && !other_kernel && !access("/sys/kernel/btf/vmlinux", R_OK)) {
		/* the running kernel has BTF: libbpf uses it without a custom path */
		printf("not in the bundle; using /sys/kernel/btf/vmlinux\n");
		return -1;
	}
	if (ret) {
		printf("%s\n", ret == -ENOENT	? "not found" :
			       ret == -ENOTUNIQ ? "ambiguous" :
			       ret == -ENODATA	? "kernel failed when the bundle was made" :
						  strerror(-ret));
		return 4;
	}
	printf("%s match %s/%s/%s/%s, %llu bytes of BTF at %s\n",
	       btfgen_bundle_match_kind__str(m->kind), m->entry->distro, m->entry->version,
	       m->entry->arch, m->entry->release, m->entry->btf_size, path);
	*btf_path = path;
	return -1;
}

/*
 * Steps 1 to 3: this kernel's BTF from the embedded bundle (*b, freed by the caller after
 * libbpf is done with the memfd path). -1 to go on, else the exit code.
 */
static int find_btf(struct args *a, struct bundle **b, char *path, size_t path_sz,
		    const char **btf_path)
{
	int ret, other_kernel = *a->q.release != '\0';
	struct bundle_match m;
	char err[256];
	double t0;

	/* 1. who are we: os-release + uname, unless given */
	ret = btfgen_bundle_host__detect(&a->q, a->os_release);
	if (ret) {
		fprintf(stderr, "host detection: %s\n", strerror(-ret));
		return 2;
	}
	/* 2. open the embedded bundle and find this kernel */
	t0 = now_ms();
	*b = btfgen_bundle__open_mem(embed_bundle_start, embed_bundle_end - embed_bundle_start, err,
				     sizeof(err));
	if (!*b) {
		fprintf(stderr, "embedded bundle: %s\n", err);
		return 2;
	}
	ret = btfgen_bundle__find(*b, &a->q, &m);
	if (!ret) {
		/* 3. a path libbpf can open, without a temp file (decodes and checks the blob) */
		ret = btfgen_bundle__btf_path(*b, m.entry, path, path_sz);
		if (ret) {
			fprintf(stderr, "embedded bundle: %s\n", btfgen_bundle__error(*b));
			return 1;
		}
	}
	printf("lookup: %s/%s/%s/%s in %.3f ms: ", a->q.distro, a->q.version, a->q.arch,
	       a->q.release, now_ms() - t0);
	return print_lookup(ret, &m, other_kernel, path, btf_path);
}

/* 4. the usual libbpf open/load; debug output shows every CO-RE relocation. */
static int load_object(const struct args *a, struct bpf_object_open_opts *open_opts)
{
	struct bpf_object *obj;
	int ret;

	if (a->obj_file)
		obj = bpf_object__open_file(a->obj_file, open_opts);
	else
		obj = bpf_object__open_mem(embed_object_start,
					   embed_object_end - embed_object_start, open_opts);
	if (!obj) {
		fprintf(stderr, "bpf_object__open_mem: %s\n", strerror(errno));
		return 1;
	}
	ret = a->load ? bpf_object__load(obj) : 0;
	if (a->load)
		printf("load: %s\n", ret ? strerror(-ret) : "ok");
	bpf_object__close(obj);
	return ret ? 1 : 0;
}

int main(int argc, char **argv)
{
	LIBBPF_OPTS(bpf_object_open_opts, open_opts);
	struct args a = { .load = 1 };
	struct bundle *b = NULL;
	char path[64];
	int rc;

	rc = parse_args(argc, argv, &a);
	if (rc >= 0)
		return rc;
	libbpf_set_print(print_relos);
	if (a.btf_file) {
		open_opts.btf_custom_path = a.btf_file;
		printf("btf: %s (given)\n", a.btf_file);
	} else {
		rc = find_btf(&a, &b, path, sizeof(path), &open_opts.btf_custom_path);
	}
	if (rc < 0)
		rc = load_object(&a, &open_opts);
	btfgen_bundle__free(b); /* after libbpf is done with the memfd path */
	return rc;
}
