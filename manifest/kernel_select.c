// SPDX-License-Identifier: BSD-2-Clause
/* manifest: walk the BTFHub archive on disk and select the kernels the manifest asks for. */
#define _GNU_SOURCE /* asprintf */
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "btfgen_util.h"
#include "manifest.h"
#include "manifest_priv.h"

/* Kernel inputs in a BTFHub archive, by file name suffix. */
static const char *const input_suffixes[] = {
	".btf.tar.xz",
	".btf.tar.gz",
	".btf.tar.zst",
	".btf",
};

static int cmp_kernel(const void *pa, const void *pb)
{
	const struct manifest_kernel *a = pa, *b = pb;
	int r;

	if ((r = strcmp(a->distro, b->distro)))
		return r;
	if ((r = strcmp(a->version, b->version)))
		return r;
	if ((r = strcmp(a->arch, b->arch)))
		return r;
	return strcmp(a->release, b->release);
}

/* The walk's order: by kernel, then by file, so even a release stored twice sorts stably. */
static int cmp_kernel_input(const void *a, const void *b)
{
	return cmp_kernel(a, b) ?:
				  strcmp(((const struct manifest_kernel *)a)->input,
					 ((const struct manifest_kernel *)b)->input);
}

/* Sorted entries of a directory, without "." and ".." nor hidden names (.git). */
static int list_dir(struct load_ctx *c, const char *path, char ***names, size_t *cnt)
{
	size_t cap = 0;
	struct dirent *de;
	DIR *d;
	int err = 0;

	*names = NULL;
	*cnt = 0;
	d = opendir(path);
	if (!d)
		return manifest_fail(c, EINVAL, "archive", "cannot read '%s': %s", path,
				     strerror(errno));
	for (;;) {
		char *s;

		errno = 0;
		de = readdir(d);
		if (!de) {
			if (errno)
				err = manifest_fail(c, EINVAL, "archive", "cannot read '%s': %s",
						    path, strerror(errno));
			break;
		}
		if (de->d_name[0] == '.')
			continue;
		s = strdup(de->d_name);
		if (!s || manifest_push_str(names, cnt, &cap, s)) {
			err = manifest_oom(c);
			break;
		}
	}
	closedir(d);
	if (!err)
		qsort(*names, *cnt, sizeof(**names), manifest_cmp_str);
	return err;
}

static void free_names(char **names, size_t cnt)
{
	size_t i;

	for (i = 0; i < cnt; i++)
		free(names[i]);
	free(names);
}

/* The release a file name stores, or 0 if it is not a kernel input. */
static size_t release_len(const char *name)
{
	size_t i, len = strlen(name);

	for (i = 0; i < sizeof(input_suffixes) / sizeof(input_suffixes[0]); i++) {
		size_t sl = strlen(input_suffixes[i]);

		if (len > sl && strcmp(name + len - sl, input_suffixes[i]) == 0)
			return len - sl;
	}
	return 0;
}

/* Appends s[0..n) and a NUL at *p; returns where it went. */
static char *put_str(char **p, const char *s, size_t n)
{
	char *at = *p;

	memcpy(at, s, n);
	at[n] = '\0';
	*p = at + n + 1;
	return at;
}

/* "distro/version/arch/release", then each of them and the input, in one allocation. */
static char *kernel_strings(const char *parts[3], const char *file, size_t rel_len,
			    const char *input, struct manifest_kernel *k)
{
	size_t l[3] = { strlen(parts[0]), strlen(parts[1]), strlen(parts[2]) };
	size_t keys = l[0] + l[1] + l[2] + rel_len + 4, il = strlen(input);
	char *block = malloc(2 * keys + il + 1), *p = block;

	if (!block)
		return NULL;
	p += sprintf(p, "%s/%s/%s/%.*s", parts[0], parts[1], parts[2], (int)rel_len, file) + 1;
	k->distro = put_str(&p, parts[0], l[0]);
	k->version = put_str(&p, parts[1], l[1]);
	k->arch = put_str(&p, parts[2], l[2]);
	k->release = put_str(&p, file, rel_len);
	k->input = put_str(&p, input, il);
	return block;
}

static int add_kernel(struct load_ctx *c, const char *parts[3], const char *file, size_t rel_len,
		      const char *input)
{
	struct manifest_kernel *k;

	if (btfgen_array_grow((void **)&c->all, &c->all_cap, c->all_cnt + 1, sizeof(*c->all)))
		return manifest_oom(c);
	k = &c->all[c->all_cnt++];
	memset(k, 0, sizeof(*k));
	/*
	 * One block per kernel, which name starts (manifest.c's kernel_free frees it): a
	 * BTFHub holds thousands, and six small allocations each cost ~130 bytes more.
	 */
	k->name = kernel_strings(parts, file, rel_len, input, k);
	return k->name ? 0 : manifest_oom(c);
}

/*
 * Collect every kernel input: <archive>/<distro>/<version>/<arch>/<release>.btf*.
 * Four fixed levels, lstat() on each directory so a symlinked directory is never
 * entered (no loops, nothing outside the tree); at the last level a symlink to a
 * regular file is taken (git-annex checkouts are made of those).
 */
static int walk_level(struct load_ctx *c, const char *dir, int depth, const char *parts[3])
{
	char **names = NULL;
	size_t i, cnt = 0;
	int err;

	err = list_dir(c, dir, &names, &cnt);
	for (i = 0; !err && i < cnt; i++) {
		struct stat st;
		char *p;

		if (asprintf(&p, "%s/%s", dir, names[i]) < 0) {
			err = manifest_oom(c);
			break;
		}
		if (lstat(p, &st)) {
			err = manifest_fail(c, EINVAL, "archive", "cannot stat '%s': %s", p,
					    strerror(errno));
		} else if (depth < 3) {
			if (S_ISDIR(st.st_mode)) {
				parts[depth] = names[i];
				err = walk_level(c, p, depth + 1, parts);
			}
		} else {
			size_t rl = release_len(names[i]);

			if (rl && S_ISLNK(st.st_mode) && stat(p, &st))
				rl = 0; /* dangling symlink: not an input */
			if (rl && S_ISREG(st.st_mode))
				err = add_kernel(c, parts, names[i], rl, p);
		}
		free(p);
	}
	free_names(names, cnt);
	return err;
}

/* Four '/'-separated non-empty parts, as kernel names and patterns have. */
static bool four_parts(const char *s)
{
	int slashes = 0;
	const char *p;

	if (s[0] == '/')
		return false;
	for (p = s; *p; p++) {
		if (*p != '/')
			continue;
		if (p[1] == '/' || p[1] == '\0')
			return false;
		slashes++;
	}
	return slashes == 3;
}

static bool match_any(json_t *pats, const char *name)
{
	size_t i;

	for (i = 0; pats && i < json_array_size(pats); i++)
		if (fnmatch(json_string_value(json_array_get(pats, i)), name, FNM_PATHNAME) == 0)
			return true;
	return false;
}

/* kernels.include / kernels.exclude: arrays of valid patterns (include: each matching). */
static int check_patterns(struct load_ctx *c, json_t *pats, const char *which, bool must_match)
{
	char key[64];
	size_t i, k;
	int err;

	if (!json_is_array(pats) || (must_match && json_array_size(pats) == 0))
		return manifest_fail(c, EINVAL, which, "must be a %sarray of patterns",
				     must_match ? "non-empty " : "");
	for (i = 0; i < json_array_size(pats); i++) {
		const char *pat = NULL;

		snprintf(key, sizeof(key), "%s[%zu]", which, i);
		err = manifest_get_elem_string(c, json_array_get(pats, i), key, &pat);
		if (err)
			return err;
		if (!four_parts(pat))
			return manifest_fail(c, EINVAL, key,
					     "pattern '%s' must have four parts: %s", pat,
					     "distro/version/arch/release");
		if (!must_match)
			continue;
		for (k = 0; k < c->all_cnt; k++)
			if (fnmatch(pat, c->all[k].name, FNM_PATHNAME) == 0)
				break;
		if (k == c->all_cnt)
			return manifest_fail(c, EINVAL, key,
					     "pattern '%s' matches no kernel in the archive", pat);
	}
	return 0;
}

/*
 * Mark the kernels to keep in sel[] (one flag per c->all entry):
 * - no "kernels": every kernel of an arch with objects;
 * - "include"/"exclude": matching an include (all if none) and no exclude;
 * - "list": exactly those, each present, of an arch with objects, listed once.
 */
static int select_kernels(struct load_ctx *c, json_t *root, bool *sel)
{
	json_t *ks = json_object_get(root, "kernels"), *inc, *exc, *list, *v;
	const char *key;
	char kbuf[64];
	size_t i, k;
	int err;

	if (!ks) {
		for (k = 0; k < c->all_cnt; k++)
			sel[k] = manifest__arch(c->m, c->all[k].arch) != NULL;
		return 0;
	}
	if (!json_is_object(ks))
		return manifest_fail(c, EINVAL, "kernels",
				     "must be an object with \"include\"/\"exclude\" or \"list\"");
	json_object_foreach(ks, key, v)
	{
		if (strcmp(key, "include") && strcmp(key, "exclude") && strcmp(key, "list")) {
			snprintf(kbuf, sizeof(kbuf), "kernels.%s", key);
			return manifest_fail(c, EINVAL, kbuf, "unknown key");
		}
	}
	inc = json_object_get(ks, "include");
	exc = json_object_get(ks, "exclude");
	list = json_object_get(ks, "list");
	if (list && (inc || exc))
		return manifest_fail(c, EINVAL, "kernels",
				     "\"list\" cannot be combined with \"%s\"",
				     inc ? "include" : "exclude");
	if (!list && !inc && !exc)
		return manifest_fail(c, EINVAL, "kernels",
				     "needs \"include\"/\"exclude\" or \"list\"");

	if (!list) {
		if (inc && (err = check_patterns(c, inc, "kernels.include", true)))
			return err;
		if (exc && (err = check_patterns(c, exc, "kernels.exclude", false)))
			return err;
		for (k = 0; k < c->all_cnt; k++)
			sel[k] = manifest__arch(c->m, c->all[k].arch) &&
				 (!inc || match_any(inc, c->all[k].name)) &&
				 !match_any(exc, c->all[k].name);
		return 0;
	}

	if (!json_is_array(list) || json_array_size(list) == 0)
		return manifest_fail(c, EINVAL, "kernels.list",
				     "must be a non-empty array of kernels");
	for (i = 0; i < json_array_size(list); i++) {
		const char *name = NULL;

		snprintf(kbuf, sizeof(kbuf), "kernels.list[%zu]", i);
		err = manifest_get_elem_string(c, json_array_get(list, i), kbuf, &name);
		if (err)
			return err;
		if (!four_parts(name))
			return manifest_fail(c, EINVAL, kbuf, "'%s' must have four parts: %s", name,
					     "distro/version/arch/release");
		/* Linear: lists are short, and a release may be stored under two names. */
		for (k = 0; k < c->all_cnt; k++)
			if (strcmp(c->all[k].name, name) == 0)
				break;
		if (k == c->all_cnt)
			return manifest_fail(c, EINVAL, kbuf, "no kernel '%s' in the archive",
					     name);
		if (!manifest__arch(c->m, c->all[k].arch))
			return manifest_fail(c, EINVAL, kbuf,
					     "kernel '%s': no objects for arch '%s'", name,
					     c->all[k].arch);
		if (sel[k])
			return manifest_fail(c, EINVAL, kbuf, "kernel '%s' listed twice", name);
		for (; k < c->all_cnt && strcmp(c->all[k].name, name) == 0; k++)
			sel[k] = true;
	}
	return 0;
}

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');

	return s ? s + 1 : p;
}

/*
 * An objects key naming an arch that is not BTFHub's and that the archive has no kernel of
 * is a typo more often than not ("x86-64" before it was an alias, "arm-64"): blame the key
 * and name the arches there are. BTFHub's own arches may lack kernels (a partial archive).
 */
static int check_arches(struct load_ctx *c)
{
	char have[256] = "", key[300];
	size_t a, k, n;

	for (k = 0; k < c->all_cnt; k++) {
		const char *arch = c->all[k].arch;
		char *p = strstr(have, arch);

		n = strlen(arch);
		if (p && (p == have || p[-1] == ' ') && (p[n] == ',' || !p[n]))
			continue;
		n = strlen(have);
		snprintf(have + n, sizeof(have) - n, "%s%s", n ? ", " : "", arch);
	}
	for (a = 0; a < c->m->arch_cnt; a++) {
		const char *arch = c->m->arches[a].arch;

		if (!strcmp(arch, "x86_64") || !strcmp(arch, "arm64"))
			continue;
		for (k = 0; k < c->all_cnt && strcmp(c->all[k].arch, arch); k++)
			;
		if (k < c->all_cnt)
			continue;
		snprintf(key, sizeof(key), "objects.%s", arch);
		return manifest_fail(c, EINVAL, key,
				     "the archive has no kernel of arch '%s' (it has: %s)", arch,
				     *have ? have : "none");
	}
	return 0;
}

int manifest_load_kernels(struct load_ctx *c, json_t *root)
{
	struct manifest *m = c->m;
	const char *parts[3] = {};
	bool *sel = NULL;
	size_t k, n = 0;
	int err;

	err = walk_level(c, m->archive, 0, parts);
	if (err)
		return err;
	qsort(c->all, c->all_cnt, sizeof(*c->all), cmp_kernel_input);
	err = check_arches(c);
	if (err)
		return err;

	sel = calloc(c->all_cnt + 1, sizeof(*sel));
	if (!sel)
		return manifest_oom(c);
	err = select_kernels(c, root, sel);
	if (err)
		goto out;

	for (k = 0; k < c->all_cnt; k++) {
		if (!sel[k])
			continue;
		if (n && cmp_kernel(&c->all[k], &m->kernels[n - 1]) == 0) {
			err = manifest_fail(c, EINVAL, "archive",
					    "kernel '%s' is stored twice: '%s' and '%s'",
					    c->all[k].name, base_name(m->kernels[n - 1].input),
					    base_name(c->all[k].input));
			goto out;
		}
		if (!m->kernels) {
			m->kernels = calloc(c->all_cnt, sizeof(*m->kernels));
			if (!m->kernels) {
				err = manifest_oom(c);
				goto out;
			}
		}
		/* Move, not copy: c->all[k] is left empty. */
		m->kernels[n++] = c->all[k];
		m->kernel_cnt = n;
		memset(&c->all[k], 0, sizeof(c->all[k]));
	}
	if (n == 0) {
		if (json_object_get(root, "kernels"))
			err = manifest_fail(c, EINVAL, "kernels",
					    "selects no kernel of an arch with objects");
		else
			err = manifest_fail(c, EINVAL, "archive",
					    "no kernel of an arch with objects in '%s'",
					    m->archive);
	}
out:
	free(sel);
	return err;
}
