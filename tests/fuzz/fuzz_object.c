// SPDX-License-Identifier: BSD-2-Clause
/*
 * tests/fuzz: libFuzzer target for the BPF object loader (ELF, .BTF, .BTF.ext CO-RE records).
 * The input is handed over as a memfd (a regular file, no disk I/O); every relocation of an
 * object that loads is described.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "btfgen_core.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	libbpf_set_print(NULL); /* libbpf's warnings on broken BTF: millions of lines */
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct core_object *obj;
	char path[64], err[256];
	int fd = memfd_create("fuzz-object", MFD_CLOEXEC);
	size_t off = 0;
	__u32 i, n;

	if (fd < 0)
		abort();
	while (off < size) {
		ssize_t w = write(fd, data + off, size - off);

		if (w <= 0)
			abort();
		off += w;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	obj = core_object__open(path, err, sizeof(err));
	close(fd);
	if (!obj) {
		if (!err[0] || strchr(err, '\n'))
			abort(); /* every failure: a one-line cause */
		return 0;
	}
	n = core_object__relo_cnt(obj);
	for (i = 0; i < n; i++) {
		struct core_relo_desc d;

		core_object__relo_desc(obj, i, &d);
		if (!d.section || !d.program || !d.kind_name || !d.type_name || !d.access)
			abort();
		/* touch every string: ASan catches one that is not NUL-terminated in bounds */
		if (strlen(d.section) + strlen(d.program) + strlen(d.kind_name) +
			    strlen(d.type_name) + strlen(d.access) ==
		    (size_t)-1)
			abort();
	}
	core_object__free(obj);
	return 0;
}
