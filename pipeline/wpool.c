// SPDX-License-Identifier: BSD-2-Clause
/* pipeline: worker pool with in-order consumption and a bounded window (see wpool.h). */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

#include "wpool.h"

struct wpool {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	size_t n, window;
	size_t next_claim; /* next item a worker takes */
	size_t consumed; /* items handed to the consumer */
	bool stop;
	void **results;
	bool *done;
	wpool_work_fn work;
	void *ctx;
	pthread_t *threads;
	int nthreads;
};

static void *worker(void *arg)
{
	struct wpool *p = arg;

	pthread_mutex_lock(&p->lock);
	for (;;) {
		size_t i;
		void *r;

		while (!p->stop && p->next_claim < p->n && p->next_claim >= p->consumed + p->window)
			pthread_cond_wait(&p->cond, &p->lock);
		if (p->stop || p->next_claim >= p->n)
			break;
		i = p->next_claim++;
		pthread_mutex_unlock(&p->lock);
		r = p->work(i, p->ctx);
		pthread_mutex_lock(&p->lock);
		p->results[i] = r;
		p->done[i] = true;
		pthread_cond_broadcast(&p->cond);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

struct wpool *wpool__new(int threads, size_t n, size_t window, wpool_work_fn work, void *ctx)
{
	struct wpool *p = calloc(1, sizeof(*p));
	int err;

	if (!p)
		return NULL;
	p->n = n;
	p->window = window ? window : 1;
	p->work = work;
	p->ctx = ctx;
	p->results = calloc(n ? n : 1, sizeof(*p->results));
	p->done = calloc(n ? n : 1, sizeof(*p->done));
	p->threads = calloc(threads, sizeof(*p->threads));
	if (!p->results || !p->done || !p->threads) {
		free(p->results);
		free(p->done);
		free(p->threads);
		free(p);
		errno = ENOMEM;
		return NULL;
	}
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->cond, NULL);
	for (int t = 0; t < threads; t++) {
		err = pthread_create(&p->threads[t], NULL, worker, p);
		if (err) {
			wpool__free(p, NULL);
			errno = err;
			return NULL;
		}
		p->nthreads++;
	}
	return p;
}

void *wpool__next(struct wpool *p)
{
	void *r;

	pthread_mutex_lock(&p->lock);
	if (p->consumed >= p->n) {
		pthread_mutex_unlock(&p->lock);
		return NULL;
	}
	while (!p->done[p->consumed])
		pthread_cond_wait(&p->cond, &p->lock);
	r = p->results[p->consumed];
	p->results[p->consumed] = NULL;
	p->consumed++;
	pthread_cond_broadcast(&p->cond);
	pthread_mutex_unlock(&p->lock);
	return r;
}

void wpool__free(struct wpool *p, void (*drop)(void *result))
{
	if (!p)
		return;
	pthread_mutex_lock(&p->lock);
	p->stop = true;
	pthread_cond_broadcast(&p->cond);
	pthread_mutex_unlock(&p->lock);
	for (int t = 0; t < p->nthreads; t++)
		pthread_join(p->threads[t], NULL);
	for (size_t i = 0; drop && i < p->n; i++)
		if (p->results[i])
			drop(p->results[i]);
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->cond);
	free(p->results);
	free(p->done);
	free(p->threads);
	free(p);
}
