// SPDX-License-Identifier: BSD-2-Clause
/* util: the one growth policy for arrays. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "btfgen_util.h"

#define ARRAY_MIN_CAP 16

int btfgen_array_grow(void **arr, size_t *cap, size_t need, size_t elem)
{
	size_t ncap;
	void *p;

	if (need <= *cap)
		return 0;
	if (!elem)
		return -EINVAL;
	ncap = *cap > SIZE_MAX / 2 ? SIZE_MAX : *cap * 2;
	if (ncap < need)
		ncap = need;
	if (ncap < ARRAY_MIN_CAP)
		ncap = ARRAY_MIN_CAP;
	/* doubling may overflow where 'need' alone would not: fall back to exactly need */
	if (ncap > SIZE_MAX / elem)
		ncap = need;
	if (ncap > SIZE_MAX / elem)
		return -ENOMEM;
	p = realloc(*arr, ncap * elem);
	if (!p)
		return -ENOMEM;
	*arr = p;
	*cap = ncap;
	return 0;
}
