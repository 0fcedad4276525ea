// SPDX-License-Identifier: BSD-2-Clause
/* bundle: strict RFC 8259 JSON parser into a flat node array, strings unescaped in place. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bundle_json.h"
#include "bundle_priv.h"

#define BJSON_MAX_DEPTH 64

struct parser {
	struct bjson *j;
	char *p, *end;
	char *err;
	size_t err_sz;
	const char *start;
	const char *name; /* the document, for messages */
	unsigned max_nodes; /* the caller's bound (btfgen_bundle_opts) */
};

static int fail(struct parser *ps, const char *what)
{
	btfgen_bundle_err(ps->err, ps->err_sz, "%s: offset %zu: %s", ps->name,
			  (size_t)(ps->p - ps->start), what);
	return -EBADMSG;
}

static void skip_ws(struct parser *ps)
{
	while (ps->p < ps->end &&
	       (*ps->p == ' ' || *ps->p == '\n' || *ps->p == '\t' || *ps->p == '\r'))
		ps->p++;
}

static int new_node(struct parser *ps, enum bjson_type type, unsigned *idx)
{
	struct bjson *j = ps->j;
	struct bjson_node *n;

	if (j->cnt == ps->max_nodes) {
		btfgen_bundle_err(ps->err, ps->err_sz,
				  "%s: more than %u JSON values (limit max_json_values / "
				  "json_bytes_per_value)",
				  ps->name, ps->max_nodes);
		return -EFBIG;
	}
	if (j->cnt == j->cap) {
		/* grows up to the bound, never past it: checked before the allocation */
		unsigned ncap = j->cap > ps->max_nodes / 2 ? ps->max_nodes : j->cap * 2;
		void *m = realloc(j->nodes, (size_t)ncap * sizeof(*j->nodes));

		if (!m)
			return -ENOMEM;
		j->nodes = m;
		j->cap = ncap;
	}
	n = &j->nodes[j->cnt];
	memset(n, 0, sizeof(*n));
	n->type = type;
	n->next = n->child = BJSON_NONE;
	*idx = j->cnt++;
	return 0;
}

static int hex4(const char *p, unsigned *v)
{
	int i;

	*v = 0;
	for (i = 0; i < 4; i++) {
		char c = p[i];

		*v <<= 4;
		if (c >= '0' && c <= '9')
			*v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			*v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			*v |= c - 'A' + 10;
		else
			return -1;
	}
	return 0;
}

/* Parses a string at ps->p (on the quote); *out points at the unescaped NUL-terminated text. */
static int parse_string(struct parser *ps, const char **out)
{
	char *r = ++ps->p, *w = r;

	for (;;) {
		unsigned char c;

		if (r >= ps->end)
			return fail(ps, "unterminated string");
		c = (unsigned char)*r;
		if (c == '"')
			break;
		if (c < 0x20) {
			ps->p = r;
			return fail(ps, "control character in string");
		}
		if (c != '\\') {
			*w++ = *r++;
			continue;
		}
		if (r + 1 >= ps->end)
			return fail(ps, "unterminated string");
		r++;
		switch (*r) {
		case '"':
			*w++ = '"';
			break;
		case '\\':
			*w++ = '\\';
			break;
		case '/':
			*w++ = '/';
			break;
		case 'b':
			*w++ = '\b';
			break;
		case 'f':
			*w++ = '\f';
			break;
		case 'n':
			*w++ = '\n';
			break;
		case 'r':
			*w++ = '\r';
			break;
		case 't':
			*w++ = '\t';
			break;
		case 'u': {
			unsigned cp, lo;

			if (r + 5 > ps->end || hex4(r + 1, &cp))
				return fail(ps, "bad \\u escape");
			r += 4;
			if (cp >= 0xd800 && cp < 0xdc00) {
				if (r + 7 > ps->end || r[1] != '\\' || r[2] != 'u' ||
				    hex4(r + 3, &lo) || lo < 0xdc00 || lo >= 0xe000)
					return fail(ps, "bad surrogate pair");
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
				r += 6;
			} else if (cp >= 0xdc00 && cp < 0xe000) {
				return fail(ps, "lone low surrogate");
			}
			if (cp == 0)
				return fail(ps, "\\u0000 in string");
			/* UTF-8 is never longer than the escape it replaces (6 or 12 bytes) */
			if (cp < 0x80) {
				*w++ = (char)cp;
			} else if (cp < 0x800) {
				*w++ = (char)(0xc0 | cp >> 6);
				*w++ = (char)(0x80 | (cp & 0x3f));
			} else if (cp < 0x10000) {
				*w++ = (char)(0xe0 | cp >> 12);
				*w++ = (char)(0x80 | ((cp >> 6) & 0x3f));
				*w++ = (char)(0x80 | (cp & 0x3f));
			} else {
				*w++ = (char)(0xf0 | cp >> 18);
				*w++ = (char)(0x80 | ((cp >> 12) & 0x3f));
				*w++ = (char)(0x80 | ((cp >> 6) & 0x3f));
				*w++ = (char)(0x80 | (cp & 0x3f));
			}
			break;
		}
		default:
			ps->p = r;
			return fail(ps, "bad escape");
		}
		r++;
	}
	*w = '\0'; /* w <= r, and r is the closing quote: in bounds */
	*out = ps->p;
	ps->p = r + 1;
	return 0;
}

static int parse_number(struct parser *ps, struct bjson_node *n)
{
	char *s = ps->p;
	long long v = 0;
	int neg = 0, digits = 0, frac = 0;

	if (s < ps->end && *s == '-') {
		neg = 1;
		s++;
	}
	if (s < ps->end && *s == '0') {
		s++;
		digits = 1;
	} else {
		while (s < ps->end && *s >= '0' && *s <= '9') {
			if (v > (0x7fffffffffffffffLL - 9) / 10)
				return fail(ps, "number out of range");
			v = v * 10 + (*s++ - '0');
			digits++;
		}
	}
	if (!digits)
		return fail(ps, "bad number");
	if (s < ps->end && *s == '.') {
		s++;
		frac = 1;
		if (s >= ps->end || *s < '0' || *s > '9')
			return fail(ps, "bad number");
		while (s < ps->end && *s >= '0' && *s <= '9')
			s++;
	}
	if (s < ps->end && (*s == 'e' || *s == 'E')) {
		s++;
		frac = 1;
		if (s < ps->end && (*s == '+' || *s == '-'))
			s++;
		if (s >= ps->end || *s < '0' || *s > '9')
			return fail(ps, "bad number");
		while (s < ps->end && *s >= '0' && *s <= '9')
			s++;
	}
	n->num = neg ? -v : v;
	n->is_int = !frac;
	ps->p = s;
	return 0;
}

static int parse_value(struct parser *ps, unsigned *idx, int depth);

static int parse_container(struct parser *ps, unsigned idx, int obj, int depth)
{
	char close = obj ? '}' : ']';
	unsigned prev = BJSON_NONE, child;
	const char *key = NULL;
	int ret;

	ps->p++;
	skip_ws(ps);
	if (ps->p < ps->end && *ps->p == close) {
		ps->p++;
		return 0;
	}
	for (;;) {
		skip_ws(ps);
		if (obj) {
			if (ps->p >= ps->end || *ps->p != '"')
				return fail(ps, "expected a member name");
			ret = parse_string(ps, &key);
			if (ret)
				return ret;
			skip_ws(ps);
			if (ps->p >= ps->end || *ps->p != ':')
				return fail(ps, "expected ':'");
			ps->p++;
		}
		ret = parse_value(ps, &child, depth + 1);
		if (ret)
			return ret;
		/* nodes may have moved (realloc): index, never keep pointers across parse_value */
		ps->j->nodes[child].key = key;
		if (prev == BJSON_NONE)
			ps->j->nodes[idx].child = child;
		else
			ps->j->nodes[prev].next = child;
		ps->j->nodes[idx].count++;
		prev = child;
		skip_ws(ps);
		if (ps->p < ps->end && *ps->p == ',') {
			ps->p++;
			continue;
		}
		if (ps->p < ps->end && *ps->p == close) {
			ps->p++;
			return 0;
		}
		return fail(ps, obj ? "expected ',' or '}'" : "expected ',' or ']'");
	}
}

static int parse_value(struct parser *ps, unsigned *idx, int depth)
{
	enum bjson_type type;
	int ret;

	if (depth > BJSON_MAX_DEPTH)
		return fail(ps, "nested too deeply");
	skip_ws(ps);
	if (ps->p >= ps->end)
		return fail(ps, "unexpected end");
	switch (*ps->p) {
	case '{':
		type = BJSON_OBJECT;
		break;
	case '[':
		type = BJSON_ARRAY;
		break;
	case '"':
		type = BJSON_STRING;
		break;
	case 't':
		type = BJSON_TRUE;
		break;
	case 'f':
		type = BJSON_FALSE;
		break;
	case 'n':
		type = BJSON_NULL;
		break;
	default:
		type = BJSON_NUMBER;
		break;
	}
	ret = new_node(ps, type, idx);
	if (ret)
		return ret;
	switch (type) {
	case BJSON_OBJECT:
	case BJSON_ARRAY:
		return parse_container(ps, *idx, type == BJSON_OBJECT, depth);
	case BJSON_STRING: {
		const char *s;

		ret = parse_string(ps, &s);
		if (!ret)
			ps->j->nodes[*idx].str = s;
		return ret;
	}
	case BJSON_NUMBER:
		return parse_number(ps, &ps->j->nodes[*idx]);
	default: {
		const char *lit = type == BJSON_TRUE  ? "true" :
				  type == BJSON_FALSE ? "false" :
							"null";
		size_t l = strlen(lit);

		if ((size_t)(ps->end - ps->p) < l || memcmp(ps->p, lit, l))
			return fail(ps, "bad literal");
		ps->p += l;
		return 0;
	}
	}
}

unsigned long long btfgen_bjson__max_nodes(size_t len, unsigned long long bytes_per_value,
					   unsigned long long hard_cap)
{
	unsigned long long n = len / (bytes_per_value ? bytes_per_value : 1) + 64;

	if (n > hard_cap)
		n = hard_cap;
	return n > BJSON_NONE - 1 ? BJSON_NONE - 1 : n;
}

int btfgen_bjson__parse(struct bjson *j, char *text, size_t len, char *err, size_t err_sz)
{
	return btfgen_bjson__parse_named(j, "index.json", text, len,
					 btfgen_bjson__max_nodes(len,
								 BTFGEN_BUNDLE_JSON_BYTES_PER_VALUE,
								 BTFGEN_BUNDLE_MAX_JSON_VALUES),
					 err, err_sz);
}

int btfgen_bjson__parse_named(struct bjson *j, const char *name, char *text, size_t len,
			      unsigned long long max_nodes, char *err, size_t err_sz)
{
	struct parser ps = { j, text, text + len, err, err_sz, text, name };
	unsigned root;
	int ret;

	memset(j, 0, sizeof(*j));
	ps.max_nodes = max_nodes < 1 ? 1 : max_nodes > BJSON_NONE - 1 ? BJSON_NONE - 1 : max_nodes;
	/* index.json has a node per ~20 bytes: one allocation, no regrowth, in the common case */
	j->cap = len / 16 + 16;
	if (j->cap > ps.max_nodes)
		j->cap = ps.max_nodes;
	j->nodes = malloc((size_t)j->cap * sizeof(*j->nodes));
	if (!j->nodes)
		return -ENOMEM;
	ret = parse_value(&ps, &root, 0);
	if (!ret) {
		skip_ws(&ps);
		if (ps.p != ps.end)
			ret = fail(&ps, "trailing data");
	}
	if (ret == -ENOMEM)
		btfgen_bundle_err(err, err_sz, "%s: out of memory", name);
	if (ret)
		btfgen_bjson__free(j);
	return ret;
}

void btfgen_bjson__free(struct bjson *j)
{
	free(j->nodes);
	j->nodes = NULL;
	j->cnt = j->cap = 0;
}

const struct bjson_node *btfgen_bjson__get(const struct bjson *j, const struct bjson_node *n,
					   const char *key)
{
	unsigned c;

	if (!n || n->type != BJSON_OBJECT)
		return NULL;
	for (c = n->child; c != BJSON_NONE; c = j->nodes[c].next)
		if (!strcmp(j->nodes[c].key, key))
			return &j->nodes[c];
	return NULL;
}

const struct bjson_node *btfgen_bjson__at(const struct bjson *j, const struct bjson_node *n,
					  unsigned i)
{
	unsigned c;

	if (!n || (n->type != BJSON_ARRAY && n->type != BJSON_OBJECT) || i >= n->count)
		return NULL;
	for (c = n->child; i--; c = j->nodes[c].next)
		;
	return &j->nodes[c];
}

const char *btfgen_bjson__str(const struct bjson *j, const struct bjson_node *n, const char *key)
{
	const struct bjson_node *v = btfgen_bjson__get(j, n, key);

	return v && v->type == BJSON_STRING ? v->str : "";
}

unsigned long long btfgen_bjson__uint(const struct bjson *j, const struct bjson_node *n,
				      const char *key)
{
	const struct bjson_node *v = btfgen_bjson__get(j, n, key);

	return v && v->type == BJSON_NUMBER && v->is_int && v->num > 0 ?
		       (unsigned long long)v->num :
		       0;
}
