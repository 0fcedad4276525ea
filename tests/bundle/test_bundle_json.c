// SPDX-License-Identifier: BSD-2-Clause
/* tests/bundle: the lookup path's JSON parser against jansson, on valid and invalid text. */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundle_json.h"

static int failures;

/* Same tree: types, member names in order, strings, integers. */
static int same(const struct bjson *j, const struct bjson_node *n, json_t *v)
{
	const struct bjson_node *c;
	unsigned i = 0;
	void *it;

	switch (n->type) {
	case BJSON_NULL:
		return json_is_null(v);
	case BJSON_TRUE:
		return json_is_true(v);
	case BJSON_FALSE:
		return json_is_false(v);
	case BJSON_STRING:
		return json_is_string(v) && strlen(n->str) == json_string_length(v) &&
		       !memcmp(n->str, json_string_value(v), json_string_length(v));
	case BJSON_NUMBER:
		if (n->is_int)
			return json_is_integer(v) && json_integer_value(v) == n->num;
		return json_is_real(v);
	case BJSON_ARRAY:
		if (!json_is_array(v) || json_array_size(v) != n->count)
			return 0;
		for (c = btfgen_bjson__at(j, n, 0); c;
		     c = c->next == BJSON_NONE ? NULL : &j->nodes[c->next])
			if (!same(j, c, json_array_get(v, i++)))
				return 0;
		return 1;
	case BJSON_OBJECT:
		if (!json_is_object(v) || json_object_size(v) != n->count)
			return 0;
		it = json_object_iter(v);
		for (c = btfgen_bjson__at(j, n, 0); c;
		     c = c->next == BJSON_NONE ? NULL : &j->nodes[c->next]) {
			if (!it || strcmp(c->key, json_object_iter_key(it)) ||
			    !same(j, c, json_object_iter_value(it)))
				return 0;
			it = json_object_iter_next(v, it);
		}
		return 1;
	}
	return 0;
}

static void valid(const char *text)
{
	char *copy = strdup(text), err[128];
	json_t *v = json_loads(text, JSON_DECODE_ANY, NULL);
	struct bjson j;

	if (btfgen_bjson__parse(&j, copy, strlen(copy), err, sizeof(err))) {
		fprintf(stderr, "FAIL rejected valid %s: %s\n", text, err);
		failures++;
	} else if (!v || !same(&j, &j.nodes[0], v)) {
		fprintf(stderr, "FAIL differs from jansson: %s\n", text);
		failures++;
	}
	btfgen_bjson__free(&j);
	json_decref(v);
	free(copy);
}

static void invalid(const char *text)
{
	char *copy = strdup(text), err[128] = "";
	struct bjson j;

	if (!btfgen_bjson__parse(&j, copy, strlen(copy), err, sizeof(err))) {
		fprintf(stderr, "FAIL accepted invalid %s\n", text);
		failures++;
		btfgen_bjson__free(&j);
	} else if (!*err) {
		fprintf(stderr, "FAIL no message for %s\n", text);
		failures++;
	}
	free(copy);
}

int main(void)
{
	static const char *const ok[] = {
		"{}",
		"[]",
		"0",
		"-0",
		"12345678901234",
		"-9",
		"1.5",
		"1e3",
		"-2.5E-3",
		"true",
		"false",
		"null",
		"\"\"",
		" \t\r\n{ \"a\" : [ 1 , 2 ] }\n",
		"{\"format\":\"btfgen-bundle\",\"format_version\":1,\"kernels\":[{\"distro\":"
		"\"debian\","
		"\"unsatisfied\":[]},{\"distro\":\"x\",\"n\":null}]}",
		"\"esc \\\" \\\\ \\/ \\b \\f \\n \\r \\t\"",
		"\"\\u0041\\u00e9\\u20ac\"",
		"\"\\ud83d\\ude00 ok\"",
		"\"caf\xc3\xa9\"",
		"[[[[[[[[[[1]]]]]]]]]]",
		"{\"a\":{\"b\":{\"c\":\"d\"}},\"e\":[true,false,null]}",
	};
	static const char *const bad[] = {
		"",
		" ",
		"{",
		"[",
		"[1,]",
		"{\"a\":1,}",
		"{\"a\" 1}",
		"{a:1}",
		"[1 2]",
		"01",
		"1.",
		".5",
		"-",
		"1e",
		"+1",
		"tru",
		"nul",
		"\"abc",
		"\"\\x\"",
		"\"\\u12\"",
		"\"\\ud83d\"",
		"\"\\ude00\"",
		"\"\\u0000\"",
		"\"tab\there\"",
		"{} x",
		"[1]]",
		"\"a\" \"b\"",
		"99999999999999999999",
	};
	char deep[200];
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		valid(ok[i]);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		invalid(bad[i]);
	/* nesting beyond the limit is refused, not a stack overflow */
	memset(deep, '[', 100);
	memset(deep + 100, ']', 100);
	{
		char *c = malloc(200);
		char err[128];
		struct bjson j;

		memcpy(c, deep, 200);
		if (!btfgen_bjson__parse(&j, c, 200, err, sizeof(err))) {
			fprintf(stderr, "FAIL accepted nesting 100\n");
			failures++;
			btfgen_bjson__free(&j);
		}
		free(c);
	}
	printf("%s: %zu valid, %zu invalid documents\n", failures ? "FAIL" : "ok",
	       sizeof(ok) / sizeof(ok[0]), sizeof(bad) / sizeof(bad[0]));
	return failures ? 1 : 0;
}
