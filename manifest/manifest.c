// SPDX-License-Identifier: BSD-2-Clause
/* manifest: load and validate the JSON manifest, expand objects and select kernels. */
#define _GNU_SOURCE /* asprintf */
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <glob.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <jansson.h>

#include "btfgen_util.h"
#include "manifest.h"

#define MANIFEST_VERSION 1
#define MANIFEST_MAX_JOBS 4096

/* Kernel inputs in a BTFHub archive, by file name suffix. */
static const char *const input_suffixes[] = {
	".btf.tar.xz", ".btf.tar.gz", ".btf.tar.zst", ".btf",
};

struct load_ctx {
	const char *file; /* the manifest path as given, first word of every message */
	char *err;
	size_t err_sz;
	struct manifest *m;
	struct manifest_kernel *all; /* every kernel input of the archive, sorted */
	size_t all_cnt, all_cap;
};

/* Every failure goes through here: "FILE: key 'KEY': what", and errno for the caller. */
static int fail(struct load_ctx *c, int e, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int fail(struct load_ctx *c, int e, const char *key, const char *fmt, ...)
{
	size_t n = 0;
	va_list ap;

	if (c->err && c->err_sz) {
		if (key)
			n = snprintf(c->err, c->err_sz, "%s: key '%s': ", c->file, key);
		else
			n = snprintf(c->err, c->err_sz, "%s: ", c->file);
		if (n < c->err_sz) {
			va_start(ap, fmt);
			vsnprintf(c->err + n, c->err_sz - n, fmt, ap);
			va_end(ap);
		}
		/* One line, whatever the manifest's strings hold. */
		for (n = 0; c->err[n]; n++)
			if ((unsigned char)c->err[n] < 0x20 || c->err[n] == 0x7f)
				c->err[n] = '?';
	}
	return -e;
}

static int oom(struct load_ctx *c)
{
	return fail(c, ENOMEM, NULL, "out of memory");
}

/*
 * base + "/" + rel (or rel alone if absolute), with "", "." and ".." components
 * resolved textually. base is absolute. Returns a malloc'ed string or NULL.
 */
static char *path_join(const char *base, const char *rel)
{
	size_t blen = strlen(base), rlen = strlen(rel), n = 0;
	char *in, *out, *p, *save = NULL;

	in = malloc(blen + rlen + 2);
	out = malloc(blen + rlen + 2);
	if (!in || !out) {
		free(in);
		free(out);
		return NULL;
	}
	if (rel[0] == '/')
		memcpy(in, rel, rlen + 1);
	else
		snprintf(in, blen + rlen + 2, "%s/%s", base, rel);
	for (p = strtok_r(in, "/", &save); p; p = strtok_r(NULL, "/", &save)) {
		if (strcmp(p, ".") == 0)
			continue;
		if (strcmp(p, "..") == 0) {
			while (n > 0 && out[n - 1] != '/')
				n--;
			if (n > 0)
				n--; /* drop the '/' too; ".." of "/" is "/" */
			continue;
		}
		out[n++] = '/';
		memcpy(out + n, p, strlen(p));
		n += strlen(p);
	}
	if (n == 0)
		out[n++] = '/';
	out[n] = '\0';
	free(in);
	return out;
}

/* The manifest folder is prefixed to relative patterns: its glob(3) specials must be literal. */
static char *glob_escape(const char *s)
{
	char *out = malloc(2 * strlen(s) + 1), *p = out;

	if (!out)
		return NULL;
	for (; *s; s++) {
		if (strchr("*?[]\\", *s))
			*p++ = '\\';
		*p++ = *s;
	}
	*p = '\0';
	return out;
}

static bool has_glob_magic(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

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
	return cmp_kernel(a, b) ?: strcmp(((const struct manifest_kernel *)a)->input,
					  ((const struct manifest_kernel *)b)->input);
}

static int cmp_arch(const void *a, const void *b)
{
	const struct manifest_arch *x = a, *y = b;

	return strcmp(x->arch, y->arch);
}

static void kernel_free(struct manifest_kernel *k)
{
	free(k->distro);
	free(k->version);
	free(k->arch);
	free(k->release);
	free(k->name);
	free(k->input);
}

/* A required or optional string key: non-empty string, or error. NULL if absent. */
static int get_string(struct load_ctx *c, json_t *root, const char *key, bool required,
		      const char **out)
{
	json_t *v = json_object_get(root, key);

	*out = NULL;
	if (!v)
		return required ? fail(c, EINVAL, key, "missing required key") : 0;
	if (!json_is_string(v) || json_string_length(v) == 0)
		return fail(c, EINVAL, key, "must be a non-empty string");
	if (strlen(json_string_value(v)) != json_string_length(v))
		return fail(c, EINVAL, key, "must not contain NUL characters");
	*out = json_string_value(v);
	return 0;
}

/* A string element of an array, non-empty and NUL-free. */
static int get_elem_string(struct load_ctx *c, json_t *v, const char *key, const char **out)
{
	if (!json_is_string(v) || json_string_length(v) == 0 ||
	    strlen(json_string_value(v)) != json_string_length(v))
		return fail(c, EINVAL, key, "must be a non-empty string");
	*out = json_string_value(v);
	return 0;
}

static int load_scalars(struct load_ctx *c, json_t *root)
{
	struct manifest *m = c->m;
	const char *s;
	struct stat st;
	json_t *v;
	int err;

	err = get_string(c, root, "archive", true, &s);
	if (err)
		return err;
	m->archive = path_join(m->dir, s);
	if (!m->archive)
		return oom(c);
	if (stat(m->archive, &st))
		return fail(c, EINVAL, "archive", "'%s': %s", s, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return fail(c, EINVAL, "archive", "'%s' is not a directory", s);

	err = get_string(c, root, "output", true, &s);
	if (err)
		return err;
	m->output = path_join(m->dir, s);
	if (!m->output)
		return oom(c);

	err = get_string(c, root, "cache", false, &s);
	if (err)
		return err;
	if (s) {
		m->cache = path_join(m->dir, s);
		if (!m->cache)
			return oom(c);
		if (stat(m->cache, &st) == 0 && !S_ISDIR(st.st_mode))
			return fail(c, EINVAL, "cache", "'%s' exists and is not a directory", s);
	}

	err = get_string(c, root, "kernel_cache", false, &s);
	if (err)
		return err;
	if (s) {
		m->kernel_cache = path_join(m->dir, s);
		if (!m->kernel_cache)
			return oom(c);
		if (stat(m->kernel_cache, &st) == 0 && !S_ISDIR(st.st_mode))
			return fail(c, EINVAL, "kernel_cache", "'%s' exists and is not a directory",
				    s);
	}

	v = json_object_get(root, "jobs");
	if (v) {
		if (!json_is_integer(v) || json_integer_value(v) < 1 ||
		    json_integer_value(v) > MANIFEST_MAX_JOBS)
			return fail(c, EINVAL, "jobs", "must be an integer from 1 to %d",
				    MANIFEST_MAX_JOBS);
		m->jobs = (int)json_integer_value(v);
	}

	err = get_string(c, root, "format", false, &s);
	if (err)
		return err;
	if (s && strcmp(s, "bundle") == 0)
		m->format = MANIFEST_FORMAT_BUNDLE;
	else if (s && strcmp(s, "tree") == 0)
		m->format = MANIFEST_FORMAT_TREE;
	else if (s)
		return fail(c, EINVAL, "format", "must be \"bundle\" or \"tree\", not \"%s\"", s);

	err = get_string(c, root, "compression", false, &s);
	if (err)
		return err;
	if (s && strcmp(s, "zstd") == 0)
		m->compression = MANIFEST_COMPRESS_ZSTD;
	else if (s && strcmp(s, "xz") == 0)
		m->compression = MANIFEST_COMPRESS_XZ;
	else if (s && strcmp(s, "none") == 0)
		m->compression = MANIFEST_COMPRESS_NONE;
	else if (s)
		return fail(c, EINVAL, "compression",
			    "must be \"zstd\", \"xz\" or \"none\", not \"%s\"", s);

	v = json_object_get(root, "verify");
	if (v) {
		if (!json_is_boolean(v))
			return fail(c, EINVAL, "verify", "must be true or false");
		m->verify = json_is_true(v);
	}
	return 0;
}

/* Append a path to a growing array, taking ownership of it (freed on failure). */
static int push_str(char ***arr, size_t *cnt, size_t *cap, char *s)
{
	if (btfgen_array_grow((void **)arr, cap, *cnt + 1, sizeof(**arr))) {
		free(s);
		return -ENOMEM;
	}
	(*arr)[(*cnt)++] = s;
	return 0;
}

/* A missing directory is just "no match"; an unreadable one must not silently drop objects. */
static int glob_error(const char *epath, int eerrno)
{
	(void)epath;
	return eerrno != ENOENT && eerrno != ENOTDIR;
}

/* One pattern of objects.ARCH: every match must be a regular file (after symlinks). */
static int expand_pattern(struct load_ctx *c, const char *key, const char *pat,
			  struct manifest_arch *a, size_t *cap)
{
	char *full = NULL, *esc = NULL;
	glob_t g = {};
	size_t i;
	int err, gr;

	if (pat[0] == '/') {
		full = strdup(pat);
	} else {
		esc = glob_escape(c->m->dir);
		if (esc && asprintf(&full, "%s/%s", esc, pat) < 0)
			full = NULL;
	}
	if (!full) {
		err = oom(c);
		goto out;
	}
	gr = glob(full, 0, glob_error, &g);
	if (gr == GLOB_NOMATCH) {
		if (has_glob_magic(pat))
			err = fail(c, EINVAL, key, "no file matches '%s'", pat);
		else
			err = fail(c, EINVAL, key, "no such file '%s'", pat);
		goto out;
	}
	if (gr == GLOB_NOSPACE) {
		err = oom(c);
		goto out;
	}
	if (gr) {
		err = fail(c, EINVAL, key, "cannot expand '%s': a directory cannot be read", pat);
		goto out;
	}
	for (i = 0; i < g.gl_pathc; i++) {
		struct stat st;
		char *p;

		if (stat(g.gl_pathv[i], &st)) {
			err = fail(c, EINVAL, key, "'%s': %s", g.gl_pathv[i], strerror(errno));
			goto out;
		}
		if (!S_ISREG(st.st_mode)) {
			err = fail(c, EINVAL, key, "'%s' is not a regular file", g.gl_pathv[i]);
			goto out;
		}
		p = path_join("/", g.gl_pathv[i]);
		if (!p || push_str(&a->objects, &a->object_cnt, cap, p)) {
			err = oom(c);
			goto out;
		}
	}
	err = 0;
out:
	globfree(&g);
	free(full);
	free(esc);
	return err;
}

/* The arch names `lookup` accepts for BTFHub's two (uname -m, dpkg); others as given. */
static const char *arch_alias(const char *arch)
{
	if (!strcasecmp(arch, "aarch64") || !strcasecmp(arch, "arm64"))
		return "arm64";
	if (!strcasecmp(arch, "amd64") || !strcasecmp(arch, "x86-64") ||
	    !strcasecmp(arch, "x64") || !strcasecmp(arch, "x86_64"))
		return "x86_64";
	return arch;
}

static int load_objects(struct load_ctx *c, json_t *root)
{
	struct manifest *m = c->m;
	json_t *objs = json_object_get(root, "objects"), *arr;
	const char *arch;
	char key[PATH_MAX];
	size_t i, j;
	int err;

	if (!objs)
		return fail(c, EINVAL, "objects", "missing required key");
	if (!json_is_object(objs) || json_object_size(objs) == 0)
		return fail(c, EINVAL, "objects", "must be a non-empty object: arch -> [paths]");
	m->arches = calloc(json_object_size(objs), sizeof(*m->arches));
	if (!m->arches)
		return oom(c);

	json_object_foreach(objs, arch, arr) {
		struct manifest_arch *a = &m->arches[m->arch_cnt];
		size_t cap = 0;

		snprintf(key, sizeof(key), "objects.%s", arch);
		/* The arch is a directory name in the archive. */
		if (!arch[0] || strchr(arch, '/') || strcmp(arch, ".") == 0 ||
		    strcmp(arch, "..") == 0 || has_glob_magic(arch))
			return fail(c, EINVAL, key, "not a valid arch name");
		a->arch = strdup(arch_alias(arch));
		if (!a->arch)
			return oom(c);
		m->arch_cnt++;
		for (i = 0; i + 1 < m->arch_cnt; i++)
			if (!strcmp(m->arches[i].arch, a->arch))
				return fail(c, EINVAL, key, "names arch '%s' a second time",
					    a->arch);
		if (!json_is_array(arr) || json_array_size(arr) == 0)
			return fail(c, EINVAL, key, "must be a non-empty array of paths");
		for (i = 0; i < json_array_size(arr); i++) {
			const char *pat = NULL;

			snprintf(key, sizeof(key), "objects.%s[%zu]", arch, i);
			err = get_elem_string(c, json_array_get(arr, i), key, &pat);
			if (err)
				return err;
			err = expand_pattern(c, key, pat, a, &cap);
			if (err)
				return err;
		}
		/* Sorted by strcmp, not by glob(3)'s locale order; the same object once. */
		qsort(a->objects, a->object_cnt, sizeof(*a->objects), cmp_str);
		for (i = 0, j = 0; i < a->object_cnt; i++) {
			if (j && strcmp(a->objects[j - 1], a->objects[i]) == 0)
				free(a->objects[i]);
			else
				a->objects[j++] = a->objects[i];
		}
		a->object_cnt = j;
	}
	qsort(m->arches, m->arch_cnt, sizeof(*m->arches), cmp_arch);
	return 0;
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
		return fail(c, EINVAL, "archive", "cannot read '%s': %s", path, strerror(errno));
	for (;;) {
		char *s;

		errno = 0;
		de = readdir(d);
		if (!de) {
			if (errno)
				err = fail(c, EINVAL, "archive", "cannot read '%s': %s", path,
					   strerror(errno));
			break;
		}
		if (de->d_name[0] == '.')
			continue;
		s = strdup(de->d_name);
		if (!s || push_str(names, cnt, &cap, s)) {
			err = oom(c);
			break;
		}
	}
	closedir(d);
	if (!err)
		qsort(*names, *cnt, sizeof(**names), cmp_str);
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

static int add_kernel(struct load_ctx *c, const char *parts[3], const char *file,
		      size_t rel_len, const char *input)
{
	struct manifest_kernel *k;

	if (btfgen_array_grow((void **)&c->all, &c->all_cap, c->all_cnt + 1, sizeof(*c->all)))
		return oom(c);
	k = &c->all[c->all_cnt++];
	memset(k, 0, sizeof(*k));
	k->distro = strdup(parts[0]);
	k->version = strdup(parts[1]);
	k->arch = strdup(parts[2]);
	k->release = strndup(file, rel_len);
	k->input = strdup(input);
	if (!k->distro || !k->version || !k->arch || !k->release || !k->input ||
	    asprintf(&k->name, "%s/%s/%s/%s", parts[0], parts[1], parts[2], k->release) < 0) {
		k->name = NULL;
		return oom(c);
	}
	return 0;
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
			err = oom(c);
			break;
		}
		if (lstat(p, &st)) {
			err = fail(c, EINVAL, "archive", "cannot stat '%s': %s", p,
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
		return fail(c, EINVAL, which, "must be a %sarray of patterns",
			    must_match ? "non-empty " : "");
	for (i = 0; i < json_array_size(pats); i++) {
		const char *pat = NULL;

		snprintf(key, sizeof(key), "%s[%zu]", which, i);
		err = get_elem_string(c, json_array_get(pats, i), key, &pat);
		if (err)
			return err;
		if (!four_parts(pat))
			return fail(c, EINVAL, key, "pattern '%s' must have four parts: %s", pat,
				    "distro/version/arch/release");
		if (!must_match)
			continue;
		for (k = 0; k < c->all_cnt; k++)
			if (fnmatch(pat, c->all[k].name, FNM_PATHNAME) == 0)
				break;
		if (k == c->all_cnt)
			return fail(c, EINVAL, key, "pattern '%s' matches no kernel in the archive",
				    pat);
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
		return fail(c, EINVAL, "kernels", "must be an object with \"include\"/\"exclude\" "
						  "or \"list\"");
	json_object_foreach(ks, key, v) {
		if (strcmp(key, "include") && strcmp(key, "exclude") && strcmp(key, "list")) {
			snprintf(kbuf, sizeof(kbuf), "kernels.%s", key);
			return fail(c, EINVAL, kbuf, "unknown key");
		}
	}
	inc = json_object_get(ks, "include");
	exc = json_object_get(ks, "exclude");
	list = json_object_get(ks, "list");
	if (list && (inc || exc))
		return fail(c, EINVAL, "kernels", "\"list\" cannot be combined with \"%s\"",
			    inc ? "include" : "exclude");
	if (!list && !inc && !exc)
		return fail(c, EINVAL, "kernels", "needs \"include\"/\"exclude\" or \"list\"");

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
		return fail(c, EINVAL, "kernels.list", "must be a non-empty array of kernels");
	for (i = 0; i < json_array_size(list); i++) {
		const char *name = NULL;

		snprintf(kbuf, sizeof(kbuf), "kernels.list[%zu]", i);
		err = get_elem_string(c, json_array_get(list, i), kbuf, &name);
		if (err)
			return err;
		if (!four_parts(name))
			return fail(c, EINVAL, kbuf,
				    "'%s' must have four parts: distro/version/arch/release", name);
		/* Linear: lists are short, and a release may be stored under two names. */
		for (k = 0; k < c->all_cnt; k++)
			if (strcmp(c->all[k].name, name) == 0)
				break;
		if (k == c->all_cnt)
			return fail(c, EINVAL, kbuf, "no kernel '%s' in the archive", name);
		if (!manifest__arch(c->m, c->all[k].arch))
			return fail(c, EINVAL, kbuf, "kernel '%s': no objects for arch '%s'", name,
				    c->all[k].arch);
		if (sel[k])
			return fail(c, EINVAL, kbuf, "kernel '%s' listed twice", name);
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
		return fail(c, EINVAL, key, "the archive has no kernel of arch '%s' (it has: %s)",
			    arch, *have ? have : "none");
	}
	return 0;
}

static int load_kernels(struct load_ctx *c, json_t *root)
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
		return oom(c);
	err = select_kernels(c, root, sel);
	if (err)
		goto out;

	for (k = 0; k < c->all_cnt; k++) {
		if (!sel[k])
			continue;
		if (n && cmp_kernel(&c->all[k], &m->kernels[n - 1]) == 0) {
			err = fail(c, EINVAL, "archive",
				   "kernel '%s' is stored twice: '%s' and '%s'", c->all[k].name,
				   base_name(m->kernels[n - 1].input), base_name(c->all[k].input));
			goto out;
		}
		if (!m->kernels) {
			m->kernels = calloc(c->all_cnt, sizeof(*m->kernels));
			if (!m->kernels) {
				err = oom(c);
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
			err = fail(c, EINVAL, "kernels",
				   "selects no kernel of an arch with objects");
		else
			err = fail(c, EINVAL, "archive",
				   "no kernel of an arch with objects in '%s'", m->archive);
	}
out:
	free(sel);
	return err;
}

static const char *const known_keys[] = {
	"version", "archive", "objects", "output", "kernels",
	"jobs",    "format",  "compression", "verify", "cache",
	"kernel_cache",
};

static int load_root(struct load_ctx *c, json_t *root)
{
	const char *key;
	json_t *v;
	size_t i;
	int err;

	if (!json_is_object(root))
		return fail(c, EINVAL, NULL, "the manifest must be a JSON object");
	/* The version first: a newer manifest gets "unsupported version", not "unknown key". */
	v = json_object_get(root, "version");
	if (!v)
		return fail(c, EINVAL, "version", "missing required key");
	if (!json_is_integer(v))
		return fail(c, EINVAL, "version", "must be an integer");
	if (json_integer_value(v) != MANIFEST_VERSION)
		return fail(c, EINVAL, "version", "unsupported version %lld (this build reads %d)",
			    (long long)json_integer_value(v), MANIFEST_VERSION);
	json_object_foreach(root, key, v) {
		for (i = 0; i < sizeof(known_keys) / sizeof(known_keys[0]); i++)
			if (strcmp(key, known_keys[i]) == 0)
				break;
		if (i == sizeof(known_keys) / sizeof(known_keys[0]))
			return fail(c, EINVAL, key, "unknown key");
	}
	err = load_scalars(c, root);
	if (!err)
		err = load_objects(c, root);
	if (!err)
		err = load_kernels(c, root);
	return err;
}

struct manifest *manifest__load(const char *path, char *err, size_t err_sz)
{
	struct load_ctx c = { .file = path, .err = err, .err_sz = err_sz };
	json_t *root = NULL;
	const char *slash, *base;
	json_error_t jerr;
	struct stat st;
	FILE *f = NULL;
	size_t k;
	int ret;

	if (err && err_sz)
		err[0] = '\0';
	c.m = calloc(1, sizeof(*c.m));
	if (!c.m) {
		ret = oom(&c);
		goto out;
	}
	c.m->verify = true;
	/*
	 * Relative paths are relative to the folder the manifest is in as named, so
	 * a symlinked manifest works from where the link is: resolve the folder only.
	 */
	slash = strrchr(path, '/');
	if (!slash) {
		c.m->dir = realpath(".", NULL);
		base = path;
	} else {
		char *d = strndup(path, slash == path ? 1 : (size_t)(slash - path));

		c.m->dir = d ? realpath(d, NULL) : NULL;
		if (!d)
			errno = ENOMEM;
		free(d);
		base = slash + 1;
	}
	if (!c.m->dir) {
		ret = fail(&c, errno, NULL, "%s", strerror(errno));
		goto out;
	}
	c.m->path = path_join(c.m->dir, base);
	if (!c.m->path) {
		ret = oom(&c);
		goto out;
	}

	f = fopen(c.m->path, "re");
	if (!f || fstat(fileno(f), &st)) {
		ret = fail(&c, errno, NULL, "%s", strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		ret = fail(&c, S_ISDIR(st.st_mode) ? EISDIR : EINVAL, NULL, "not a regular file");
		goto out;
	}
	root = json_loadf(f, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		ret = -EINVAL;
		if (err && err_sz) {
			snprintf(err, err_sz, "%s:%d:%d: invalid JSON: %s", path, jerr.line,
				 jerr.column, jerr.text);
			/* jansson quotes the source text: one line, as fail() makes it */
			for (size_t i = 0; err[i]; i++)
				if ((unsigned char)err[i] < 0x20 || err[i] == 0x7f)
					err[i] = '?';
		}
		goto out;
	}
	ret = load_root(&c, root);
out:
	if (f)
		fclose(f);
	for (k = 0; k < c.all_cnt; k++)
		kernel_free(&c.all[k]);
	free(c.all);
	json_decref(root);
	if (ret) {
		manifest__free(c.m);
		errno = -ret;
		return NULL;
	}
	return c.m;
}

void manifest__free(struct manifest *m)
{
	size_t i, j;

	if (!m)
		return;
	for (i = 0; i < m->arch_cnt; i++) {
		for (j = 0; j < m->arches[i].object_cnt; j++)
			free(m->arches[i].objects[j]);
		free(m->arches[i].objects);
		free(m->arches[i].arch);
	}
	free(m->arches);
	for (i = 0; i < m->kernel_cnt; i++)
		kernel_free(&m->kernels[i]);
	free(m->kernels);
	free(m->path);
	free(m->dir);
	free(m->archive);
	free(m->output);
	free(m->cache);
	free(m->kernel_cache);
	free(m);
}

const struct manifest_arch *manifest__arch(const struct manifest *m, const char *arch)
{
	struct manifest_arch key = { .arch = (char *)arch };

	if (!m || !arch)
		return NULL;
	return bsearch(&key, m->arches, m->arch_cnt, sizeof(*m->arches), cmp_arch);
}
