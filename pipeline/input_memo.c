// SPDX-License-Identifier: BSD-2-Clause
#define _GNU_SOURCE /* asprintf */
/* pipeline: the input memo (see input_memo.h). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "btfgen_util.h"
#include "bundle_writer.h"
#include "input_memo.h"

#define MEMO_NAME "inputs.sha256"

struct memo_entry {
	char *path;
	char sha[65];
	unsigned long long dev, ino, size, mtime, ctime;
};

struct input_memo {
	struct memo_entry *e; /* sorted by path */
	size_t cnt;
	/*
	 * The lines of this run, in an unlinked temp file until input_memo__save (~170 bytes
	 * per kernel: held in memory they grew with the archive); out_err: one was lost.
	 */
	FILE *out;
	bool out_err;
};

static int entry_cmp(const void *a, const void *b)
{
	return strcmp(((const struct memo_entry *)a)->path, ((const struct memo_entry *)b)->path);
}

static unsigned long long ns(const struct timespec *t)
{
	return (unsigned long long)t->tv_sec * 1000000000ULL + (unsigned long long)t->tv_nsec;
}

/* One line; false (line ignored) unless it is exactly what input_memo__add writes. */
static bool parse_line(char *line, struct memo_entry *e)
{
	int n = 0;

	if (sscanf(line, "%64[0-9a-f] %llu %llu %llu %llu %llu %n", e->sha, &e->dev, &e->ino,
		   &e->size, &e->mtime, &e->ctime, &n) != 6 ||
	    !n || strlen(e->sha) != 64 || line[n] != '/')
		return false;
	e->path = strdup(line + n);
	return e->path != NULL;
}

struct input_memo *input_memo__load(const char *dir)
{
	struct input_memo *m = calloc(1, sizeof(*m));
	char *path = NULL, *line = NULL;
	size_t cap = 0, lcap = 0;
	ssize_t len;
	FILE *f;

	if (!m)
		return NULL;
	if (asprintf(&path, "%s/%s", dir, MEMO_NAME) < 0)
		return m;
	f = fopen(path, "re");
	free(path);
	if (!f)
		return m;
	while ((len = getline(&line, &lcap, f)) > 0) {
		if (line[len - 1] != '\n')
			break; /* a cut line: the rest is not ours */
		line[len - 1] = '\0';
		if (m->cnt == cap) {
			void *p = realloc(m->e, (cap = cap ? 2 * cap : 256) * sizeof(*m->e));

			if (!p)
				break;
			m->e = p;
		}
		if (parse_line(line, &m->e[m->cnt]))
			m->cnt++;
	}
	free(line);
	fclose(f);
	qsort(m->e, m->cnt, sizeof(*m->e), entry_cmp);
	return m;
}

bool input_memo__get(const struct input_memo *m, const char *path, const struct stat *st,
		     char sha_hex[65])
{
	struct memo_entry key = { .path = (char *)path }, *e;

	if (!m || !m->cnt)
		return false;
	e = bsearch(&key, m->e, m->cnt, sizeof(*m->e), entry_cmp);
	if (!e || e->dev != (unsigned long long)st->st_dev ||
	    e->ino != (unsigned long long)st->st_ino ||
	    e->size != (unsigned long long)st->st_size || e->mtime != ns(&st->st_mtim) ||
	    e->ctime != ns(&st->st_ctim))
		return false;
	memcpy(sha_hex, e->sha, 65);
	return true;
}

int input_memo__add(struct input_memo *m, const char *path, const struct stat *st,
		    const char *sha_hex, double run_start)
{
	/* a file changed just before or during the run may change again unseen: not kept */
	if (!m || strlen(sha_hex) != 64 || path[0] != '/' || strchr(path, '\n') ||
	    (double)st->st_mtim.tv_sec >= run_start - 2 ||
	    (double)st->st_ctim.tv_sec >= run_start - 2)
		return 0;
	if (m->out_err)
		return -EIO;
	if (!m->out) {
		int fd = btfgen_tmpfile();

		m->out = fd < 0 ? NULL : fdopen(fd, "w+");
		if (!m->out) {
			if (fd >= 0)
				close(fd);
			m->out_err = true;
			return fd < 0 ? fd : -errno;
		}
	}
	if (fprintf(m->out, "%s %llu %llu %llu %llu %llu %s\n", sha_hex,
		    (unsigned long long)st->st_dev, (unsigned long long)st->st_ino,
		    (unsigned long long)st->st_size, ns(&st->st_mtim), ns(&st->st_ctim),
		    path) < 0) {
		/* a memo missing a line is still right, but one cut mid-line is not kept */
		m->out_err = true;
		return -EIO;
	}
	return 0;
}

/* This run's lines, read back whole: after commit, when memory is low again. */
static int read_lines(struct input_memo *m, char **buf, size_t *len)
{
	long end;

	if (fflush(m->out) || (end = ftell(m->out)) < 0 || fseek(m->out, 0, SEEK_SET))
		return -EIO;
	*len = (size_t)end;
	*buf = malloc(*len + 1);
	if (!*buf)
		return -ENOMEM;
	if (fread(*buf, 1, *len, m->out) != *len) {
		free(*buf);
		return -EIO;
	}
	return 0;
}

int input_memo__save(struct input_memo *m, const char *dir)
{
	char *path = NULL, *buf = NULL, err[64];
	size_t len = 0;
	int ret;

	if (!m || !m->out || m->out_err)
		return 0;
	ret = read_lines(m, &buf, &len);
	if (ret || !len) {
		free(buf);
		return ret;
	}
	if (asprintf(&path, "%s/%s", dir, MEMO_NAME) < 0) {
		free(buf);
		return -ENOMEM;
	}
	ret = btfgen_bundle_file__write_atomic(path, buf, len, err, sizeof(err));
	free(path);
	free(buf);
	return ret;
}

void input_memo__forget_loaded(struct input_memo *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->cnt; i++)
		free(m->e[i].path);
	free(m->e);
	m->e = NULL;
	m->cnt = 0;
}

void input_memo__free(struct input_memo *m)
{
	if (!m)
		return;
	input_memo__forget_loaded(m);
	if (m->out)
		fclose(m->out);
	free(m);
}
