// SPDX-License-Identifier: GPL-2.0
/*
 * Order book: operations per second on 1, 2, 4 and 8 threads sharing one
 * book (the seed's cases), and a CAS-pressure case where two threads
 * trade on a single level (retries per operation).  Threads alternate
 * between the two CPUs of the run: on a 2-CPU machine 4 and 8 threads
 * are oversubscribed, so those cases measure the book under preemption
 * (a thread descheduled between its read of a level and its exchange),
 * not more parallelism.
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
#define BOOK_THREADS_MAX 8

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
	struct worker w[BOOK_THREADS_MAX];
	struct velox_counters sum = { 0 };
	volatile int go = 0;
	pthread_t t[BOOK_THREADS_MAX];
	uint64_t t0;
	double secs;
	int i;

	velox_book_init(book, levels, NLEVELS, BASE, 64);
	for (i = 0; i < nthreads; i++) {
		w[i] = (struct worker){ .book = book, .ops = ops, .go = &go,
					.orders = bench_make_orders(1 + i, spread),
					.cpu = i % 2 ? o->cpu_b : o->cpu_a };
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

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * One thread, the order mix, each order timed alone: p50 and p99 of the
 * limit and the market orders (a market order on a side the mix has
 * emptied is what a best-level hint saves a walk for).
 */
static void book_latency(const struct bench_opts *o)
{
	static const char *const kinds[] = { "limit", "market" };
	static u64 levels[NLEVELS];
	struct velox_txn *orders = bench_make_orders(1, 64);
	uint64_t *ns[2], n[2] = { 0 }, t0, ops = o->count;
	struct velox_counters st = { 0 };
	struct velox_book book;
	char name[64];
	uint64_t i;
	int k;

	ns[0] = calloc(ops, sizeof(uint64_t));
	ns[1] = calloc(ops, sizeof(uint64_t));
	if (!orders || !ns[0] || !ns[1])
		goto out_free;
	velox_book_init(&book, levels, NLEVELS, BASE, 64);
	for (i = 0; i < ops; i++) {
		const struct velox_txn *t = &orders[i & (NORDERS - 1)];

		t0 = bench_now_ns();
		velox_book_apply(&book, t, &st);
		t0 = bench_now_ns() - t0;
		if (t->kind <= VELOX_KIND_MARKET)
			ns[t->kind][n[t->kind]++] = t0;
	}
	for (k = 0; k < 2; k++) {
		if (!n[k])
			continue;
		qsort(ns[k], n[k], sizeof(uint64_t), cmp_u64);
		snprintf(name, sizeof(name), "book/1thread/%s/p50", kinds[k]);
		bench_result(name, ns[k][n[k] / 2], "ns", false);
		snprintf(name, sizeof(name), "book/1thread/%s/p99", kinds[k]);
		bench_result(name, ns[k][n[k] / 100 * 99], "ns", false);
	}
	/*
	 * A market bid on a side just emptied: an ask rests mid-band, a
	 * market bid takes it, and the next market bid finds no ask.
	 */
	velox_book_init(&book, levels, NLEVELS, BASE, 64);
	for (i = 0; i < ops / 16; i++) {
		struct velox_txn rest = {
			.kind = VELOX_KIND_LIMIT, .side = VELOX_SIDE_ASK,
			.price = BASE + NLEVELS / 2, .qty = 10,
		};
		struct velox_txn take = {
			.kind = VELOX_KIND_MARKET, .side = VELOX_SIDE_BID,
			.qty = 10,
		};

		velox_book_apply(&book, &rest, &st);
		velox_book_apply(&book, &take, &st);
		t0 = bench_now_ns();
		velox_book_apply(&book, &take, &st);
		ns[0][i] = bench_now_ns() - t0;
	}
	qsort(ns[0], ops / 16, sizeof(uint64_t), cmp_u64);
	bench_result("book/1thread/market-on-empty-side/p50", ns[0][ops / 32],
		     "ns", false);
	bench_result("book/1thread/market-on-empty-side/p99",
		     ns[0][ops / 16 / 100 * 99], "ns", false);
out_free:
	free(ns[1]);
	free(ns[0]);
	free(orders);
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
		{ "book/4threads", 4, 64 },
		{ "book/8threads", 8, 64 },
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
	book_latency(o);
}
