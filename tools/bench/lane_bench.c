// SPDX-License-Identifier: GPL-2.0
/*
 * Whole lanes at native speed: the stage steps of module/core/lane.c on
 * pthreads, the way the module's kthreads run them (one round of steps;
 * idle threads spin, then sleep, under the module's default policy and
 * spin window), with a CLOCK_MONOTONIC clock.
 *
 *   lane/<t>thr/unpaced          every transaction due at once: throughput
 *                                of the pipeline on t threads (1: all four
 *                                stages on one; 2: ingress+matcher,
 *                                bundler+output)
 *   lane/<t>thr/paced1M/e2e/<q>  paced at 1 M/s on 1, 2 and 4 threads:
 *   lane/<t>thr/paced1M/hop/match/<q>   end-to-end latency and each hop:
 *   lane/<t>thr/paced1M/hop/bundle/<q>  intended time -> matched,
 *   lane/<t>thr/paced1M/hop/egress/<q>  matched -> bundle flushed (its
 *                                fill time included), flushed -> output;
 *                                q = p50, p99, p99.9 (ns)
 *   lane/2thr/paced1M/over-flush+20us   of the 2-thread run: samples
 *                                whose e2e passed the flush timeout + 20 µs
 *   lane/2thr/paced1M/preempted  and the involuntary context switches of
 *                                its threads (another task took the CPU;
 *                                the hypervisor taking the vCPU is not
 *                                seen from inside)
 *   lane/2thr/paced1M/slow       a run like paced1M on two threads, with
 *   lane/2thr/paced1M/slow/spoiled  tail capture at the flush timeout +
 *   lane/2thr/paced1M/slow/clean    20 µs and each thread logging the
 *   lane/2thr/paced1M/lost-stretches  stretches it lost (rig_gaps, over
 *                                20 µs): slow samples, those a lost
 *                                stretch overlapped, those none did
 *   lane/2thr/paced1M/bundle1/hop/bundle/<q>   the same on two threads
 *                                with bundles of 1: a transaction is
 *                                flushed as the bundler takes it, so this
 *                                hop is the hand-off from the matcher's
 *                                CPU to the bundler's alone
 *   lane/cpu/<rate>              CPU time of the lane's threads per second
 *                                of a run at 10k, 100k, 1M/s (cores), on as
 *                                many threads as velox.ko would give one
 *                                lane on the run's two CPUs
 *                                (velox_layout_threads(): 1, 1, 2): what a
 *                                run costs at its rate by default
 *   lane/paced10k/e2e/p99        and its latency at 10k/s
 *   lane/1thr/round/<q>          one round of steps on one thread (what
 *                                velox.ko runs with preemption off,
 *                                engine.c), unpaced (every stage has a
 *                                whole burst each round: the longest
 *                                rounds) and paced at 1 M/s:
 *   lane/1thr/paced1M/round/<q>  q = p50, p99, p99.9, max (ns); max
 *                                includes whatever took the CPU from the
 *                                thread, which preemption off would not
 *                                allow in the module but interrupts would
 *
 * Each run checks generated == delivered (policy block: nothing dropped)
 * and no transaction out of order; a failure is a wrong result.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/kernel.h>
#include <linux/velox.h>

#include "bench.h"
#include "layout.h"
#include "rig.h"
#include "tail.h"

#define LANE_THREADS_MAX	4

/* What one run measured, besides the merged sinks. */
struct lane_run {
	double secs;		/* wall time of the run */
	double cores;		/* CPU time of its threads per second */
	uint64_t preempted;	/* involuntary context switches, all threads */
};

/* A round of steps, timed into the histogram in t->priv. */
static u32 timed_round(struct rig_thread *t)
{
	uint64_t t0 = bench_now_ns();
	u32 work = velox_lane_run(t->lane, t->stages, t->sink);

	velox_hist_record(t->priv, bench_now_ns() - t0);
	return work;
}

/*
 * One run: @threads threads, @period_fp between transactions (0: all due
 * at once), until @n were generated, bundles of @bundle, idle threads as
 * the module's under its defaults.  The merged sinks in @sum; with
 * @rounds (one thread only), every round's time too.  Returns -1 on a
 * wrong result.
 */
static int lane_run_rounds(const struct bench_opts *o, unsigned int threads,
			   u64 period_fp, uint64_t n, u32 bundle,
			   struct velox_sink *sum, struct lane_run *res,
			   struct velox_hist *rounds)
{
	struct rig_conf rc = {
		.lanes = 1, .book_cap = 64, .stop_after = n,
		.lane = rig_params(period_fp, 1),
	};
	struct velox_sink *sinks[LANE_THREADS_MAX] = { 0 };
	struct rig_thread th[LANE_THREADS_MAX];
	uint64_t cpu_ns = 0;
	unsigned int i;
	struct rig r;
	bool ok;

	rc.lane.bundle = bundle;
	if (rig_init(&r, &rc))
		return -1;
	if (rig_split_lane(&r, th, sinks, threads, o->cpu_a, o->cpu_b)) {
		rig_free(&r);
		return -1;
	}
	for (i = 0; i < threads; i++) {
		th[i].policy = VELOX_BACKOFF_SLEEP;
		th[i].spin_ns = VELOX_IDLE_SPIN_US_DEFAULT * 1000ull;
	}
	if (rounds && threads == 1) {
		th[0].step = timed_round;
		th[0].priv = rounds;
	}
	res->secs = rig_run(&r, th, threads);
	res->preempted = 0;
	for (i = 0; i < threads; i++) {
		cpu_ns += th[i].cpu_ns;
		res->preempted += th[i].preempted;
	}
	res->cores = cpu_ns / 1e9 / res->secs;
	rig_sum(sum, sinks, threads);
	ok = rig_check(&r, sum);
	for (i = 0; i < threads; i++)
		free(sinks[i]);
	rig_free(&r);
	return ok ? 0 : -1;
}

static int lane_once(const struct bench_opts *o, unsigned int threads,
		     u64 period_fp, uint64_t n, u32 bundle,
		     struct velox_sink *sum, struct lane_run *res)
{
	return lane_run_rounds(o, threads, period_fp, n, bundle, sum, res,
			       NULL);
}

static const struct {
	u32 q;
	const char *name;
} quantiles[] = {
	{ 500000, "p50" }, { 990000, "p99" }, { 999000, "p99.9" },
};

static const struct {
	int stage;
	const char *name;
} hops[] = {
	{ VELOX_STAGE_E2E, "e2e" },
	{ VELOX_STAGE_MATCH, "hop/match" },
	{ VELOX_STAGE_BUNDLE, "hop/bundle" },
	{ VELOX_STAGE_EGRESS, "hop/egress" },
};

/*
 * 1 M/s for one second on @threads, bundles of @bundle: e2e and each
 * hop's quantiles, or with @hop only that one's.
 */
static int lane_paced1M(const struct bench_opts *o, unsigned int threads,
			u32 bundle, const char *hop, struct velox_sink *sum)
{
	struct lane_run res;
	unsigned int h, q;
	char name[96];

	if (lane_once(o, threads, 1000ull << 16, 1000000, bundle, sum, &res))
		return 1;
	if (threads == 2 && !hop) {
		const struct velox_hist *e2e = &sum->hist[VELOX_STAGE_E2E];
		/* rig_params(): a 100 µs flush timeout. */
		u64 over = 0, limit = 100000 + 20000;

		for (h = 0; h < VELOX_HIST_BUCKETS; h++)
			if (velox_hist_bucket_lo(h) >= limit)
				over += e2e->buckets[h];
		bench_result("lane/2thr/paced1M/over-flush+20us", over,
			     "samples", false);
		bench_result("lane/2thr/paced1M/preempted", res.preempted,
			     "switches", false);
	}
	for (h = 0; h < ARRAY_SIZE(hops); h++) {
		if (hop && strcmp(hop, hops[h].name))
			continue;
		for (q = 0; q < ARRAY_SIZE(quantiles); q++) {
			snprintf(name, sizeof(name), "lane/%uthr/paced1M/%s%s/%s",
				 threads, bundle == VELOX_BUNDLE_MAX ? "" :
				 "bundle1/", hops[h].name, quantiles[q].name);
			bench_result(name,
				     velox_hist_quantile(&sum->hist[hops[h].stage],
							 quantiles[q].q),
				     "ns", false);
		}
	}
	return 0;
}

#define SPOIL_SPIKES	100000
#define SPOIL_GAPS	65536
#define SPOIL_SLOW_NS	(100000 + 20000)	/* rig_params()' flush + 20 µs */
#define SPOIL_GAP_NS	20000

struct spoil {
	struct velox_spike *spikes;
	unsigned int n;
};

static struct velox_spike *spoil_claim(void *ctx, u64 e2e_ns)
{
	struct spoil *sp = ctx;

	(void)e2e_ns;
	return sp->n < SPOIL_SPIKES ? &sp->spikes[sp->n++] : NULL;
}

static void spoil_keep(void *ctx, struct velox_spike *spike)
{
	(void)ctx;
	(void)spike;
}

/* Did a lost stretch of any thread overlap [@from, @to)? */
static bool spoil_overlaps(struct rig_gaps *g, unsigned int threads,
			   u64 from, u64 to)
{
	unsigned int t, i;

	for (t = 0; t < threads; t++)
		for (i = 0; i < g[t].n; i++)
			if (g[t].at[i][0] < to && g[t].at[i][1] > from)
				return true;
	return false;
}

/*
 * 1 M/s on two threads for one second with tail capture at the flush
 * timeout + 20 µs and each thread's lost stretches logged: how many slow
 * samples a lost stretch explains.  Apart from the other cases: the
 * stamps and a clock read a round change what is measured a little.
 */
static int lane_spoiled(const struct bench_opts *o)
{
	struct rig_conf rc = {
		.lanes = 1, .book_cap = 64, .stop_after = 1000000,
		.lane = rig_params(1000ull << 16, 1),
	};
	u32 slots = velox_timeline_slots(RIG_RING);
	struct velox_sink *sinks[2] = { 0 }, *sum = rig_alloc(sizeof(*sum));
	struct velox_tail tail = {
		.threshold_ns = SPOIL_SLOW_NS,
		.claim = spoil_claim, .keep = spoil_keep,
	};
	struct rig_gaps gaps[2] = { 0 };
	struct spoil sp = { 0 };
	u64 spoiled = 0, lost = 0;
	struct rig_thread th[2];
	unsigned int i, n = 0;
	struct rig r;
	int ret = 1;

	sp.spikes = calloc(SPOIL_SPIKES, sizeof(*sp.spikes));
	tail.timeline.stamps = calloc(slots, sizeof(struct velox_stamp));
	tail.timeline.mask = slots - 1;
	tail.ctx = &sp;
	for (i = 0; i < 2; i++) {
		gaps[i].min_ns = SPOIL_GAP_NS;
		gaps[i].max = SPOIL_GAPS;
		gaps[i].at = calloc(SPOIL_GAPS, sizeof(*gaps[i].at));
		if (!gaps[i].at)
			goto out_free;
	}
	if (!sum || !sp.spikes || !tail.timeline.stamps)
		goto out_free;
	rc.lane.tail = &tail;
	if (rig_init(&r, &rc))
		goto out_free;
	if (rig_split_lane(&r, th, sinks, 2, o->cpu_a, o->cpu_b))
		goto out_rig;
	for (i = 0; i < 2; i++) {
		th[i].policy = VELOX_BACKOFF_SLEEP;
		th[i].spin_ns = VELOX_IDLE_SPIN_US_DEFAULT * 1000ull;
		th[i].gaps = &gaps[i];
	}
	rig_run(&r, th, 2);
	rig_sum(sum, sinks, 2);
	if (rig_check(&r, sum)) {
		for (i = 0; i < sp.n; i++) {
			const struct velox_spike *s = &sp.spikes[i];

			spoiled += spoil_overlaps(gaps, 2, s->ts_ns,
						  s->ts_ns + s->e2e_ns);
		}
		lost = sum->count.tail_lost;
		bench_result("lane/2thr/paced1M/slow", sp.n + lost, "samples",
			     false);
		bench_result("lane/2thr/paced1M/slow/spoiled", spoiled,
			     "samples", false);
		bench_result("lane/2thr/paced1M/slow/clean", sp.n - spoiled,
			     "samples", false);
		for (i = 0; i < 2; i++)
			n += gaps[i].n;
		bench_result("lane/2thr/paced1M/lost-stretches", n, "stretches",
			     false);
		ret = 0;
	}
	for (i = 0; i < 2; i++)
		free(sinks[i]);
out_rig:
	rig_free(&r);
out_free:
	for (i = 0; i < 2; i++)
		free(gaps[i].at);
	free(tail.timeline.stamps);
	free(sp.spikes);
	free(sum);
	return ret;
}

/* One second at each rate, laid out as by default: CPU per second. */
static int lane_cpu(const struct bench_opts *o, struct velox_sink *sum)
{
	static const struct {
		u32 rate;
		const char *name;
	} rates[] = { { 10000, "10k" }, { 100000, "100k" }, { 1000000, "1M" } };
	struct lane_run res;
	unsigned int i;
	char name[64];
	int ret = 0;

	for (i = 0; i < ARRAY_SIZE(rates); i++) {
		unsigned int threads = velox_layout_threads(2, 1, rates[i].rate);

		if (lane_once(o, threads, (1000000000ull << 16) / rates[i].rate,
			      rates[i].rate, VELOX_BUNDLE_MAX, sum, &res)) {
			ret = 1;
			continue;
		}
		snprintf(name, sizeof(name), "lane/cpu/%s", rates[i].name);
		bench_result(name, res.cores, "cores", false);
		if (rates[i].rate == 10000)
			bench_result("lane/paced10k/e2e/p99",
				     velox_hist_quantile(&sum->hist[VELOX_STAGE_E2E],
							 990000),
				     "ns", false);
	}
	return ret;
}

/* How long the module's preempt-off section lasts: see the top. */
static int lane_rounds(const struct bench_opts *o, struct velox_sink *sum)
{
	static const struct {
		u64 period_fp;
		const char *name;
	} runs[] = {
		{ 0, "lane/1thr/round" },
		{ 1000ull << 16, "lane/1thr/paced1M/round" },
	};
	struct velox_hist *h = rig_alloc(sizeof(*h));
	struct lane_run res;
	unsigned int i, q;
	char name[64];
	int ret = 0;

	if (!h)
		return 1;
	for (i = 0; i < ARRAY_SIZE(runs); i++) {
		velox_hist_init(h);
		if (lane_run_rounds(o, 1, runs[i].period_fp,
				    runs[i].period_fp ? 1000000 : o->count,
				    VELOX_BUNDLE_MAX, sum, &res, h)) {
			ret = 1;
			continue;
		}
		for (q = 0; q < ARRAY_SIZE(quantiles); q++) {
			snprintf(name, sizeof(name), "%s/%s", runs[i].name,
				 quantiles[q].name);
			bench_result(name, velox_hist_quantile(h, quantiles[q].q),
				     "ns", false);
		}
		snprintf(name, sizeof(name), "%s/max", runs[i].name);
		bench_result(name, h->max, "ns", false);
	}
	free(h);
	return ret;
}

int lane_bench(const struct bench_opts *o)
{
	struct velox_sink *sum = rig_alloc(sizeof(*sum));
	unsigned int threads, r;
	struct lane_run res;
	int ret = 0;

	for (threads = 1; threads <= 2; threads++) {
		double best = 0;
		char name[64];

		for (r = 0; r < o->repeat; r++) {
			if (lane_once(o, threads, 0, o->count, VELOX_BUNDLE_MAX,
				      sum, &res)) {
				ret = 1;
				break;
			}
			if (o->count / res.secs > best)
				best = o->count / res.secs;
		}
		snprintf(name, sizeof(name), "lane/%uthr/unpaced", threads);
		bench_result(name, best / 1e6, "Mops/s", true);
	}
	for (threads = 1; threads <= LANE_THREADS_MAX; threads *= 2)
		ret |= lane_paced1M(o, threads, VELOX_BUNDLE_MAX, NULL, sum);
	ret |= lane_paced1M(o, 2, 1, "hop/bundle", sum);
	ret |= lane_spoiled(o);
	ret |= lane_cpu(o, sum);
	ret |= lane_rounds(o, sum);
	free(sum);
	return ret;
}
