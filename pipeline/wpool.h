/* SPDX-License-Identifier: BSD-2-Clause */
/* pipeline: a fixed pool of threads over items 0..n-1, consumed in order, a bounded window ahead. */
#ifndef BTFGEN_WPOOL_H
#define BTFGEN_WPOOL_H

#include <stddef.h>

/*
 * Runs work(i, ctx) for every i in [0, n) on 'threads' threads. Workers never
 * run more than 'window' items ahead of the consumer, which bounds the memory
 * held by finished-but-unconsumed results, and the consumer takes results in
 * index order whatever order they finish in: output order never depends on
 * the number of threads.
 */
struct wpool;
typedef void *(*wpool_work_fn)(size_t i, void *ctx);

/* Starts the threads. NULL with errno set on failure. */
struct wpool *wpool__new(int threads, size_t n, size_t window, wpool_work_fn work, void *ctx);
/* The result of the next item in index order, waiting for it; NULL after the last. */
void *wpool__next(struct wpool *p);
/* Stops claiming new items, joins the threads and frees the pool. Results not taken with
 * wpool__next() are passed to 'drop' (may be NULL). NULL pool is a no-op. */
void wpool__free(struct wpool *p, void (*drop)(void *result));

#endif
