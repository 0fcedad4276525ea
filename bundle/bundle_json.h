/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * bundle: a small strict JSON parser for index.json on the lookup path (private). jansson
 * builds a hash table per object and a heap string per value: 1.3 ms for a 230-kernel index,
 * most of the start-up budget. This one makes one node array and unescapes strings in place
 * (in a buffer the caller owns): ~0.2 ms.
 */
#ifndef BTFGEN_BUNDLE_JSON_H
#define BTFGEN_BUNDLE_JSON_H

#include <stddef.h>

enum bjson_type {
	BJSON_NULL,
	BJSON_FALSE,
	BJSON_TRUE,
	BJSON_NUMBER,
	BJSON_STRING,
	BJSON_ARRAY,
	BJSON_OBJECT
};

#define BJSON_NONE ((unsigned)-1)

struct bjson_node {
	enum bjson_type type;
	unsigned next; /* next sibling, BJSON_NONE at the end */
	unsigned child; /* first child of an array/object */
	unsigned count; /* children of an array/object */
	const char *key; /* member name (NUL-terminated) inside an object, else NULL */
	const char *str; /* string value (NUL-terminated, unescaped) */
	long long num; /* integer value of a number (fraction/exponent rejected) */
	int is_int;
};

struct bjson {
	struct bjson_node *nodes; /* nodes[0] is the root */
	unsigned cnt, cap;
};

/*
 * Parses text[0..len) (modified in place: strings are unescaped and NUL-terminated, so text
 * must stay alive as long as the nodes). 0 or -EBADMSG with a message in err.
 */
int btfgen_bjson__parse(struct bjson *j, char *text, size_t len, char *err, size_t err_sz);
/*
 * The same with at most max_nodes values (-EFBIG past it, checked before the node array
 * grows); messages name the document (btfgen_bjson__parse says "index.json" and takes the default
 * bound of btfgen_bundle_opts).
 */
int btfgen_bjson__parse_named(struct bjson *j, const char *name, char *text, size_t len,
			      unsigned long long max_nodes, char *err, size_t err_sz);
/* min(len / bytes_per_value + 64, hard_cap): the bound of btfgen_bundle_opts. */
unsigned long long btfgen_bjson__max_nodes(size_t len, unsigned long long bytes_per_value,
					   unsigned long long hard_cap);
void btfgen_bjson__free(struct bjson *j);
/* Member key of object node n, or NULL. */
const struct bjson_node *btfgen_bjson__get(const struct bjson *j, const struct bjson_node *n,
					   const char *key);
/* i-th element of array node n, or NULL (linear: iterate with ->next instead). */
const struct bjson_node *btfgen_bjson__at(const struct bjson *j, const struct bjson_node *n,
					  unsigned i);
/* String member or "" */
const char *btfgen_bjson__str(const struct bjson *j, const struct bjson_node *n, const char *key);
/* Non-negative integer member or 0 */
unsigned long long btfgen_bjson__uint(const struct bjson *j, const struct bjson_node *n,
				      const char *key);

#endif
