// SPDX-License-Identifier: GPL-2.0
/*
 * velox-ctl: what people read (aligned, with units chosen per value) and
 * what scripts read (one JSON object; HdrHistogram's .hgrm text).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <linux/velox.h>

#include "ctl.h"

static const uint32_t pct_ppm[] = { 500000, 900000, 990000, 999000, 999900 };
static const char *const pct_name[] = { "p50", "p90", "p99", "p99.9",
					"p99.99" };
static const char *const pct_json[] = { "p50_ns", "p90_ns", "p99_ns",
					"p999_ns", "p9999_ns" };
#define NPCT (sizeof(pct_ppm) / sizeof(pct_ppm[0]))

static const char *const flush_names[VELOX_FLUSH_REASONS] = {
	"full", "timeout", "drain"
};

/* "812ns", "2.41us", "1.20ms", "3.00s". */
const char *fmt_ns(char *buf, size_t len, unsigned long long ns)
{
	if (ns < 1000)
		snprintf(buf, len, "%lluns", ns);
	else if (ns < 1000000)
		snprintf(buf, len, "%.2fus", ns / 1e3);
	else if (ns < 1000000000)
		snprintf(buf, len, "%.2fms", ns / 1e6);
	else
		snprintf(buf, len, "%.2fs", ns / 1e9);
	return buf;
}

/*
 * Signed: while running, the per-CPU sums are taken one after another, so
 * delivered may be counted a moment later than generated.
 */
static long long in_flight(const struct velox_counters *c)
{
	return (long long)(c->generated - c->delivered - c->dropped);
}

static double run_seconds(const struct velox_stats *st)
{
	unsigned long long end = st->stop_ns ? st->stop_ns : st->publish_ns;

	return end > st->start_ns ? (end - st->start_ns) / 1e9 : 0;
}

static void print_pcts(FILE *out, const struct velox_hist *h)
{
	char b[32];
	size_t i;

	for (i = 0; i < NPCT; i++)
		fprintf(out, "  %s %s", pct_name[i],
			fmt_ns(b, sizeof(b), velox_hist_quantile(h, pct_ppm[i])));
}

/* The run in a few lines: flow, end-to-end latency, the book. */
void print_summary(FILE *out, const struct velox_stats *st)
{
	const struct velox_counters *c = &st->total;
	double secs = run_seconds(st);
	struct velox_hist h;
	char b[32];

	fprintf(out, "run %llu: %s after %.2f s: %llu generated, %llu"
		" delivered, %llu dropped, %lld in flight",
		st->run, state_name(st->state), secs, c->generated,
		c->delivered, c->dropped,
		in_flight(c));
	if (secs > 0)
		fprintf(out, " (%.0f/s delivered)", c->delivered / secs);
	fputc('\n', out);
	stats_hist(st, VELOX_STAGE_E2E, &h);
	fprintf(out, "e2e latency of %llu sampled:", h.count);
	if (h.count) {
		fprintf(out, "  min %s", fmt_ns(b, sizeof(b), h.min));
		print_pcts(out, &h);
		fprintf(out, "  max %s", fmt_ns(b, sizeof(b), h.max));
	}
	fputc('\n', out);
	fprintf(out, "bundles %llu (full %llu, timeout %llu"
		", drain %llu); book: %llu orders, %llu"
		" fills, %llu CAS retries, %llu resting\n",
		c->bundles, c->flushes[VELOX_FLUSH_FULL],
		c->flushes[VELOX_FLUSH_TIMEOUT], c->flushes[VELOX_FLUSH_DRAIN],
		c->orders, c->fills, c->cas_retries, c->resting_qty);
	if (c->seq_errors)
		fprintf(out, "ORDER ERRORS: %llu transactions out of sequence\n",
			c->seq_errors);
}

#define BAR_WIDTH 40

/* Per stage: the numbers, then a log2 bar chart like runqlat's. */
void print_hist(FILE *out, int stage, const struct velox_hist *h)
{
	unsigned long long slots[VELOX_HIST_LIMIT_SHIFT + 1] = { 0 }, peak = 0;
	int first = -1, last = -1, k, i;
	char b[32];

	fprintf(out, "%s: count %llu", stage_name(stage), h->count);
	if (!h->count) {
		fputc('\n', out);
		return;
	}
	fprintf(out, "  min %s", fmt_ns(b, sizeof(b), h->min));
	fprintf(out, "  mean %s", fmt_ns(b, sizeof(b), velox_hist_mean(h)));
	fprintf(out, "  max %s\n ", fmt_ns(b, sizeof(b), h->max));
	print_pcts(out, h);
	fputs("\n\n", out);

	for (i = 0; i < VELOX_HIST_BUCKETS; i++) {
		unsigned long long lo = velox_hist_bucket_lo(i);

		k = lo > 1 ? 63 - __builtin_clzll(lo) : 0;
		if (k > VELOX_HIST_LIMIT_SHIFT)
			k = VELOX_HIST_LIMIT_SHIFT;
		slots[k] += h->buckets[i];
	}
	for (k = 0; k <= VELOX_HIST_LIMIT_SHIFT; k++) {
		if (!slots[k])
			continue;
		if (first < 0)
			first = k;
		last = k;
		if (slots[k] > peak)
			peak = slots[k];
	}
	if (first < 0 || !peak)
		return;
	fprintf(out, "  %24s : %-10s distribution\n", "ns", "count");
	for (k = first; k <= last; k++) {
		int stars = (int)(slots[k] * BAR_WIDTH / peak);
		unsigned long long lo = k ? 1ull << k : 0;

		if (k == VELOX_HIST_LIMIT_SHIFT)
			fprintf(out, "  %11llu -> %-9s : %-10llu |",
				lo, "inf", slots[k]);
		else
			fprintf(out, "  %11llu -> %-9llu : %-10llu"
				" |", lo, (2ull << k) - 1, slots[k]);
		for (i = 0; i < BAR_WIDTH; i++)
			fputc(i < stars ? '*' : ' ', out);
		fputs("|\n", out);
	}
}

void print_hist_json(FILE *out, int stage, const struct velox_hist *h)
{
	size_t i;

	fprintf(out, "{\"stage\":\"%s\",\"count\":%llu,\"min_ns\":%llu"
		",\"mean_ns\":%llu,\"max_ns\":%llu",
		stage_name(stage), h->count, h->count ? h->min : 0,
		velox_hist_mean(h), h->max);
	for (i = 0; i < NPCT; i++)
		fprintf(out, ",\"%s\":%llu", pct_json[i],
			velox_hist_quantile(h, pct_ppm[i]));
	fputs("}\n", out);
}

/* How many recorded values are at or below @value's bucket. */
static unsigned long long count_upto(const struct velox_hist *h, unsigned long long value)
{
	unsigned long long n = 0, lo;
	int i;

	for (i = 0; i < VELOX_HIST_BUCKETS; i++) {
		lo = velox_hist_bucket_lo(i);
		if (lo > value)
			break;
		n += h->buckets[i];
	}
	return n;
}

/*
 * HdrHistogram's percentile distribution, values in microseconds: the
 * percentile steps halve their distance to 100 % every 5 lines, as
 * HdrHistogram's outputPercentileDistribution() prints them, so existing
 * plotters read it.
 */
void print_hgrm(FILE *out, const struct velox_hist *h)
{
	const double ticks_per_half = 5;
	double pct = 0;

	fprintf(out, "%12s %14s %10s %14s\n\n", "Value", "Percentile",
		"TotalCount", "1/(1-Percentile)");
	while (h->count && pct < 100) {
		uint32_t ppm = (uint32_t)(pct * 1e4);
		unsigned long long v = velox_hist_quantile(h, ppm);
		double ticks;

		if (ppm >= 999999)
			break;
		fprintf(out, "%12.3f %2.12f %10llu %14.2f\n", v / 1e3,
			pct / 100, count_upto(h, v), 1 / (1 - pct / 100));
		ticks = ticks_per_half *
			pow(2, floor(log2(100 / (100 - pct))) + 1);
		pct += 100 / ticks;
	}
	if (h->count)
		fprintf(out, "%12.3f %2.12f %10llu\n", h->max / 1e3, 1.0,
			h->count);
	fprintf(out, "#[Mean    = %12.3f, StdDeviation   = %12.3f]\n",
		velox_hist_mean(h) / 1e3, 0.0);
	fprintf(out, "#[Max     = %12.3f, Total count    = %12llu]\n",
		h->max / 1e3, h->count);
	fprintf(out, "#[Buckets = %12d, SubBuckets     = %12d]\n",
		VELOX_HIST_BUCKETS, 1 << VELOX_HIST_SUB_BITS);
}

void print_config_json(FILE *out, const struct velox_config *c)
{
	fprintf(out, "{\"lanes\":%u,\"rate\":%u,\"bundle\":%u,\"flush_us\":%u,"
		"\"ring\":%u,\"sample\":%u,\"spin_cap\":%u,\"backoff\":\"%s\","
		"\"policy\":\"%s\",\"threads\":%u,\"seed\":%u,\"cpus\":\"%#llx\""
		"}", c->lanes, c->rate, c->bundle, c->flush_us, c->ring,
		c->sample, c->spin_cap, backoff_name(c->backoff),
		policy_name(c->policy), c->threads, c->seed, c->cpus);
}

void print_status(FILE *out, const struct velox_stats *st)
{
	const struct velox_counters *c = &st->total;
	const struct velox_config *g = &st->config;
	uint32_t i;

	fprintf(out, "%-14s %s\n", "state", state_name(st->state));
	fprintf(out, "%-14s %llu (%.2f s)\n", "run", st->run,
		run_seconds(st));
	fprintf(out, "%-14s %llu\n", "generated", c->generated);
	fprintf(out, "%-14s %llu\n", "delivered", c->delivered);
	fprintf(out, "%-14s %llu\n", "dropped", c->dropped);
	fprintf(out, "%-14s %lld\n", "in_flight", in_flight(c));
	fprintf(out, "%-14s %llu\n", "sampled", c->sampled);
	fprintf(out, "%-14s %llu\n", "seq_errors", c->seq_errors);
	fprintf(out, "%-14s %llu (full %llu, timeout %llu"
		", drain %llu)\n", "bundles", c->bundles,
		c->flushes[0], c->flushes[1], c->flushes[2]);
	fprintf(out, "%-14s %llu (%llu rejected), %llu"
		" fills, %llu CAS retries\n", "orders", c->orders,
		c->rejected, c->fills, c->cas_retries);
	fprintf(out, "%-14s submitted %llu = 2 x filled %llu"
		" + resting %llu + cancelled %llu + expired %llu"
		" + rejected %llu\n", "quantity",
		c->submitted_qty, c->filled_qty, c->resting_qty,
		c->cancelled_qty, c->expired_qty, c->rejected_qty);
	fprintf(out, "%-14s full waits %llu, yields %llu"
		", sleeps %llu\n", "backoff", c->full_waits,
		c->idle_yields, c->idle_sleeps);
	fprintf(out, "%-14s rate %u/s, lanes %u, bundle %u, flush %u us, ring %u, "
		"sample 1/%u,\n%-14s backoff %s, policy %s, threads %u, seed %u, "
		"cpus %#llx\n", "config", g->rate, g->lanes, g->bundle,
		g->flush_us, g->ring, g->sample, "", backoff_name(g->backoff),
		policy_name(g->policy), g->threads, g->seed, g->cpus);
	for (i = 0; i < g->lanes && i < VELOX_LANES_MAX; i++)
		fprintf(out, "lane %-9u generated %llu, delivered %llu"
			", dropped %llu\n", i,
			st->lane[i].generated, st->lane[i].delivered,
			st->lane[i].dropped);
}

void print_status_json(FILE *out, const struct velox_stats *st)
{
	const struct velox_counters *c = &st->total;
	uint32_t i;

	fprintf(out, "{\"state\":\"%s\",\"run\":%llu,\"seconds\":%.6f,"
		"\"generated\":%llu,\"delivered\":%llu"
		",\"dropped\":%llu,\"in_flight\":%lld"
		",\"sampled\":%llu,\"seq_errors\":%llu"
		",\"bundles\":%llu", state_name(st->state), st->run,
		run_seconds(st), c->generated, c->delivered, c->dropped,
		in_flight(c), c->sampled,
		c->seq_errors, c->bundles);
	for (i = 0; i < VELOX_FLUSH_REASONS; i++)
		fprintf(out, ",\"flush_%s\":%llu", flush_names[i],
			c->flushes[i]);
	fprintf(out, ",\"orders\":%llu,\"rejected\":%llu"
		",\"submitted_qty\":%llu,\"rejected_qty\":%llu"
		",\"fills\":%llu,\"filled_qty\":%llu"
		",\"rested_qty\":%llu,\"cancelled_qty\":%llu"
		",\"expired_qty\":%llu,\"resting_qty\":%llu"
		",\"cas_retries\":%llu,\"full_waits\":%llu"
		",\"idle_yields\":%llu,\"idle_sleeps\":%llu",
		c->orders, c->rejected, c->submitted_qty, c->rejected_qty,
		c->fills, c->filled_qty, c->rested_qty, c->cancelled_qty,
		c->expired_qty, c->resting_qty, c->cas_retries, c->full_waits,
		c->idle_yields, c->idle_sleeps);
	fputs(",\"config\":", out);
	print_config_json(out, &st->config);
	fputs(",\"lanes\":[", out);
	for (i = 0; i < st->config.lanes && i < VELOX_LANES_MAX; i++)
		fprintf(out, "%s{\"generated\":%llu,\"delivered\":%llu"
			",\"dropped\":%llu}", i ? "," : "",
			st->lane[i].generated, st->lane[i].delivered,
			st->lane[i].dropped);
	fputs("]}\n", out);
}

void print_progress_header(FILE *out)
{
	fprintf(out, "%8s %12s %12s %10s %10s %10s %10s\n", "time", "delivered/s",
		"delivered", "dropped", "p50", "p99", "p99.9");
}

/* One line for the interval between two snapshots of the same run. */
void print_progress(FILE *out, double secs, const struct velox_stats *now,
		    const struct velox_stats *then)
{
	static const struct velox_stats zero;
	struct velox_hist a, b, d;
	unsigned long long delivered;
	char p50[32], p99[32], p999[32];
	double dt;

	/* A new run, or a reset, since @then: count from zero. */
	if (now->run != then->run ||
	    now->total.delivered < then->total.delivered)
		then = &zero;
	delivered = now->total.delivered - then->total.delivered;
	dt = then->publish_ns ? (now->publish_ns - then->publish_ns) / 1e9 : 0;
	stats_hist(now, VELOX_STAGE_E2E, &a);
	stats_hist(then, VELOX_STAGE_E2E, &b);
	hist_sub(&d, &a, &b);
	fprintf(out, "%7.1fs %12.0f %12llu %10llu %10s %10s %10s\n",
		secs, dt > 0 ? delivered / dt : 0, now->total.delivered,
		now->total.dropped,
		d.count ? fmt_ns(p50, sizeof(p50), velox_hist_quantile(&d, 500000)) : "-",
		d.count ? fmt_ns(p99, sizeof(p99), velox_hist_quantile(&d, 990000)) : "-",
		d.count ? fmt_ns(p999, sizeof(p999), velox_hist_quantile(&d, 999000)) : "-");
	fflush(out);
}
