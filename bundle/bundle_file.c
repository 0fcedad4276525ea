// SPDX-License-Identifier: BSD-2-Clause
/* bundle: writing one file atomically (temp file in the same folder, fsync, rename). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bundle_priv.h"

/* Splits out_path into its directory (for temp files: same file system, so rename works). */
void btfgen_bundle_path_split(const char *path, char *dir, size_t dir_sz, char *base,
			      size_t base_sz)
{
	const char *slash = strrchr(path, '/');

	if (!slash) {
		snprintf(dir, dir_sz, ".");
		snprintf(base, base_sz, "%s", path);
	} else if (slash == path) {
		snprintf(dir, dir_sz, "/");
		snprintf(base, base_sz, "%s", slash + 1);
	} else {
		snprintf(dir, dir_sz, "%.*s", (int)(slash - path), path);
		snprintf(base, base_sz, "%s", slash + 1);
	}
}

int btfgen_bundle_fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), ret = 0;

	if (fd < 0)
		return -errno;
	if (fsync(fd))
		ret = -errno;
	close(fd);
	return ret;
}

int btfgen_bundle_write_all(int fd, const void *data, size_t len)
{
	const unsigned char *p = data;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= n;
	}
	return 0;
}

int btfgen_bundle_file__write_atomic(const char *path, const void *data, size_t len, char *err,
				     size_t err_sz)
{
	char dir[4096], base[1024], tmp[4096 + 1100];
	int fd, ret;

	btfgen_bundle_path_split(path, dir, sizeof(dir), base, sizeof(base));
	if (!*base) {
		btfgen_bundle_err(err, err_sz, "'%s': not a file name", BQ(path));
		return -EINVAL;
	}
	snprintf(tmp, sizeof(tmp), "%s/.%s.tmpXXXXXX", dir, base);
	fd = mkstemp(tmp);
	if (fd < 0) {
		ret = -errno;
		btfgen_bundle_err(err, err_sz, "'%s': cannot create temp file: %s", BQ(path),
				  strerror(-ret));
		return ret;
	}
	ret = btfgen_bundle_write_all(fd, data, len);
	if (!ret && fchmod(fd, 0644))
		ret = -errno;
	if (!ret && fsync(fd))
		ret = -errno;
	if (close(fd) && !ret)
		ret = -errno;
	if (!ret && rename(tmp, path))
		ret = -errno;
	if (ret) {
		btfgen_bundle_err(err, err_sz, "'%s': %s", BQ(path), strerror(-ret));
		unlink(tmp);
		return ret;
	}
	btfgen_bundle_fsync_dir(dir);
	return 0;
}
