// SPDX-License-Identifier: GPL-2.0
/*
 * Lanes side by side: 1 .. N lanes, each whole on a thread of its own,
 * all sharing one order book as the module's lanes do, every transaction
 * due at once; N is the machine's online CPUs (at most RIG_LANES_MAX).
 *
 *   lanes/<n>/throughput   transactions per second, all lanes (Mops/s)
 *   lanes/<n>/retries      lost book exchanges per order: the contention
 *                          of the levels the lanes share
 *   lanes/<n>/efficiency   throughput(n) / (n * throughput(1)); 1.0 is
 *                          linear scaling
 *
 * Each value is the best of --repeat runs; every run checks that each
 * lane delivered what it generated, in order, and the book conserved.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <linux/velox.h>

#include "bench.h"
#include "rig.h"

/* One run of @n lanes: Mops/s, and retries per order in @retries. */
static double lanes_once(const struct bench_opts *o, unsigned int n,
			 double *retries)
{
	const struct rig_conf rc = {
		.lanes = n, .book_cap = 64, .stop_after = o->count,
		.lane = rig_params(0, 1),
	};
	struct velox_sink *sinks[RIG_LANES_MAX], *sum = rig_alloc(sizeof(*sum));
	struct rig_thread th[RIG_LANES_MAX];
	uint64_t gen = 0;
	unsigned int i;
	struct rig r;
	double secs;
	bool ok;

	if (!sum || rig_init(&r, &rc)) {
		free(sum);
		return -1;
	}
	for (i = 0; i < n; i++) {
		sinks[i] = rig_alloc(sizeof(*sinks[i]));
		velox_sink_init(sinks[i]);
		/* Lane i on CPU i: n lanes on n CPUs, none shared. */
		rig_thread_init(&th[i], &r, i, VELOX_LANE_ALL, sinks[i], i);
		th[i].policy = VELOX_BACKOFF_SLEEP;
		th[i].spin_ns = VELOX_IDLE_SPIN_US_DEFAULT * 1000ull;
	}
	secs = rig_run(&r, th, n);
	rig_sum(sum, sinks, n);
	ok = rig_check(&r, sum);
	for (i = 0; i < n; i++) {
		gen += r.lanes[i]->ingress.generated;
		free(sinks[i]);
	}
	*retries = sum->count.orders ?
		   (double)sum->count.cas_retries / sum->count.orders : 0;
	free(sum);
	rig_free(&r);
	return ok ? gen / secs / 1e6 : -1;
}

int lanes_bench(const struct bench_opts *o)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned int max = cpus < 1 ? 1 : cpus > RIG_LANES_MAX ? RIG_LANES_MAX :
				      (unsigned int)cpus;
	double one = 0, best, mops, retries, best_retries = 0;
	unsigned int n, k;
	char name[64];
	int ret = 0;

	for (n = 1; n <= max; n++) {
		best = 0;
		for (k = 0; k < o->repeat; k++) {
			mops = lanes_once(o, n, &retries);
			if (mops < 0) {
				ret = 1;
				break;
			}
			if (mops > best) {
				best = mops;
				best_retries = retries;
			}
		}
		if (n == 1)
			one = best;
		snprintf(name, sizeof(name), "lanes/%u/throughput", n);
		bench_result(name, best, "Mops/s", true);
		snprintf(name, sizeof(name), "lanes/%u/retries", n);
		bench_result(name, best_retries, "retries/order", false);
		snprintf(name, sizeof(name), "lanes/%u/efficiency", n);
		bench_result(name, one > 0 ? best / (n * one) : 0, "ratio", true);
	}
	return ret;
}
