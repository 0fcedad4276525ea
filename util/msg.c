// SPDX-License-Identifier: BSD-2-Clause
/* util: error messages, sizes in words, quoting untrusted strings for printing. */
#include <stdio.h>
#include <string.h>

#include "btfgen_util.h"

void btfgen_err_vset(char *err, size_t err_sz, const char *fmt, va_list ap)
{
	if (!err || !err_sz)
		return;
	vsnprintf(err, err_sz, fmt, ap);
}

void btfgen_err_set(char *err, size_t err_sz, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	btfgen_err_vset(err, err_sz, fmt, ap);
	va_end(ap);
}

const char *btfgen_fmt_size(size_t n, char *buf, size_t buf_sz)
{
	if (n && n % (1u << 20) == 0)
		snprintf(buf, buf_sz, "%zu MiB", n >> 20);
	else if (n && n % 1024 == 0)
		snprintf(buf, buf_sz, "%zu KiB", n >> 10);
	else
		snprintf(buf, buf_sz, "%zu bytes", n);
	return buf;
}

/* The escape of byte c into out (at most 4 bytes + NUL); its length. */
static size_t quote_byte(unsigned char c, char out[5])
{
	static const char hex[] = "0123456789abcdef";

	switch (c) {
	case '\\':
		return (size_t)snprintf(out, 5, "\\\\");
	case '\n':
		return (size_t)snprintf(out, 5, "\\n");
	case '\t':
		return (size_t)snprintf(out, 5, "\\t");
	case '\r':
		return (size_t)snprintf(out, 5, "\\r");
	}
	if (c >= 0x20 && c < 0x7f) {
		out[0] = (char)c;
		out[1] = '\0';
		return 1;
	}
	out[0] = '\\';
	out[1] = 'x';
	out[2] = hex[c >> 4];
	out[3] = hex[c & 15];
	out[4] = '\0';
	return 4;
}

const char *btfgen_quote(const char *s, size_t max, char *buf, size_t buf_sz)
{
	size_t i, n = 0;

	if (!buf_sz)
		return buf;
	if (!s)
		s = "";
	for (i = 0; s[i]; i++) {
		char e[5];
		size_t el = quote_byte((unsigned char)s[i], e);

		/* room for this escape and a "..." after it, or stop with the "..." */
		if ((max && i >= max) || n + el + 3 >= buf_sz) {
			if (n + 3 < buf_sz) {
				memcpy(buf + n, "...", 3);
				n += 3;
			}
			break;
		}
		memcpy(buf + n, e, el);
		n += el;
	}
	buf[n] = '\0';
	return buf;
}
