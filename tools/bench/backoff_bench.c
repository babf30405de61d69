// SPDX-License-Identifier: GPL-2.0
/*
 * Optimization log (a): what idle threads burn.  One lane paced at a
 * fixed rate for one second on two threads (ingress+matcher,
 * bundler+output, as the module runs threads=2), whose idle threads do
 * what the module's do (module/core/idle.h: spin for the window, then
 * yield or sleep as far as the policy allows; rig.c yields and sleeps).
 * For each policy and spin window <w> (µs):
 *
 *   backoff/<rate>/<policy>/w<w>/cpu       CPU time of both threads per
 *                                          second of run (2.0: both
 *                                          CPUs busy throughout)
 *   backoff/<rate>/<policy>/w<w>/e2e/p50   end-to-end latency from the
 *   backoff/<rate>/<policy>/w<w>/e2e/p99   intended send time
 *   backoff/<rate>/<policy>/w<w>/yields    yields and sleeps per second
 *   backoff/<rate>/<policy>/w<w>/sleeps    of run, both threads
 *
 * Each repeat runs every configuration once, in turn, so a change of the
 * machine's speed spreads over all of them; each value is the median of
 * the repeats.
 */
#include <stdio.h>
#include <stdlib.h>
#include <linux/velox.h>

#include "bench.h"
#include "names.h"
#include "rig.h"

#define BACKOFF_RATES	3
#define BACKOFF_CONFIGS	6
#define BACKOFF_VALUES	5
#define BACKOFF_RUNS_MAX 32

static const struct {
	u32 rate;
	const char *name;
} rates[BACKOFF_RATES] = {
	{ 1000000, "1M" },
	{ 100000, "100k" },
	{ 10000, "10k" },
};

/* The module's default is sleep, VELOX_IDLE_SPIN_US_DEFAULT (idle.h). */
static const struct {
	enum velox_backoff_policy policy;
	u32 spin_us;
} configs[BACKOFF_CONFIGS] = {
	{ VELOX_BACKOFF_SPIN, VELOX_IDLE_SPIN_US_DEFAULT },
	{ VELOX_BACKOFF_YIELD, VELOX_IDLE_SPIN_US_DEFAULT },
	{ VELOX_BACKOFF_SLEEP, 1 },
	{ VELOX_BACKOFF_SLEEP, 5 },
	{ VELOX_BACKOFF_SLEEP, 20 },
	{ VELOX_BACKOFF_SLEEP, 100 },
};

enum { V_CPU, V_P50, V_P99, V_YIELDS, V_SLEEPS };

static const struct {
	const char *name;
	const char *unit;
} values[BACKOFF_VALUES] = {
	[V_CPU] = { "cpu", "cores" },
	[V_P50] = { "e2e/p50", "ns" },
	[V_P99] = { "e2e/p99", "ns" },
	[V_YIELDS] = { "yields", "per s" },
	[V_SLEEPS] = { "sleeps", "per s" },
};

/* One second of @rate under configuration @c; its values into @v. */
static int backoff_once(const struct bench_opts *o, u32 rate, unsigned int c,
			double *v)
{
	const struct rig_conf rc = {
		.lanes = 1, .book_cap = 64, .stop_after = rate,
		.lane = rig_params((1000000000ull << 16) / rate, 1),
	};
	struct velox_sink *sinks[2], *sum = rig_alloc(sizeof(*sum));
	struct rig_thread th[2];
	unsigned int i;
	struct rig r;
	double secs;
	int ret = 0;

	if (!sum || rig_init(&r, &rc)) {
		free(sum);
		return -1;
	}
	for (i = 0; i < 2; i++) {
		sinks[i] = rig_alloc(sizeof(*sinks[i]));
		velox_sink_init(sinks[i]);
		rig_thread_init(&th[i], &r, 0,
				i ? VELOX_LANE_BUNDLER | VELOX_LANE_OUTPUT :
				    VELOX_LANE_INGRESS | VELOX_LANE_MATCHER,
				sinks[i], i ? o->cpu_b : o->cpu_a);
		th[i].policy = configs[c].policy;
		th[i].spin_ns = configs[c].spin_us * 1000ull;
	}
	secs = rig_run(&r, th, 2);
	rig_sum(sum, sinks, 2);
	if (!rig_check(&r, sum))
		ret = -1;
	v[V_CPU] = (th[0].cpu_ns + th[1].cpu_ns) / 1e9 / secs;
	v[V_P50] = velox_hist_quantile(&sum->hist[VELOX_STAGE_E2E], 500000);
	v[V_P99] = velox_hist_quantile(&sum->hist[VELOX_STAGE_E2E], 990000);
	v[V_YIELDS] = sum->count.idle_yields / secs;
	v[V_SLEEPS] = sum->count.idle_sleeps / secs;
	for (i = 0; i < 2; i++)
		free(sinks[i]);
	free(sum);
	rig_free(&r);
	return ret;
}

int backoff_bench(const struct bench_opts *o)
{
	static double v[BACKOFF_RATES][BACKOFF_CONFIGS][BACKOFF_VALUES][BACKOFF_RUNS_MAX];
	unsigned int runs = o->repeat < BACKOFF_RUNS_MAX ? o->repeat : BACKOFF_RUNS_MAX;
	unsigned int k, rt, c, x;
	double one[BACKOFF_VALUES];
	char name[96];
	int ret = 0;

	for (k = 0; k < runs; k++) {
		for (rt = 0; rt < BACKOFF_RATES; rt++) {
			for (c = 0; c < BACKOFF_CONFIGS; c++) {
				if (backoff_once(o, rates[rt].rate, c, one))
					ret = 1;
				for (x = 0; x < BACKOFF_VALUES; x++)
					v[rt][c][x][k] = one[x];
			}
		}
	}
	for (rt = 0; rt < BACKOFF_RATES; rt++) {
		for (c = 0; c < BACKOFF_CONFIGS; c++) {
			for (x = 0; x < BACKOFF_VALUES; x++) {
				snprintf(name, sizeof(name), "backoff/%s/%s/w%u/%s",
					 rates[rt].name,
					 velox_backoff_name(configs[c].policy),
					 configs[c].spin_us, values[x].name);
				/* Less is better for all: CPU, latency, calls. */
				bench_result(name, bench_median(v[rt][c][x], runs),
					     values[x].unit, false);
			}
		}
	}
	return ret;
}
