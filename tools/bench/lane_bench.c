// SPDX-License-Identifier: GPL-2.0
/*
 * Whole lanes at native speed: the stage steps of module/core/lane.c on
 * pthreads, the way the module's kthreads run them (one round of steps,
 * back off when idle), with a CLOCK_MONOTONIC clock.
 *
 *   lane/<t>thr/unpaced    every transaction due at once: throughput of
 *                          the pipeline on t threads (1: all four stages
 *                          on one; 2: ingress+matcher, bundler+output)
 *   lane/2thr/paced1M      paced at 1 M/s: end-to-end latency percentiles
 *
 * Each run checks generated == delivered (policy block: nothing dropped)
 * and no transaction out of order; a failure is a wrong result.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/velox.h>

#include "bench.h"
#include "lane.h"

#define NLEVELS		1024
#define BASE		100000
#define RING		1024

/* C11 aligned_alloc wants the size a multiple of the alignment. */
static void *alloc64(size_t size)
{
	return aligned_alloc(64, (size + 63) & ~(size_t)63);
}

struct lane_run {
	struct velox_book book;
	struct velox_lane *lane;
	uint64_t stop_after;		/* transactions to generate */
	volatile int go;
};

struct lane_thread {
	struct lane_run *run;
	struct velox_sink *sink;
	unsigned int stages;
	int cpu;
	pthread_t tid;
};

static u64 clock_ns(void)
{
	return bench_now_ns();
}

static void *lane_thread_fn(void *arg)
{
	struct lane_thread *t = arg;
	struct velox_lane *l = t->run->lane;
	bool ingress = t->stages & VELOX_LANE_INGRESS;

	bench_pin(t->cpu);
	while (!t->run->go)
		;
	while (!velox_lane_done(l, t->stages)) {
		if (!velox_lane_run(l, t->stages, t->sink))
			__builtin_ia32_pause();
		if (ingress && t->sink->tally.generated >= t->run->stop_after)
			velox_lane_stop(l);
	}
	return NULL;
}

/*
 * One run: @threads threads, @period_fp between transactions (0: all due
 * at once), until @n were generated.  Returns the seconds it took, and
 * the merged sinks in @sum; -1 on a wrong result.
 */
static double lane_once(const struct bench_opts *o, unsigned int threads,
			u64 period_fp, uint64_t n, struct velox_sink *sum)
{
	size_t rb = RING * sizeof(struct velox_txn);
	struct lane_thread th[2] = { 0 };
	struct lane_run run = { .stop_after = n };
	struct velox_lane_params p = {
		.full = VELOX_FULL_BLOCK,
		.bundle = VELOX_BUNDLE_MAX,
		.flush_ns = 100000,
		.period_fp = period_fp,
		.sample = 1,
		.seed = 1,
	};
	u64 *levels = calloc(NLEVELS, sizeof(*levels));
	u8 *slots = alloc64(2 * rb + velox_lane_bq_capacity(RING) *
				  sizeof(struct velox_bundle));
	uint64_t t0, t1;
	unsigned int i, s;
	bool ok;

	run.lane = alloc64(sizeof(*run.lane));
	velox_book_init(&run.book, levels, NLEVELS, BASE, 64);
	p.start_ns = bench_now_ns();
	velox_lane_init(run.lane, &p, &run.book, clock_ns, slots, slots + rb,
			RING, slots + 2 * rb);
	for (i = 0; i < threads; i++) {
		th[i].run = &run;
		th[i].sink = alloc64(sizeof(*th[i].sink));
		velox_sink_init(th[i].sink);
		th[i].stages = threads == 1 ? VELOX_LANE_ALL :
			       i ? VELOX_LANE_BUNDLER | VELOX_LANE_OUTPUT :
				   VELOX_LANE_INGRESS | VELOX_LANE_MATCHER;
		th[i].cpu = i ? o->cpu_b : o->cpu_a;
		pthread_create(&th[i].tid, NULL, lane_thread_fn, &th[i]);
	}
	/* Restart the pacing clock now that the threads exist. */
	run.lane->in.next_ns = bench_now_ns();
	t0 = bench_now_ns();
	run.go = 1;
	for (i = 0; i < threads; i++)
		pthread_join(th[i].tid, NULL);
	t1 = bench_now_ns();

	velox_sink_init(sum);
	for (i = 0; i < threads; i++) {
		velox_tally_add(&sum->tally, &th[i].sink->tally);
		for (s = 0; s < VELOX_STAGES; s++)
			velox_hist_merge(&sum->hist[s], &th[i].sink->hist[s]);
		free(th[i].sink);
	}
	ok = sum->tally.generated >= n && !sum->tally.dropped &&
	     sum->tally.generated == sum->tally.delivered &&
	     !sum->tally.seq_errors &&
	     velox_book_conserved(&run.book, &sum->tally.book);
	free(run.lane);
	free(slots);
	free(levels);
	if (!ok) {
		fprintf(stderr, "velox-bench: lane: generated %llu, delivered %llu, dropped %llu, order errors %llu\n",
			sum->tally.generated, sum->tally.delivered,
			sum->tally.dropped, sum->tally.seq_errors);
		return -1;
	}
	return (t1 - t0) / 1e9;
}

int lane_bench(const struct bench_opts *o)
{
	struct velox_sink *sum = alloc64(sizeof(*sum));
	unsigned int threads, r;
	int ret = 0;

	for (threads = 1; threads <= 2; threads++) {
		double best = 0, secs;
		char name[64];

		for (r = 0; r < o->repeat; r++) {
			secs = lane_once(o, threads, 0, o->count, sum);
			if (secs < 0) {
				ret = 1;
				break;
			}
			if (o->count / secs > best)
				best = o->count / secs;
		}
		snprintf(name, sizeof(name), "lane/%uthr/unpaced", threads);
		bench_result(name, best / 1e6, "Mops/s", true);
	}

	/* 1 M/s for one second: 1000 ns between transactions. */
	if (lane_once(o, 2, 1000ull << 16, 1000000, sum) < 0) {
		ret = 1;
	} else {
		const struct velox_hist *h = &sum->hist[VELOX_STAGE_E2E];

		bench_result("lane/2thr/paced1M/e2e/p50",
			     velox_hist_quantile(h, 500000), "ns", false);
		bench_result("lane/2thr/paced1M/e2e/p99",
			     velox_hist_quantile(h, 990000), "ns", false);
		bench_result("lane/2thr/paced1M/e2e/p99.9",
			     velox_hist_quantile(h, 999000), "ns", false);
	}
	free(sum);
	return ret;
}
