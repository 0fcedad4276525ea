/* SPDX-License-Identifier: BSD-2-Clause */
/* cmd: drawing the batch run's progress on stderr (private to cmd/). */
#ifndef BTFGEN_CMD_PROGRESS_H
#define BTFGEN_CMD_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/*
 * On a terminal, a bar redrawn in place at every kernel. Elsewhere (a CI log), one plain
 * line at most every 'interval' seconds, so that a long run is never silent for minutes and
 * a short one prints nothing. The caller owns the struct; it holds no resources.
 */
struct progress {
	FILE *f;
	bool tty; /* f is a terminal: the bar; else plain lines */
	double interval; /* plain lines: seconds between two (<= 0: 10) */
	double t0, last; /* start, and when the last plain line was printed */
};

void progress_init(struct progress *p, FILE *f, bool tty, double interval);
/* batch_options.progress: ctx is a struct progress; done == total clears the bar. */
void progress_draw(void *ctx, size_t done, size_t total, size_t failed);
/* batch_options.kernel_failed: one line on p->f, the bar cleared first. */
void progress_kernel_failed(void *ctx, const char *kernel, const char *reason);

#endif
