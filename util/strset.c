// SPDX-License-Identifier: BSD-2-Clause
/* util: a set of strings stored once each, addressed by offset (string tables). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "btfgen_util.h"

#define STRSET_DATA_MIN 4096
#define STRSET_SLOTS_MIN 256

int btfgen_strset__init(struct btfgen_strset *s)
{
	memset(s, 0, sizeof(*s));
	/* "" is offset 0 */
	s->data = calloc(1, STRSET_DATA_MIN);
	if (!s->data)
		return -ENOMEM;
	s->cap = STRSET_DATA_MIN;
	s->len = 1;
	return 0;
}

void btfgen_strset__free(struct btfgen_strset *s)
{
	free(s->data);
	free(s->slots);
	memset(s, 0, sizeof(*s));
}

static int strset_grow_slots(struct btfgen_strset *s)
{
	size_t n = s->nslots ? s->nslots * 2 : STRSET_SLOTS_MIN;
	uint32_t *slots = calloc(n, sizeof(*slots));

	if (!slots)
		return -ENOMEM;
	for (size_t i = 0; i < s->nslots; i++) {
		uint32_t off = s->slots[i];
		size_t h;

		if (!off)
			continue;
		h = btfgen_fnv1a32_str(s->data + off - 1);
		for (h &= n - 1; slots[h]; h = (h + 1) & (n - 1))
			;
		slots[h] = off;
	}
	free(s->slots);
	s->slots = slots;
	s->nslots = n;
	return 0;
}

long btfgen_strset__add(struct btfgen_strset *s, const char *str)
{
	size_t len = strlen(str), h;
	long off;

	if (!len)
		return 0;
	if (s->used * 2 >= s->nslots && strset_grow_slots(s))
		return -ENOMEM;
	h = btfgen_fnv1a32_update(BTFGEN_FNV1A32_INIT, str, len);
	for (h &= s->nslots - 1; s->slots[h]; h = (h + 1) & (s->nslots - 1))
		if (!strcmp(s->data + s->slots[h] - 1, str))
			return s->slots[h] - 1;
	/* offsets are 32 bits in the slots (and in BTF) */
	if (s->len + len + 1 > UINT32_MAX - 1)
		return -EFBIG;
	if (btfgen_array_grow((void **)&s->data, &s->cap, s->len + len + 1, 1))
		return -ENOMEM;
	memcpy(s->data + s->len, str, len + 1);
	off = (long)s->len;
	s->slots[h] = (uint32_t)s->len + 1;
	s->used++;
	s->len += len + 1;
	return off;
}
