/* SPDX-License-Identifier: BSD-2-Clause */
/* manifest: what manifest.c (the JSON) and kernel_select.c (the archive walk) share. Private. */
#ifndef BTFGEN_MANIFEST_PRIV_H
#define BTFGEN_MANIFEST_PRIV_H

#include <stddef.h>
#include <jansson.h>

#include "manifest.h"

struct load_ctx {
	const char *file; /* the manifest path as given, first word of every message */
	char *err;
	size_t err_sz;
	struct manifest *m;
	struct manifest_kernel *all; /* every kernel input of the archive, sorted */
	size_t all_cnt, all_cap;
};

/* Every failure goes through here: "FILE: key 'KEY': what", and errno for the caller. */
int manifest_fail(struct load_ctx *c, int e, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
int manifest_oom(struct load_ctx *c);
/* A string element of an array: non-empty string, or error (key names it). */
int manifest_get_elem_string(struct load_ctx *c, json_t *v, const char *key, const char **out);
/* Appends s to a growing array of strings, taking s (freed on failure): 0 or -ENOMEM. */
int manifest_push_str(char ***arr, size_t *cnt, size_t *cap, char *s);
/* qsort comparator over char * elements */
int manifest_cmp_str(const void *a, const void *b);

/*
 * Walks m->archive into c->all, checks the objects' arches against it and moves the kernels
 * the manifest's "kernels" selects (all of an arch with objects without it) into m->kernels,
 * sorted. 0 or -errno with the message in c->err.
 */
int manifest_load_kernels(struct load_ctx *c, json_t *root);

#endif
