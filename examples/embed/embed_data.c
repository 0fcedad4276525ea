// SPDX-License-Identifier: BSD-2-Clause
/* examples/embed: the bundle and the BPF object, linked into the binary with .incbin. */
#include "embed.h"

/*
 * The paths come from CMake (EMBED_BUNDLE_PATH, EMBED_OBJECT_PATH); the object file depends
 * on both, so a new bundle re-assembles it. .balign 16: zstd and libbpf read words.
 */
#define EMBED_BLOB(sym, path)                               \
	__asm__(".section .rodata\n"                        \
		".balign 16\n"                              \
		".global " #sym "_start\n" #sym "_start:\n" \
		".incbin \"" path "\"\n"                    \
		".global " #sym "_end\n" #sym "_end:\n"     \
		".byte 0\n"                                 \
		".previous\n")

EMBED_BLOB(embed_bundle, EMBED_BUNDLE_PATH);
EMBED_BLOB(embed_object, EMBED_OBJECT_PATH);
