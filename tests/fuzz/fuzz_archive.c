// SPDX-License-Identifier: BSD-2-Clause
/* tests/fuzz: libFuzzer target for the kernel archive reader (tar + xz/gzip/zstd, raw BTF). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kernel_archive.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Small caps keep each run fast; the cap logic is what must hold. */
	struct kernel_archive_limits lim = { 1 << 20, 1 << 20, 4 << 20 };
	void *out = NULL;
	size_t out_sz = 0;
	char err[256];
	int ret;

	ret = kernel_archive__read_mem(data, size, &lim, &out, &out_sz, err, sizeof(err));
	if (ret == 0) {
		if (!out || out_sz > lim.max_member)
			abort();
		/* Touch every byte: ASan catches a short buffer. */
		unsigned char *copy = malloc(out_sz + 1);

		if (!copy)
			abort();
		memcpy(copy, out, out_sz);
		free(copy);
		free(out);
	} else if (!err[0] || strchr(err, '\n')) {
		abort(); /* every failure has a one-line cause */
	}
	return 0;
}
