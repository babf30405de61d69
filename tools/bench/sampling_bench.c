// SPDX-License-Identifier: GPL-2.0
/*
 * Optimization log (d): what recording latency costs, and what sampling
 * 1 in N loses.  A lane marks 1 transaction in N at ingress
 * (velox_ordergen_next()); the matcher stamps the marked ones and the output
 * records their four latencies (lane.c).  The clock is read once per step
 * whatever N is.
 *
 *   sampling/<t>thr/s<N>            unpaced lane on t threads, -n
 *                                   transactions: Mops/s
 *   sampling/instr/s<N>             callgrind instructions per transaction
 *                                   of the one-thread lane (two run lengths,
 *                                   their difference, so setup cancels)
 *   sampling/clock-reads/s<N>       clock reads per transaction, same runs
 *   sampling/paced100k/s<N>/<q>/all    one lane at 100 k/s for 5 s on
 *   sampling/paced100k/s<N>/<q>/1inN   two threads: quantile q of every
 *   sampling/paced100k/s<N>/<q>/error  transaction, of the marked ones,
 *                                      and |1inN - all| / all in % within
 *                                      each run (each row is a median of
 *                                      its own: error is not computed
 *                                      from the two rows above it)
 *
 * For the last, the second thread runs the bundler and, in place of the
 * output stage, a tap that computes every transaction's end-to-end latency
 * the way output_record() does (now read once per pop of up to two
 * bundles, minus the intended time) and records it in two histograms:
 * all of them, and those the lane marked.  So both come from the same
 * transactions of the same run.
 *
 * Each repeat runs every N once, in turn; each value is the median of the
 * repeats.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <linux/velox.h>

#include "bench.h"
#include "report.h"
#include "rig.h"

#define SAMPLING_N		4
#define SAMPLING_RUNS_MAX	32
#define SAMPLING_QS		3
/*
 * The module's default rate, at which two threads keep up even while the
 * machine is busy with other work: a lane that falls behind has every
 * latency growing with the backlog, and any sample then looks like all.
 */
#define PACED_RATE		100000
#define PACED_SECONDS		5

static const u32 samples[SAMPLING_N] = { 1, 16, 64, 1024 };

/* The percentiles compared, of the reports' list (core/report.h). */
static const unsigned int qs[SAMPLING_QS] = { VELOX_P50, VELOX_P99, VELOX_P999 };

/* Unpaced, -n transactions on @threads threads: Mops/s, or -1. */
static double unpaced_once(const struct bench_opts *o, unsigned int threads,
			   u32 sample)
{
	const struct rig_conf rc = {
		.lanes = 1, .book_cap = 64, .stop_after = o->count,
		.lane = rig_params(0, sample),
	};
	struct velox_sink *sinks[2], *sum = rig_alloc(sizeof(*sum));
	struct rig_thread th[2];
	unsigned int i;
	struct rig r;
	double secs;
	bool ok;

	if (!sum || rig_init(&r, &rc)) {
		free(sum);
		return -1;
	}
	if (rig_split_lane(&r, th, sinks, threads, o->cpu_a, o->cpu_b)) {
		free(sum);
		rig_free(&r);
		return -1;
	}
	secs = rig_run(&r, th, threads);
	rig_sum(sum, sinks, threads);
	ok = rig_check(&r, sum) &&
	     sum->count.sampled == r.lanes[0]->ingress.generated / sample;
	for (i = 0; i < threads; i++)
		free(sinks[i]);
	free(sum);
	rig_free(&r);
	return ok ? o->count / secs / 1e6 : -1;
}

static uint64_t clock_reads;

/* The clock of the callgrind loop: the same clock, counted. */
static u64 counting_clock(void)
{
	clock_reads++;
	return bench_now_ns();
}

/*
 * What "velox-bench --callgrind-loop lane-s<N> COUNT" runs under
 * callgrind: the one-thread lane, unpaced, COUNT transactions.  Prints
 * its clock reads as "extra: " for bench_callgrind_ir().
 */
int sampling_callgrind_loop(unsigned int sample, uint64_t n)
{
	const struct rig_conf rc = {
		.lanes = 1, .book_cap = 64, .stop_after = n,
		.clock = counting_clock,
		.lane = rig_params(0, sample ? sample : 1),
	};
	struct velox_sink *sink = rig_alloc(sizeof(*sink));
	struct rig_thread th;
	struct rig r;
	bool ok;

	if (!sink || rig_init(&r, &rc))
		return 1;
	velox_sink_init(sink);
	rig_thread_init(&th, &r, 0, VELOX_LANE_ALL, sink, 0);
	rig_run_here(&r, &th);
	ok = rig_check(&r, sink);
	printf("extra: %llu\n", (unsigned long long)clock_reads);
	free(sink);
	rig_free(&r);
	return ok ? 0 : 1;
}

/* Instructions and clock reads per transaction, by difference. */
static int callgrind_per_txn(u32 sample, double *ir, double *reads)
{
	const uint64_t n1 = 100000, n2 = 600000;
	double i1, i2, c1, c2;
	char mode[32];

	snprintf(mode, sizeof(mode), "lane-s%u", sample);
	i1 = bench_callgrind_ir(mode, n1, &c1);
	i2 = bench_callgrind_ir(mode, n2, &c2);
	if (i1 < 0 || i2 < 0 || c1 < 0 || c2 < 0)
		return -1;
	*ir = (i2 - i1) / (n2 - n1);
	*reads = (c2 - c1) / (n2 - n1);
	return 0;
}

/* The tap of the paced runs: see the comment at the top. */
struct tap {
	struct velox_hist all;
	struct velox_hist marked;
	u64 last_id;
	u64 seen;
	u64 errors;		/* out of order, or marked not 1 in N */
	u32 sample;
	struct velox_bundle buf[VELOX_LANE_BUNDLE_BURST];
};

static void tap_record(struct tap *tap, u32 n, u64 now)
{
	u32 i, k;

	for (i = 0; i < n; i++) {
		const struct velox_bundle *b = &tap->buf[i];

		for (k = 0; k < b->count; k++) {
			const struct velox_txn *txn = &b->txns[k];
			u64 seq = txn->id & ((1ull << VELOX_TXN_ID_LANE_SHIFT) - 1);
			bool marked = txn->flags & VELOX_TXN_SAMPLED;
			u64 e2e = now > txn->ts_ns ? now - txn->ts_ns : 0;

			tap->errors += txn->id <= tap->last_id ||
				       marked != !(seq % tap->sample);
			tap->last_id = txn->id;
			velox_hist_record(&tap->all, e2e);
			if (marked)
				velox_hist_record(&tap->marked, e2e);
		}
		tap->seen += b->count;
	}
}

/*
 * The bundler's step, then the tap in place of the output stage.  Once
 * the bundler has finished, every bundle is in the ring: empty it.
 */
static u32 tap_step(struct rig_thread *t)
{
	struct tap *tap = t->priv;
	u32 work = velox_lane_run(t->lane, VELOX_LANE_BUNDLER, t->sink);
	bool last = velox_lane_done(t->lane, VELOX_LANE_BUNDLER);
	u32 n;

	do {
		n = velox_ring_pop_n(&t->lane->to_output, tap->buf,
				     VELOX_LANE_BUNDLE_BURST,
				     sizeof(struct velox_bundle));
		if (n)
			tap_record(tap, n, bench_now_ns());
		work += n;
	} while (n && last);
	return work;
}

/* One paced run sampling 1 in @sample: quantiles into @all and @marked. */
static int paced_once(const struct bench_opts *o, u32 sample, double *all,
		      double *marked)
{
	const struct rig_conf rc = {
		.lanes = 1, .book_cap = 64,
		.stop_after = PACED_RATE * PACED_SECONDS,
		.lane = rig_params((1000000000ull << 16) / PACED_RATE, sample),
	};
	struct velox_sink *sinks[2], *sum = rig_alloc(sizeof(*sum));
	struct tap *tap = rig_alloc(sizeof(*tap));
	struct rig_thread th[2];
	unsigned int i;
	struct rig r;
	bool ok;

	if (!sum || !tap ||
	    rig_init(&r, &rc)) {
		free(sum);
		free(tap);
		return -1;
	}
	velox_hist_init(&tap->all);
	velox_hist_init(&tap->marked);
	tap->last_id = tap->seen = tap->errors = 0;
	tap->sample = sample;
	for (i = 0; i < 2; i++) {
		sinks[i] = rig_alloc(sizeof(*sinks[i]));
		velox_sink_init(sinks[i]);
	}
	rig_thread_init(&th[0], &r, 0, VELOX_LANE_INGRESS | VELOX_LANE_MATCHER,
			sinks[0], o->cpu_a);
	rig_thread_init(&th[1], &r, 0, VELOX_LANE_BUNDLER, sinks[1], o->cpu_b);
	th[1].step = tap_step;
	th[1].priv = tap;
	rig_run(&r, th, 2);
	rig_sum(sum, sinks, 2);
	ok = !tap->errors && tap->seen == r.lanes[0]->ingress.generated &&
	     !r.lanes[0]->ingress.dropped &&
	     rig_conserved(&r, &sum->count);
	if (!ok)
		fprintf(stderr, "velox-bench: sampling: generated %llu, tapped %llu, errors %llu\n",
			(unsigned long long)r.lanes[0]->ingress.generated,
			(unsigned long long)tap->seen,
			(unsigned long long)tap->errors);
	for (i = 0; i < SAMPLING_QS; i++) {
		all[i] = velox_hist_quantile(&tap->all,
					     velox_percentiles[qs[i]].ppm);
		marked[i] = velox_hist_quantile(&tap->marked,
						velox_percentiles[qs[i]].ppm);
	}
	for (i = 0; i < 2; i++)
		free(sinks[i]);
	free(sum);
	free(tap);
	rig_free(&r);
	return ok ? 0 : -1;
}

int sampling_bench(const struct bench_opts *o)
{
	static double mops[2][SAMPLING_N][SAMPLING_RUNS_MAX];
	static double q[3][SAMPLING_N][SAMPLING_QS][SAMPLING_RUNS_MAX];
	unsigned int runs = o->repeat < SAMPLING_RUNS_MAX ? o->repeat :
							  SAMPLING_RUNS_MAX;
	double all[SAMPLING_QS], marked[SAMPLING_QS], ir, reads;
	unsigned int k, t, s, i;
	char name[96];
	int ret = 0;

	for (k = 0; k < runs; k++) {
		for (s = 0; s < SAMPLING_N; s++) {
			for (t = 0; t < 2; t++) {
				mops[t][s][k] = unpaced_once(o, t + 1, samples[s]);
				if (mops[t][s][k] < 0)
					ret = 1;
			}
		}
		/* N = 1 marks everything: nothing to compare. */
		for (s = 1; s < SAMPLING_N; s++) {
			if (paced_once(o, samples[s], all, marked))
				ret = 1;
			for (i = 0; i < SAMPLING_QS; i++) {
				q[0][s][i][k] = all[i];
				q[1][s][i][k] = marked[i];
				q[2][s][i][k] = 100 * fabs(marked[i] - all[i]) / all[i];
			}
		}
	}
	for (t = 0; t < 2; t++) {
		for (s = 0; s < SAMPLING_N; s++) {
			snprintf(name, sizeof(name), "sampling/%uthr/s%u", t + 1,
				 samples[s]);
			bench_result(name, bench_median(mops[t][s], runs),
				     "Mops/s", true);
		}
	}
	for (s = 0; s < SAMPLING_N; s++) {
		if (callgrind_per_txn(samples[s], &ir, &reads)) {
			fprintf(stderr, "bench: valgrind not usable, no instruction count\n");
			break;
		}
		snprintf(name, sizeof(name), "sampling/instr/s%u", samples[s]);
		bench_result(name, ir, "instr/txn", false);
		snprintf(name, sizeof(name), "sampling/clock-reads/s%u", samples[s]);
		bench_result(name, reads, "per txn", false);
	}
	for (s = 1; s < SAMPLING_N; s++) {
		for (i = 0; i < SAMPLING_QS; i++) {
			static const char *const what[3] = { "all", "1inN", "error" };
			unsigned int w;

			for (w = 0; w < 3; w++) {
				snprintf(name, sizeof(name), "sampling/paced100k/s%u/%s/%s",
					 samples[s], velox_percentiles[qs[i]].label, what[w]);
				bench_result(name, bench_median(q[w][s][i], runs),
					     w == 2 ? "%" : "ns", false);
			}
		}
	}
	return ret;
}
