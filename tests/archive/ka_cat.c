// SPDX-License-Identifier: BSD-2-Clause
/* tests/archive: run kernel_archive__read() on one file, for the shell tests. */
#define _GNU_SOURCE /* strerrorname_np */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kernel_archive.h"
#include "sha256.h"

static void usage(void)
{
	fprintf(stderr, "usage: ka_cat [-i MAX_INPUT] [-m MAX_MEMBER] [-t MAX_TOTAL] [-s] [-l] "
			"FILE [OUT]\n"
			"  -l: kernel_archive__load() then __read_mem() instead of __read().\n"
			"  Writes the BTF bytes of FILE to OUT; -s prints the input's SHA-256.\n"
			"  On failure prints 'error <errno name>: <cause>' and exits 1.\n");
	exit(2);
}

int main(int argc, char **argv)
{
	struct kernel_archive_limits lim = {};
	unsigned char digest[32];
	char hex[65], err[256];
	int opt, ret, print_sha = 0, load_first = 0;
	void *data = NULL;
	size_t size = 0;
	FILE *out;

	while ((opt = getopt(argc, argv, "i:m:t:sl")) != -1) {
		switch (opt) {
		case 'i':
			lim.max_input = strtoull(optarg, NULL, 0);
			break;
		case 'm':
			lim.max_member = strtoull(optarg, NULL, 0);
			break;
		case 't':
			lim.max_total = strtoull(optarg, NULL, 0);
			break;
		case 's':
			print_sha = 1;
			break;
		case 'l':
			load_first = 1;
			break;
		default:
			usage();
		}
	}
	if (optind >= argc || argc - optind > 2)
		usage();

	if (load_first) {
		/* The cache path of the batch: load and hash, then decode from memory. */
		void *raw = NULL;
		size_t raw_len = 0;

		ret = kernel_archive__load(argv[optind], &lim, &raw, &raw_len, digest, err,
					   sizeof(err));
		if (!ret) {
			ret = kernel_archive__read_mem(raw, raw_len, &lim, &data, &size, err,
						       sizeof(err));
			free(raw);
		}
	} else {
		ret = kernel_archive__read(argv[optind], &lim, &data, &size, digest, err,
					   sizeof(err));
	}
	if (ret) {
		printf("error %s: %s\n", strerrorname_np(-ret) ?: "?", err);
		return 1;
	}
	if (print_sha) {
		btfgen_sha256_hex(digest, hex);
		printf("%s\n", hex);
	}
	if (argc - optind == 2) {
		out = fopen(argv[optind + 1], "wb");
		if (!out || fwrite(data, 1, size, out) != size || fclose(out)) {
			fprintf(stderr, "ka_cat: %s: %s\n", argv[optind + 1], strerror(errno));
			free(data);
			return 3;
		}
	}
	free(data);
	return 0;
}
