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
#include <stdio.h>
#include <stdlib.h>
#include <linux/velox.h>

#include "bench.h"
#include "rig.h"

/*
 * One run: @threads threads, @period_fp between transactions (0: all due
 * at once), until @n were generated.  Returns the seconds it took, and
 * the merged sinks in @sum; -1 on a wrong result.  Idle threads pause
 * once and try again (spin, cap 1).
 */
static double lane_once(const struct bench_opts *o, unsigned int threads,
			u64 period_fp, uint64_t n, struct velox_sink *sum)
{
	const struct rig_conf rc = {
		.lanes = 1, .book_cap = 64, .stop_after = n,
		.lane = rig_params(period_fp, 1),
	};
	struct velox_sink *sinks[2] = { 0 };
	struct rig_thread th[2];
	unsigned int i;
	struct rig r;
	double secs;
	bool ok;

	if (rig_init(&r, &rc))
		return -1;
	if (rig_split_lane(&r, th, sinks, threads, o->cpu_a, o->cpu_b)) {
		rig_free(&r);
		return -1;
	}
	secs = rig_run(&r, th, threads);
	rig_sum(sum, sinks, threads);
	ok = rig_check(&r, sum);
	for (i = 0; i < threads; i++)
		free(sinks[i]);
	rig_free(&r);
	return ok ? secs : -1;
}

int lane_bench(const struct bench_opts *o)
{
	struct velox_sink *sum = rig_alloc(sizeof(*sum));
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
