// SPDX-License-Identifier: BSD-2-Clause
/* bundle: the tree output, <distro>/<version>/<arch>/<release>.btf, swapped in atomically. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bundle_priv.h"

static int mkdir_at(int dfd, const char *name)
{
	if (mkdirat(dfd, name, 0755) && errno != EEXIST)
		return -errno;
	return 0;
}

static int write_at(int dfd, const char *name, const void *data, size_t len)
{
	int fd = openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
	int ret;

	if (fd < 0)
		return -errno;
	ret = btfgen_bundle_write_all(fd, data, len);
	if (!ret && fsync(fd))
		ret = -errno;
	if (close(fd) && !ret)
		ret = -errno;
	return ret;
}

static int rm_cb(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path) ? -1 : 0;
}

static void rm_tree(const char *path)
{
	nftw(path, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
}

/* A directory we may replace: empty, or a tree we wrote (index.json of our format at the top). */
static int replaceable_dir(const char *path)
{
	char idx[4096 + 16];
	json_t *j;
	DIR *d;
	struct dirent *de;
	int empty = 1, ok;

	d = opendir(path);
	if (!d)
		return 0;
	while ((de = readdir(d))) {
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) {
			empty = 0;
			break;
		}
	}
	closedir(d);
	if (empty)
		return 1;
	snprintf(idx, sizeof(idx), "%s/index.json", path);
	j = json_load_file(idx, 0, NULL);
	ok = j && json_is_string(json_object_get(j, "format")) &&
	     !strcmp(json_string_value(json_object_get(j, "format")), BUNDLE_FORMAT);
	json_decref(j);
	return ok;
}

int btfgen_bundle_tree__write(const char *out_path, const char *index, size_t index_len,
			      const char *matrix, size_t matrix_len, const struct tree_file *files,
			      size_t n, char *err, size_t err_sz)
{
	char dir[4096], base[1024], tmp[4096 + 1100], sub[1024];
	struct stat st;
	int dfd = -1, ret = 0;
	size_t i;

	btfgen_bundle_path_split(out_path, dir, sizeof(dir), base, sizeof(base));
	if (!*base || !strcmp(base, ".") || !strcmp(base, "..")) {
		btfgen_bundle_err(err, err_sz, "'%s': give the tree directory by name",
				  BQ(out_path));
		return -EINVAL;
	}
	if (!lstat(out_path, &st) && (!S_ISDIR(st.st_mode) || !replaceable_dir(out_path))) {
		btfgen_bundle_err(err, err_sz,
				  "'%s' exists and is not an empty directory or a btfgen tree; "
				  "not replacing it",
				  BQ(out_path));
		return -EEXIST;
	}
	snprintf(tmp, sizeof(tmp), "%s/.%s.tmpXXXXXX", dir, base);
	if (!mkdtemp(tmp)) {
		ret = -errno;
		btfgen_bundle_err(err, err_sz, "'%s': cannot create temp dir: %s", BQ(out_path),
				  strerror(-ret));
		return ret;
	}
	chmod(tmp, 0755);
	dfd = open(tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0) {
		ret = -errno;
		goto fail;
	}
	ret = write_at(dfd, "index.json", index, index_len);
	ret = ret ? ret : write_at(dfd, "matrix.json", matrix, matrix_len);
	for (i = 0; i < n && !ret; i++) {
		const struct tree_file *f = &files[i];

		/* components were validated in add_kernel: no '/', '.', '..' */
		snprintf(sub, sizeof(sub), "%s", f->distro);
		ret = mkdir_at(dfd, sub);
		snprintf(sub, sizeof(sub), "%s/%s", f->distro, f->version);
		ret = ret ? ret : mkdir_at(dfd, sub);
		snprintf(sub, sizeof(sub), "%s/%s/%s", f->distro, f->version, f->arch);
		ret = ret ? ret : mkdir_at(dfd, sub);
		snprintf(sub, sizeof(sub), "%s/%s/%s/%s.btf", f->distro, f->version, f->arch,
			 f->release);
		ret = ret ? ret : write_at(dfd, sub, f->data, f->size);
	}
	if (ret)
		goto fail;
	close(dfd);
	dfd = -1;
	/* swap atomically with an old tree (which then sits at tmp and is removed) */
	if (renameat2(AT_FDCWD, tmp, AT_FDCWD, out_path, RENAME_EXCHANGE)) {
		if (errno != ENOENT || rename(tmp, out_path)) {
			ret = -errno;
			goto fail;
		}
	} else {
		rm_tree(tmp);
	}
	btfgen_bundle_fsync_dir(dir);
	return 0;
fail:
	btfgen_bundle_err(err, err_sz, "'%s': %s", BQ(out_path), strerror(-ret));
	if (dfd >= 0)
		close(dfd);
	rm_tree(tmp);
	return ret;
}
