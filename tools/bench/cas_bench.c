// SPDX-License-Identifier: GPL-2.0
/*
 * Optimization log (c): order-book CAS contention and the backoff cap.
 * Two threads apply -n precomputed orders each to one shared book, all
 * on one price level or spread over 64, with the book's backoff cap
 * (velox_book_init()'s @spin_cap; velox.ko gives VELOX_BOOK_SPIN_CAP) at 1, 8, 64
 * and 1024; one thread at cap 64 for reference.  A lost CAS spins 1, 2,
 * 4 ... cpu_relax() up to the cap before it tries again, and a won one
 * starts the next wait from 1 again (backoff.h, orderbook.c).
 * (Cap 0 is not a case: velox_backoff_init() takes it as 1, and the
 * module's config refuses it.)
 *
 *   cas/<spread>/<threads>/cap<n>             Mops/s of all threads
 *   cas/<spread>/<threads>/cap<n>/retries     CAS retries per operation
 *   cas/<spread>/<threads>/cap<n>/max-retries most retries of one op
 *   cas/<spread>/<threads>/cap<n>/max-retries/spin
 *                                             the cpu_relax() time that
 *                                             op spun: its cpu_relax()
 *                                             calls, counted, times
 *                                             cas/pause
 *   cas/<spread>/<threads>/cap<n>/max-spin    the most cpu_relax() time
 *                                             of any one op, the same way
 *   cas/<spread>/<threads>/cap<n>/p50 .. max  latency of one op, timed
 *                                             with rdtscp on 1 op in 64
 *                                             (p50, p99, p99.9, max)
 *   cas/timer-floor/p50                       what timing an empty op reads
 *   cas/pause                                 one cpu_relax(), measured
 *
 * Each repeat runs every configuration once, in turn; each value is the
 * median of the repeats.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <x86intrin.h>
#include <asm/processor.h>
#include <linux/velox.h>

#include "bench.h"
#include "hist.h"
#include "orderbook.h"
#include "sink.h"
#include "txn.h"

/* Counted by the shim's cpu_relax() (tools/lib/include/asm/processor.h). */
__thread unsigned long long velox_cpu_relax_calls;

#define NLEVELS		BENCH_BOOK_LEVELS
#define BASE		BENCH_BOOK_BASE
#define NORDERS		BENCH_ORDERS
#define CAS_SAMPLE	64	/* time 1 op in this many */
#define CAS_RUNS_MAX	32
#define CAS_CONFIGS	10
#define CAS_VALUES	9

static const struct {
	unsigned int spread;
	int threads;
	u32 cap;
} configs[CAS_CONFIGS] = {
	{ 1, 1, 64 }, { 1, 2, 1 }, { 1, 2, 8 }, { 1, 2, 64 }, { 1, 2, 1024 },
	{ 64, 1, 64 }, { 64, 2, 1 }, { 64, 2, 8 }, { 64, 2, 64 }, { 64, 2, 1024 },
};

enum {
	V_MOPS, V_RETRIES, V_MAX, V_MAX_SPIN, V_SPIN_MOST, V_P50, V_P99, V_P999,
	V_SLOWEST
};

static const struct {
	const char *suffix;
	const char *unit;
	bool higher;
} values[CAS_VALUES] = {
	[V_MOPS] = { "", "Mops/s", true },
	[V_RETRIES] = { "/retries", "retries/op", false },
	[V_MAX] = { "/max-retries", "retries", false },
	[V_MAX_SPIN] = { "/max-retries/spin", "ns", false },
	[V_SPIN_MOST] = { "/max-spin", "ns", false },
	[V_P50] = { "/p50", "ns", false },
	[V_P99] = { "/p99", "ns", false },
	[V_P999] = { "/p99.9", "ns", false },
	[V_SLOWEST] = { "/max", "ns", false },
};

struct worker {
	struct velox_book *book;
	struct velox_counters st;
	struct velox_hist *cycles;	/* of the timed ops */
	struct velox_txn *orders;
	uint64_t ops;
	uint64_t max_retries;
	uint64_t max_retries_spin;	/* cpu_relax() calls of that op */
	uint64_t max_spin;		/* most cpu_relax() calls of one op */
	int cpu;
	int *ready;
	volatile int *go;
	pthread_t tid;
} __attribute__((aligned(64)));

/* rdtscp waits for what came before it: the op is inside the pair. */
static inline uint64_t tsc(void)
{
	unsigned int aux;

	return __rdtscp(&aux);
}

static void *work(void *arg)
{
	struct worker *w = arg;
	uint64_t i, before, relaxed, spin, c0;

	bench_pin(w->cpu);
	__atomic_fetch_add(w->ready, 1, __ATOMIC_RELEASE);
	while (!*w->go)
		;
	for (i = 0; i < w->ops; i++) {
		const struct velox_txn *txn = &w->orders[i & (NORDERS - 1)];

		before = w->st.cas_retries;
		relaxed = velox_cpu_relax_calls;
		if (i & (CAS_SAMPLE - 1)) {
			velox_book_apply(w->book, txn, &w->st);
		} else {
			c0 = tsc();
			velox_book_apply(w->book, txn, &w->st);
			velox_hist_record(w->cycles, tsc() - c0);
		}
		spin = velox_cpu_relax_calls - relaxed;
		if (w->st.cas_retries - before > w->max_retries) {
			w->max_retries = w->st.cas_retries - before;
			w->max_retries_spin = spin;
		}
		if (spin > w->max_spin)
			w->max_spin = spin;
	}
	return NULL;
}

/* TSC ticks per ns, against CLOCK_MONOTONIC over 50 ms. */
static double tsc_per_ns(void)
{
	uint64_t t0 = bench_now_ns(), c0 = tsc(), t1;

	while ((t1 = bench_now_ns()) - t0 < 50000000)
		;
	return (double)(tsc() - c0) / (t1 - t0);
}

/* ns of one cpu_relax(): the unit of every backoff spin. */
static double pause_ns(void)
{
	const int n = 1000000;
	uint64_t t0 = bench_now_ns();
	int i;

	for (i = 0; i < n; i++)
		cpu_relax();
	return (double)(bench_now_ns() - t0) / n;
}

/* One run of configuration @c: its values into @v. */
static void cas_once(const struct bench_opts *o, unsigned int c,
		     double ghz, double relax, double *v)
{
	static u64 levels[NLEVELS];
	struct velox_book *book = aligned_alloc(64, sizeof(*book));
	struct velox_hist *h = malloc(sizeof(*h));
	struct velox_counters sum = { 0 };
	int n = configs[c].threads, i;
	struct worker w[2];
	volatile int go = 0;
	int ready = 0;
	uint64_t t0, maxr = 0, maxr_spin = 0, max_spin = 0;
	double secs;

	velox_book_init(book, levels, NLEVELS, BASE, configs[c].cap);
	velox_hist_init(h);
	for (i = 0; i < n; i++) {
		w[i] = (struct worker){
			.book = book, .ops = o->count,
			.ready = &ready, .go = &go,
			.orders = bench_make_orders(1 + i, configs[c].spread),
			.cycles = malloc(sizeof(*w[i].cycles)),
			.cpu = i ? o->cpu_b : o->cpu_a,
		};
		velox_hist_init(w[i].cycles);
		pthread_create(&w[i].tid, NULL, work, &w[i]);
	}
	/* All pinned and waiting, or the first would run alone for a while. */
	while (__atomic_load_n(&ready, __ATOMIC_ACQUIRE) < n)
		;
	t0 = bench_now_ns();
	go = 1;
	for (i = 0; i < n; i++)
		pthread_join(w[i].tid, NULL);
	secs = (bench_now_ns() - t0) / 1e9;
	for (i = 0; i < n; i++) {
		velox_counters_add(&sum, &w[i].st);
		velox_hist_merge(h, w[i].cycles);
		if (w[i].max_retries > maxr) {
			maxr = w[i].max_retries;
			maxr_spin = w[i].max_retries_spin;
		}
		if (w[i].max_spin > max_spin)
			max_spin = w[i].max_spin;
		free(w[i].orders);
		free(w[i].cycles);
	}
	if (!velox_book_conserved(book, &sum)) {
		fprintf(stderr, "velox-bench: cas: order book lost quantity\n");
		exit(1);
	}
	v[V_MOPS] = n * o->count / secs / 1e6;
	v[V_RETRIES] = (double)sum.cas_retries / sum.orders;
	v[V_MAX] = maxr;
	v[V_MAX_SPIN] = maxr_spin * relax;
	v[V_SPIN_MOST] = max_spin * relax;
	v[V_P50] = velox_hist_quantile(h, 500000) / ghz;
	v[V_P99] = velox_hist_quantile(h, 990000) / ghz;
	v[V_P999] = velox_hist_quantile(h, 999000) / ghz;
	v[V_SLOWEST] = velox_hist_quantile(h, VELOX_PPM) / ghz;
	free(h);
	free(book);
}

/* The p50 of an empty timed region: the part of p50/p99 that is the timer. */
static double timer_floor(double ghz)
{
	struct velox_hist *h = malloc(sizeof(*h));
	uint64_t c0;
	double p50;
	int i;

	velox_hist_init(h);
	for (i = 0; i < 100000; i++) {
		c0 = tsc();
		velox_hist_record(h, tsc() - c0);
	}
	p50 = velox_hist_quantile(h, 500000) / ghz;
	free(h);
	return p50;
}

int cas_bench(const struct bench_opts *o)
{
	static double v[CAS_CONFIGS][CAS_VALUES][CAS_RUNS_MAX];
	unsigned int runs = o->repeat < CAS_RUNS_MAX ? o->repeat : CAS_RUNS_MAX;
	double ghz = tsc_per_ns(), relax = pause_ns(), one[CAS_VALUES];
	unsigned int k, c, x;
	char name[96];

	for (k = 0; k < runs; k++) {
		for (c = 0; c < CAS_CONFIGS; c++) {
			cas_once(o, c, ghz, relax, one);
			for (x = 0; x < CAS_VALUES; x++)
				v[c][x][k] = one[x];
		}
	}
	for (c = 0; c < CAS_CONFIGS; c++) {
		for (x = 0; x < CAS_VALUES; x++) {
			snprintf(name, sizeof(name), "cas/%s/%dthr/cap%u%s",
				 configs[c].spread == 1 ? "one-level" : "spread64",
				 configs[c].threads, configs[c].cap,
				 values[x].suffix);
			bench_result(name, bench_median(v[c][x], runs),
				     values[x].unit, values[x].higher);
		}
	}
	bench_result("cas/timer-floor/p50", timer_floor(ghz), "ns", false);
	bench_result("cas/pause", relax, "ns", false);
	return 0;
}
