// SPDX-License-Identifier: BSD-2-Clause
/* tests/util: the shared helpers, on their edges (overflow, hostile bytes, non-regular files). */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "btfgen_util.h"
#include "harness.h"

static char tmpdir[] = "/tmp/btfgen-test-util.XXXXXX";

static void test_array_grow(void)
{
	int *a = NULL;
	size_t cap = 0;

	REQUIRE(!btfgen_array_grow((void **)&a, &cap, 1, sizeof(*a)));
	CHECK_INT(cap, 16);
	CHECK(!btfgen_array_grow((void **)&a, &cap, 16, sizeof(*a)));
	CHECK_INT(cap, 16); /* enough room: nothing happens */
	CHECK(!btfgen_array_grow((void **)&a, &cap, 17, sizeof(*a)));
	CHECK_INT(cap, 32); /* geometric */
	CHECK(!btfgen_array_grow((void **)&a, &cap, 100, sizeof(*a)));
	CHECK_INT(cap, 100); /* a jump past double takes what is needed */
	a[99] = 7;
	/* a byte size that overflows fails and leaves the array as it was */
	CHECK_INT(btfgen_array_grow((void **)&a, &cap, SIZE_MAX / 2, sizeof(*a)), -ENOMEM);
	CHECK_INT(cap, 100);
	CHECK_INT(a[99], 7);
	CHECK_INT(btfgen_array_grow((void **)&a, &cap, 101, 0), -EINVAL);
	free(a);
}

static void test_fnv1a(void)
{
	/* the published FNV-1a 32-bit test vectors */
	CHECK_INT(btfgen_fnv1a32_str(""), 0x811c9dc5u);
	CHECK_INT(btfgen_fnv1a32_str("a"), 0xe40c292cu);
	CHECK_INT(btfgen_fnv1a32_str("foobar"), 0xbf9cf968u);
	CHECK_INT(btfgen_fnv1a32_update(BTFGEN_FNV1A32_INIT, "foobar", 6), 0xbf9cf968u);
	CHECK_INT(btfgen_fnv1a32_update(btfgen_fnv1a32_update(BTFGEN_FNV1A32_INIT, "foo", 3), "bar",
					3),
		  0xbf9cf968u);
}

static void test_strset(void)
{
	struct btfgen_strset s;
	char name[32];
	long off[5000];

	REQUIRE(!btfgen_strset__init(&s));
	CHECK_INT(btfgen_strset__add(&s, ""), 0);
	CHECK_INT(btfgen_strset__add(&s, "abc"), 1);
	CHECK_INT(btfgen_strset__add(&s, "de"), 5);
	CHECK_INT(btfgen_strset__add(&s, "abc"), 1);
	CHECK_INT(s.len, 8);
	CHECK(!memcmp(s.data, "\0abc\0de\0", 8));
	/* past the first slot table and data buffer: offsets stay put, each string once */
	for (int i = 0; i < 5000; i++) {
		snprintf(name, sizeof(name), "name_%d", i);
		off[i] = btfgen_strset__add(&s, name);
		REQUIRE(off[i] > 0);
	}
	for (int i = 0; i < 5000; i++) {
		snprintf(name, sizeof(name), "name_%d", i);
		CHECK_INT(btfgen_strset__add(&s, name), off[i]);
		CHECK_STR(s.data + off[i], name);
	}
	CHECK_INT(s.used, 5002);
	btfgen_strset__free(&s);
}

static void test_quote(void)
{
	char buf[64], small[6];

	CHECK_STR(btfgen_quote("plain name.btf", 0, buf, sizeof(buf)), "plain name.btf");
	CHECK_STR(btfgen_quote("a\nb\x01\\\x7f\xc3", 0, buf, sizeof(buf)),
		  "a\\nb\\x01\\\\\\x7f\\xc3");
	CHECK_STR(btfgen_quote("\r\t\x1b[31m", 0, buf, sizeof(buf)), "\\r\\t\\x1b[31m");
	CHECK_STR(btfgen_quote(NULL, 0, buf, sizeof(buf)), "");
	CHECK_STR(btfgen_quote("abcdef", 3, buf, sizeof(buf)), "abc...");
	CHECK_STR(btfgen_quote("abc", 3, buf, sizeof(buf)), "abc");
	/* the buffer bounds the output, "..." included */
	CHECK_STR(btfgen_quote("abcdefgh", 0, small, sizeof(small)), "ab...");
	CHECK_STR(btfgen_quote("\x01\x02", 0, small, sizeof(small)), "...");
}

static void test_messages(void)
{
	char buf[32];

	CHECK_STR(btfgen_fmt_size(64u << 20, buf, sizeof(buf)), "64 MiB");
	CHECK_STR(btfgen_fmt_size(12288, buf, sizeof(buf)), "12 KiB");
	CHECK_STR(btfgen_fmt_size(1000, buf, sizeof(buf)), "1000 bytes");
	CHECK_STR(btfgen_fmt_size(0, buf, sizeof(buf)), "0 bytes");
	btfgen_err_set(NULL, 10, "no buffer: %d", 1);
	btfgen_err_set(buf, 0, "no room: %d", 1);
	btfgen_err_set(buf, 8, "cut at %s", "seven");
	CHECK_STR(buf, "cut at ");
}

static void test_file_read(void)
{
	char path[128], err[128];
	size_t len = 0;
	void *buf = NULL;
	FILE *f;

	snprintf(path, sizeof(path), "%s/f", tmpdir);
	f = fopen(path, "w");
	REQUIRE(f);
	fputs("hello", f);
	fclose(f);
	REQUIRE(!btfgen_file_read(path, 5, &buf, &len, err, sizeof(err)));
	CHECK_INT(len, 5);
	CHECK(!memcmp(buf, "hello", 5));
	free(buf);
	CHECK_INT(btfgen_file_read(path, 4, &buf, &len, err, sizeof(err)), -EFBIG);
	CHECK_STR(err, "input exceeds 4 bytes");
	CHECK_INT(btfgen_file_read(tmpdir, 100, &buf, &len, err, sizeof(err)), -EISDIR);
	CHECK_STR(err, "not a regular file");
	/* a FIFO is refused at once, not waited on */
	snprintf(path, sizeof(path), "%s/fifo", tmpdir);
	REQUIRE(!mkfifo(path, 0600));
	CHECK_INT(btfgen_file_read(path, 100, &buf, &len, err, sizeof(err)), -EINVAL);
	CHECK_STR(err, "not a regular file");
	snprintf(path, sizeof(path), "%s/missing", tmpdir);
	CHECK_INT(btfgen_file_read(path, 100, &buf, &len, err, sizeof(err)), -ENOENT);
	CHECK(!strncmp(err, "cannot open: ", 13));
}

static bool is_dir(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISDIR(st.st_mode);
}

static void test_mkdir_p(void)
{
	char path[128], err[256], want[256];

	snprintf(path, sizeof(path), "%s/a/b/c", tmpdir);
	CHECK(!btfgen_mkdir_p(path, 0, err, sizeof(err)));
	CHECK(is_dir(path));
	CHECK(!btfgen_mkdir_p(path, 0, NULL, 0)); /* existing: fine */
	snprintf(path, sizeof(path), "%s/x/y/out.tar", tmpdir);
	CHECK(!btfgen_mkdir_p(path, 1, NULL, 0));
	CHECK(access(path, F_OK) && errno == ENOENT); /* the last component is not made */
	snprintf(path, sizeof(path), "%s/x/y", tmpdir);
	CHECK(is_dir(path));
	/* a regular file in the way: the message names the prefix that failed */
	snprintf(path, sizeof(path), "%s/f/sub/more", tmpdir);
	CHECK_INT(btfgen_mkdir_p(path, 0, err, sizeof(err)), -ENOTDIR);
	snprintf(want, sizeof(want), "cannot create folder '%s/f/sub': Not a directory", tmpdir);
	CHECK_STR(err, want);
	CHECK_INT(btfgen_mkdir_p("", 0, err, sizeof(err)), -ENOENT);
	/* a hostile name is escaped in the message */
	snprintf(path, sizeof(path), "%s/f/\x1b[2J", tmpdir);
	CHECK_INT(btfgen_mkdir_p(path, 0, err, sizeof(err)), -ENOTDIR);
	CHECK(!strchr(err, '\x1b') && strstr(err, "\\x1b[2J"));
}

/* Entries in a folder other than . and .. */
static int dir_entries(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(d);
	return n;
}

/* The scratch file lives in $TMPDIR, has no name there, and reads back what was written. */
static void test_tmpfile(void)
{
	const char *old = getenv("TMPDIR");
	char *saved = old ? strdup(old) : NULL, path[128], buf[8] = "";
	int fd;

	snprintf(path, sizeof(path), "%s/scratch", tmpdir);
	CHECK(!btfgen_mkdir_p(path, 0, NULL, 0));
	setenv("TMPDIR", path, 1);
	fd = btfgen_tmpfile();
	CHECK(fd >= 0);
	CHECK(write(fd, "spilled", 7) == 7 && pread(fd, buf, 7, 0) == 7);
	CHECK_STR(buf, "spilled");
	CHECK(dir_entries(path) == 0); /* anonymous: nothing left behind, even mid-run */
	if (fd >= 0)
		close(fd);
	snprintf(path, sizeof(path), "%s/missing", tmpdir);
	setenv("TMPDIR", path, 1);
	CHECK_INT(btfgen_tmpfile(), -ENOENT);
	if (saved)
		setenv("TMPDIR", saved, 1);
	else
		unsetenv("TMPDIR");
	free(saved);
}

int main(void)
{
	char cmd[64];
	int ret;

	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	RUN_TEST(test_array_grow);
	RUN_TEST(test_fnv1a);
	RUN_TEST(test_strset);
	RUN_TEST(test_quote);
	RUN_TEST(test_messages);
	RUN_TEST(test_file_read);
	RUN_TEST(test_mkdir_p);
	RUN_TEST(test_tmpfile);
	ret = harness_finish();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd))
		fprintf(stderr, "could not remove %s\n", tmpdir);
	return ret;
}
