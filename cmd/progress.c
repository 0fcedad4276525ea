// SPDX-License-Identifier: BSD-2-Clause
/* cmd: the batch run's progress, a bar on a terminal or plain lines in a CI log. */
#include <stdio.h>
#include <time.h>

#include "btfgen_util.h"
#include "commands.h"
#include "progress.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* "42s", "3m07s", "1h02m": short enough for a bar, exact enough for a CI log. */
static const char *fmt_secs(double s, char *buf, size_t sz)
{
	unsigned long t = s > 0 ? (unsigned long)(s + 0.5) : 0;

	if (t < 60)
		snprintf(buf, sz, "%lus", t);
	else if (t < 3600)
		snprintf(buf, sz, "%lum%02lus", t / 60, t % 60);
	else
		snprintf(buf, sz, "%luh%02lum", t / 3600, t / 60 % 60);
	return buf;
}

void progress_init(struct progress *p, FILE *f, bool tty, double interval)
{
	p->f = f;
	p->tty = tty;
	p->interval = interval > 0 ? interval : 10;
	p->t0 = p->last = now();
}

/* ETA: the mean time per kernel so far, times what remains. */
void progress_draw(void *ctx, size_t done, size_t total, size_t failed)
{
	struct progress *p = ctx;
	double t = now(), el = t - p->t0;
	char e[32], eta[32];
	int width = 30, fill = total ? (int)(done * width / total) : width;

	if (done == total) {
		if (p->tty) {
			fprintf(p->f, "\r\033[K");
			fflush(p->f);
		}
		return;
	}
	if (!p->tty && t - p->last < p->interval)
		return;
	fmt_secs(el, e, sizeof(e));
	if (done)
		fmt_secs(el / done * (total - done), eta, sizeof(eta));
	else
		snprintf(eta, sizeof(eta), "?");
	if (p->tty) {
		fprintf(p->f, "\r[%.*s%*s] %zu/%zu kernels, %zu failed, %s, eta %s\033[K", fill,
			"##############################", width - fill, "", done, total, failed, e,
			eta);
	} else {
		fprintf(p->f,
			"btfgen-batch: progress: %zu/%zu kernels, %zu failed, elapsed %s, eta %s\n",
			done, total, failed, e, eta);
		p->last = t;
	}
	fflush(p->f);
}

void progress_kernel_failed(void *ctx, const char *kernel, const char *reason)
{
	struct progress *p = ctx;

	if (p->tty)
		fprintf(p->f, "\r\033[K");
	/* the name is the archive's file path, untrusted; the reason quotes what it cites */
	fprintf(p->f, "btfgen-batch: kernel '%s': %s\n", Q(kernel), reason);
}
