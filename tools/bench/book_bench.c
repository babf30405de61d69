// SPDX-License-Identifier: GPL-2.0
/*
 * Order book: operations per second on one thread and on two threads
 * sharing one book, and a CAS-pressure case where both threads trade on a
 * single level (retries per operation).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <linux/velox.h>

#include "bench.h"
#include "orderbook.h"
#include "sink.h"
#include "txn.h"

#define NLEVELS BENCH_BOOK_LEVELS
#define BASE BENCH_BOOK_BASE
#define NORDERS BENCH_ORDERS

struct worker {
	struct velox_book *book;
	struct velox_counters st;
	struct velox_txn *orders;
	uint64_t ops;
	int cpu;
	volatile int *go;
} __attribute__((aligned(64)));

/*
 * BENCH_ORDERS orders around the middle of the band (BENCH_BOOK_LEVELS
 * levels from BENCH_BOOK_BASE): mostly limits, 1/16 markets, 1/16
 * cancels.  Precomputed so the timed loops only apply them.
 */
struct velox_txn *bench_make_orders(uint64_t seed, unsigned int spread)
{
	struct velox_txn *o = calloc(BENCH_ORDERS, sizeof(*o));
	unsigned int i;

	for (i = 0; o && i < BENCH_ORDERS; i++) {
		seed ^= seed << 13;
		seed ^= seed >> 7;
		seed ^= seed << 17;
		o[i].kind = seed % 16 == 0 ? VELOX_KIND_MARKET :
			    seed % 16 == 1 ? VELOX_KIND_CANCEL : VELOX_KIND_LIMIT;
		o[i].side = (seed >> 8) & 1;
		o[i].price = BENCH_BOOK_BASE + BENCH_BOOK_LEVELS / 2 -
			     spread / 2 + (seed >> 16) % spread;
		o[i].qty = 1 + (seed >> 32) % 100;
		o[i].id = i;
	}
	return o;
}

static void *work(void *arg)
{
	struct worker *w = arg;
	uint64_t i;

	bench_pin(w->cpu);
	while (!*w->go)
		;
	for (i = 0; i < w->ops; i++)
		velox_book_apply(w->book, &w->orders[i & (NORDERS - 1)], &w->st);
	return NULL;
}

/* Aggregate Mops/s of @nthreads threads; retries per op in *retries. */
static double run(int nthreads, unsigned int spread, uint64_t ops,
		  const struct bench_opts *o, double *retries)
{
	static u64 levels[NLEVELS];
	struct velox_book *book = aligned_alloc(64, sizeof(*book));
	struct worker w[2];
	struct velox_counters sum = { 0 };
	volatile int go = 0;
	pthread_t t[2];
	uint64_t t0;
	double secs;
	int i;

	velox_book_init(book, levels, NLEVELS, BASE, 64);
	for (i = 0; i < nthreads; i++) {
		w[i] = (struct worker){ .book = book, .ops = ops, .go = &go,
					.orders = bench_make_orders(1 + i, spread),
					.cpu = i ? o->cpu_b : o->cpu_a };
		pthread_create(&t[i], NULL, work, &w[i]);
	}
	t0 = bench_now_ns();
	go = 1;
	for (i = 0; i < nthreads; i++) {
		pthread_join(t[i], NULL);
		velox_counters_add(&sum, &w[i].st);
		free(w[i].orders);
	}
	secs = (bench_now_ns() - t0) / 1e9;
	if (!velox_book_conserved(book, &sum)) {
		fprintf(stderr, "bench: order book lost quantity\n");
		exit(1);
	}
	*retries = (double)sum.cas_retries / sum.orders;
	free(book);
	return nthreads * ops / secs / 1e6;
}

void book_bench(const struct bench_opts *o)
{
	static const struct {
		const char *name;
		int threads;
		unsigned int spread;
	} cases[] = {
		{ "book/1thread", 1, 64 },
		{ "book/2threads", 2, 64 },
		{ "book/2threads/one-level", 2, 1 },
	};
	double best, mops, retries, best_retries = 0;
	char name[96];
	unsigned int c, k;

	for (c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		best = 0;
		for (k = 0; k < o->repeat; k++) {
			mops = run(cases[c].threads, cases[c].spread, o->count, o, &retries);
			if (mops > best) {
				best = mops;
				best_retries = retries;
			}
		}
		bench_result(cases[c].name, best, "Mops/s", true);
		snprintf(name, sizeof(name), "%s/retries", cases[c].name);
		bench_result(name, best_retries, "retries/op", false);
	}
}
