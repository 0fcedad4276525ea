// SPDX-License-Identifier: BSD-2-Clause
/* core: the one log callback (core_set_log()): debug traces of candidate matching. */
#include <stdio.h>

#include "core_internal.h"

core_log_fn core_log_cb;

void core_set_log(core_log_fn fn)
{
	core_log_cb = fn;
}

void core_log(const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	if (!core_log_cb)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	core_log_cb(buf);
}
