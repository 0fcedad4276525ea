// SPDX-License-Identifier: BSD-2-Clause
/* util: reading a regular file whole, mkdir -p, an anonymous scratch file. */
#define _GNU_SOURCE /* mkostemp, O_TMPFILE */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "btfgen_util.h"

static int read_all(int fd, size_t size, unsigned char *p, size_t *len, char *err, size_t err_sz)
{
	size_t off = 0;

	/* size + 1 bytes of room: reading one byte more than st_size means the file grew */
	for (;;) {
		ssize_t n;

		if (off == size + 1) {
			btfgen_err_set(err, err_sz, "input grew while being read");
			return -EBADMSG;
		}
		n = read(fd, p + off, size + 1 - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int ret = -errno;

			btfgen_err_set(err, err_sz, "read error: %s", strerror(errno));
			return ret;
		}
		if (n == 0)
			break;
		off += (size_t)n;
	}
	*len = off;
	return 0;
}

int btfgen_file_read(const char *path, size_t max, void **buf, size_t *len, char *err,
		     size_t err_sz)
{
	unsigned char *p = NULL;
	char lbuf[32];
	struct stat st;
	int fd, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		ret = -errno;
		btfgen_err_set(err, err_sz, "cannot open: %s", strerror(errno));
		return ret;
	}
	if (fstat(fd, &st)) {
		ret = -errno;
		btfgen_err_set(err, err_sz, "cannot stat: %s", strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		ret = S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
		btfgen_err_set(err, err_sz, "not a regular file");
		goto out;
	}
	if ((uint64_t)st.st_size > max) {
		btfgen_err_set(err, err_sz, "input exceeds %s",
			       btfgen_fmt_size(max, lbuf, sizeof(lbuf)));
		ret = -EFBIG;
		goto out;
	}
	p = malloc((size_t)st.st_size + 1);
	if (!p) {
		btfgen_err_set(err, err_sz, "out of memory for %lld-byte input",
			       (long long)st.st_size);
		ret = -ENOMEM;
		goto out;
	}
	ret = read_all(fd, (size_t)st.st_size, p, len, err, err_sz);
	if (!ret) {
		*buf = p;
		p = NULL;
	}
out:
	free(p);
	close(fd);
	return ret;
}

int btfgen_mkdir_p(const char *path, int parents_only, char *err, size_t err_sz)
{
	char *p = strdup(path), q[256];
	int ret = 0;

	if (!p) {
		btfgen_err_set(err, err_sz, "out of memory");
		return -ENOMEM;
	}
	/* from the second byte: a leading "/" is no folder to create ("" fails in mkdir) */
	for (char *s = p + (*p != '\0');; s++) {
		int last = !*s;

		if (*s && *s != '/')
			continue;
		if (last && parents_only)
			break;
		*s = '\0';
		if (mkdir(p, 0755) && errno != EEXIST) {
			ret = -errno;
			btfgen_err_set(err, err_sz, "cannot create folder '%s': %s",
				       btfgen_quote(p, 0, q, sizeof(q)), strerror(errno));
			break;
		}
		if (last)
			break;
		*s = '/';
	}
	free(p);
	return ret;
}

int btfgen_tmpfile(void)
{
	const char *dir = getenv("TMPDIR");
	char path[4096];
	int fd;

	if (!dir || !*dir)
		dir = "/tmp";
	fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd >= 0)
		return fd;
	/* a file system without O_TMPFILE */
	if (snprintf(path, sizeof(path), "%s/.btfgen-tmp.XXXXXX", dir) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	fd = mkostemp(path, O_CLOEXEC);
	if (fd < 0)
		return -errno;
	unlink(path);
	return fd;
}
