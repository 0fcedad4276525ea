// SPDX-License-Identifier: BSD-2-Clause
/* manifest: load and validate the JSON manifest, expand objects (kernels: kernel_select.c). */
#define _GNU_SOURCE /* asprintf */
#include <errno.h>
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
#include "manifest_priv.h"

#define MANIFEST_VERSION 1
#define MANIFEST_MAX_JOBS 4096

int manifest_fail(struct load_ctx *c, int e, const char *key, const char *fmt, ...)
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

int manifest_oom(struct load_ctx *c)
{
	return manifest_fail(c, ENOMEM, NULL, "out of memory");
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

int manifest_cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int cmp_arch(const void *a, const void *b)
{
	const struct manifest_arch *x = a, *y = b;

	return strcmp(x->arch, y->arch);
}

/* Every string of a kernel lives in the one block name starts (kernel_select.c). */
static void kernel_free(struct manifest_kernel *k)
{
	free(k->name);
}

/* A required or optional string key: non-empty string, or error. NULL if absent. */
static int get_string(struct load_ctx *c, json_t *root, const char *key, bool required,
		      const char **out)
{
	json_t *v = json_object_get(root, key);

	*out = NULL;
	if (!v)
		return required ? manifest_fail(c, EINVAL, key, "missing required key") : 0;
	if (!json_is_string(v) || json_string_length(v) == 0)
		return manifest_fail(c, EINVAL, key, "must be a non-empty string");
	if (strlen(json_string_value(v)) != json_string_length(v))
		return manifest_fail(c, EINVAL, key, "must not contain NUL characters");
	*out = json_string_value(v);
	return 0;
}

/* A string element of an array, non-empty and NUL-free. */
int manifest_get_elem_string(struct load_ctx *c, json_t *v, const char *key, const char **out)
{
	if (!json_is_string(v) || json_string_length(v) == 0 ||
	    strlen(json_string_value(v)) != json_string_length(v))
		return manifest_fail(c, EINVAL, key, "must be a non-empty string");
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
		return manifest_oom(c);
	if (stat(m->archive, &st))
		return manifest_fail(c, EINVAL, "archive", "'%s': %s", s, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return manifest_fail(c, EINVAL, "archive", "'%s' is not a directory", s);

	err = get_string(c, root, "output", true, &s);
	if (err)
		return err;
	m->output = path_join(m->dir, s);
	if (!m->output)
		return manifest_oom(c);

	err = get_string(c, root, "cache", false, &s);
	if (err)
		return err;
	if (s) {
		m->cache = path_join(m->dir, s);
		if (!m->cache)
			return manifest_oom(c);
		if (stat(m->cache, &st) == 0 && !S_ISDIR(st.st_mode))
			return manifest_fail(c, EINVAL, "cache",
					     "'%s' exists and is not a directory", s);
	}

	err = get_string(c, root, "kernel_cache", false, &s);
	if (err)
		return err;
	if (s) {
		m->kernel_cache = path_join(m->dir, s);
		if (!m->kernel_cache)
			return manifest_oom(c);
		if (stat(m->kernel_cache, &st) == 0 && !S_ISDIR(st.st_mode))
			return manifest_fail(c, EINVAL, "kernel_cache",
					     "'%s' exists and is not a directory", s);
	}

	v = json_object_get(root, "jobs");
	if (v) {
		if (!json_is_integer(v) || json_integer_value(v) < 1 ||
		    json_integer_value(v) > MANIFEST_MAX_JOBS)
			return manifest_fail(c, EINVAL, "jobs", "must be an integer from 1 to %d",
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
		return manifest_fail(c, EINVAL, "format",
				     "must be \"bundle\" or \"tree\", not \"%s\"", s);

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
		return manifest_fail(c, EINVAL, "compression",
				     "must be \"zstd\", \"xz\" or \"none\", not \"%s\"", s);

	v = json_object_get(root, "verify");
	if (v) {
		if (!json_is_boolean(v))
			return manifest_fail(c, EINVAL, "verify", "must be true or false");
		m->verify = json_is_true(v);
	}
	return 0;
}

/* Append a path to a growing array, taking ownership of it (freed on failure). */
int manifest_push_str(char ***arr, size_t *cnt, size_t *cap, char *s)
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
		err = manifest_oom(c);
		goto out;
	}
	gr = glob(full, 0, glob_error, &g);
	if (gr == GLOB_NOMATCH) {
		if (has_glob_magic(pat))
			err = manifest_fail(c, EINVAL, key, "no file matches '%s'", pat);
		else
			err = manifest_fail(c, EINVAL, key, "no such file '%s'", pat);
		goto out;
	}
	if (gr == GLOB_NOSPACE) {
		err = manifest_oom(c);
		goto out;
	}
	if (gr) {
		err = manifest_fail(c, EINVAL, key,
				    "cannot expand '%s': a directory cannot be read", pat);
		goto out;
	}
	for (i = 0; i < g.gl_pathc; i++) {
		struct stat st;
		char *p;

		if (stat(g.gl_pathv[i], &st)) {
			err = manifest_fail(c, EINVAL, key, "'%s': %s", g.gl_pathv[i],
					    strerror(errno));
			goto out;
		}
		if (!S_ISREG(st.st_mode)) {
			err = manifest_fail(c, EINVAL, key, "'%s' is not a regular file",
					    g.gl_pathv[i]);
			goto out;
		}
		p = path_join("/", g.gl_pathv[i]);
		if (!p || manifest_push_str(&a->objects, &a->object_cnt, cap, p)) {
			err = manifest_oom(c);
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
	if (!strcasecmp(arch, "amd64") || !strcasecmp(arch, "x86-64") || !strcasecmp(arch, "x64") ||
	    !strcasecmp(arch, "x86_64"))
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
		return manifest_fail(c, EINVAL, "objects", "missing required key");
	if (!json_is_object(objs) || json_object_size(objs) == 0)
		return manifest_fail(c, EINVAL, "objects",
				     "must be a non-empty object: arch -> [paths]");
	m->arches = calloc(json_object_size(objs), sizeof(*m->arches));
	if (!m->arches)
		return manifest_oom(c);

	json_object_foreach(objs, arch, arr)
	{
		struct manifest_arch *a = &m->arches[m->arch_cnt];
		size_t cap = 0;

		snprintf(key, sizeof(key), "objects.%s", arch);
		/* The arch is a directory name in the archive. */
		if (!arch[0] || strchr(arch, '/') || strcmp(arch, ".") == 0 ||
		    strcmp(arch, "..") == 0 || has_glob_magic(arch))
			return manifest_fail(c, EINVAL, key, "not a valid arch name");
		a->arch = strdup(arch_alias(arch));
		if (!a->arch)
			return manifest_oom(c);
		m->arch_cnt++;
		for (i = 0; i + 1 < m->arch_cnt; i++)
			if (!strcmp(m->arches[i].arch, a->arch))
				return manifest_fail(c, EINVAL, key,
						     "names arch '%s' a second time", a->arch);
		if (!json_is_array(arr) || json_array_size(arr) == 0)
			return manifest_fail(c, EINVAL, key, "must be a non-empty array of paths");
		for (i = 0; i < json_array_size(arr); i++) {
			const char *pat = NULL;

			snprintf(key, sizeof(key), "objects.%s[%zu]", arch, i);
			err = manifest_get_elem_string(c, json_array_get(arr, i), key, &pat);
			if (err)
				return err;
			err = expand_pattern(c, key, pat, a, &cap);
			if (err)
				return err;
		}
		/* Sorted by strcmp, not by glob(3)'s locale order; the same object once. */
		qsort(a->objects, a->object_cnt, sizeof(*a->objects), manifest_cmp_str);
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

static const char *const known_keys[] = {
	"version", "archive",	  "objects", "output", "kernels",      "jobs",
	"format",  "compression", "verify",  "cache",  "kernel_cache",
};

static int load_root(struct load_ctx *c, json_t *root)
{
	const char *key;
	json_t *v;
	size_t i;
	int err;

	if (!json_is_object(root))
		return manifest_fail(c, EINVAL, NULL, "the manifest must be a JSON object");
	/* The version first: a newer manifest gets "unsupported version", not "unknown key". */
	v = json_object_get(root, "version");
	if (!v)
		return manifest_fail(c, EINVAL, "version", "missing required key");
	if (!json_is_integer(v))
		return manifest_fail(c, EINVAL, "version", "must be an integer");
	if (json_integer_value(v) != MANIFEST_VERSION)
		return manifest_fail(c, EINVAL, "version",
				     "unsupported version %lld (this build reads %d)",
				     (long long)json_integer_value(v), MANIFEST_VERSION);
	json_object_foreach(root, key, v)
	{
		for (i = 0; i < sizeof(known_keys) / sizeof(known_keys[0]); i++)
			if (strcmp(key, known_keys[i]) == 0)
				break;
		if (i == sizeof(known_keys) / sizeof(known_keys[0]))
			return manifest_fail(c, EINVAL, key, "unknown key");
	}
	err = load_scalars(c, root);
	if (!err)
		err = load_objects(c, root);
	if (!err)
		err = manifest_load_kernels(c, root);
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
		ret = manifest_oom(&c);
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
		ret = manifest_fail(&c, errno, NULL, "%s", strerror(errno));
		goto out;
	}
	c.m->path = path_join(c.m->dir, base);
	if (!c.m->path) {
		ret = manifest_oom(&c);
		goto out;
	}

	f = fopen(c.m->path, "re");
	if (!f || fstat(fileno(f), &st)) {
		ret = manifest_fail(&c, errno, NULL, "%s", strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		ret = manifest_fail(&c, S_ISDIR(st.st_mode) ? EISDIR : EINVAL, NULL,
				    "not a regular file");
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
