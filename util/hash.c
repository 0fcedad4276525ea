// SPDX-License-Identifier: BSD-2-Clause
/* util: FNV-1a, the one non-cryptographic hash of the project (hash tables). */
#include "btfgen_util.h"

uint32_t btfgen_fnv1a32_update(uint32_t h, const void *p, size_t n)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++)
		h = btfgen_fnv1a32_byte(h, b[i]);
	return h;
}

uint32_t btfgen_fnv1a32_str(const char *s)
{
	uint32_t h = BTFGEN_FNV1A32_INIT;

	while (*s)
		h = btfgen_fnv1a32_byte(h, (unsigned char)*s++);
	return h;
}
