/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * pipeline: the input memo: each input's SHA-256 remembered with the file's identity
 * (device, inode, size, mtime, ctime), so a re-run over an unchanged archive hashes nothing.
 */
#ifndef BTFGEN_INPUT_MEMO_H
#define BTFGEN_INPUT_MEMO_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

/*
 * <dir>/inputs.sha256, one line per input: "SHA256 DEV INO SIZE MTIME_NS CTIME_NS PATH".
 * A line counts only while all five numbers still match the file: any write changes the
 * ctime, which no user can set back, so a changed file is hashed again (make and git rely
 * on the same; like git, a file changed within 2 s of the run's start is not remembered).
 * Written whole (temp + rename) at the end of a run: runs sharing the dir see one memo or
 * the other, and the last one wins. A missing or unreadable memo is an empty one.
 */
struct input_memo;

/* Never NULL for lack of a memo file; NULL only on ENOMEM. */
struct input_memo *input_memo__load(const char *dir);
/* The remembered SHA-256 (hex) of path if st still matches; read-only: thread-safe. */
bool input_memo__get(const struct input_memo *m, const char *path, const struct stat *st,
		     char sha_hex[65]);
/* Record an input for the memo written by input_memo__save (main thread only). */
int input_memo__add(struct input_memo *m, const char *path, const struct stat *st,
		    const char *sha_hex, double run_start);
/*
 * Forget what was loaded (every input is read by then): ~200 bytes per input of the
 * previous run, not needed by commit, the run's peak. _get finds nothing afterwards.
 */
void input_memo__forget_loaded(struct input_memo *m);
/* Write what was added; best effort, 0 or -errno. */
int input_memo__save(struct input_memo *m, const char *dir);
void input_memo__free(struct input_memo *m);

#endif
