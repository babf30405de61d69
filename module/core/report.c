// SPDX-License-Identifier: GPL-2.0
/*
 * Text a person reads, for velox.ko's debugfs and for the tools alike.
 * See report.h.
 */
#include <linux/bitops.h>
#include <linux/kernel.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/string.h>

#include "names.h"
#include "report.h"

const struct velox_percentile velox_percentiles[VELOX_PERCENTILES] = {
	[VELOX_P50] = { 500000, "p50", "p50_ns" },
	[VELOX_P90] = { 900000, "p90", "p90_ns" },
	[VELOX_P99] = { 990000, "p99", "p99_ns" },
	[VELOX_P999] = { 999000, "p99.9", "p999_ns" },
	[VELOX_P9999] = { 999900, "p99.99", "p9999_ns" },
};

/**
 * velox_fmt_duration() - a duration as a person reads it
 * @buf: where to write it
 * @len: room in @buf; VELOX_DURATION_LEN holds any duration
 * @ns: the duration in nanoseconds
 *
 * Whole nanoseconds below 1 us ("812ns"), else two decimals of the
 * largest unit that keeps the value under 1000 ("2.41us", "1.20ms",
 * "3.00s"), rounded to the nearest hundredth.  The unit is chosen after
 * rounding, so 999996 ns is "1.00ms" rather than "1000.00us".
 *
 * Return: @buf.
 */
const char *velox_fmt_duration(char *buf, size_t len, u64 ns)
{
	static const char *const units[] = { "us", "ms", "s" };
	/* A hundredth of each unit, in ns. */
	static const u32 step[] = { 10, 10000, 10000000 };
	unsigned int u;
	u64 hundredths = 0;

	if (ns < 1000) {
		snprintf(buf, len, "%lluns", ns);
		return buf;
	}
	for (u = 0; u < ARRAY_SIZE(units); u++) {
		hundredths = div_u64(ns, step[u]);
		if (2 * (ns - hundredths * step[u]) >= step[u])
			hundredths++;
		if (hundredths < 100000)
			break;
	}
	u = min_t(unsigned int, u, ARRAY_SIZE(units) - 1);
	snprintf(buf, len, "%llu.%02llu%s", div_u64(hundredths, 100),
		 hundredths - div_u64(hundredths, 100) * 100, units[u]);
	return buf;
}

/**
 * velox_report_percentiles() - the percentile list of a histogram
 * @h: the histogram, not empty
 * @emit: takes the text
 * @ctx: passed to @emit
 *
 * "  p50 2.41us  p90 3.10us  p99 ...  p99.99 1.20ms", no newline, so a
 * caller can put it on a line of its own or after other numbers.
 */
void velox_report_percentiles(const struct velox_hist *h, velox_emit_fn emit,
			      void *ctx)
{
	char text[VELOX_DURATION_LEN + 16], d[VELOX_DURATION_LEN];
	unsigned int i;

	for (i = 0; i < VELOX_PERCENTILES; i++) {
		const struct velox_percentile *p = &velox_percentiles[i];

		snprintf(text, sizeof(text), "  %s %s", p->label,
			 velox_fmt_duration(d, sizeof(d),
					    velox_hist_quantile(h, p->ppm)));
		emit(ctx, text);
	}
}

/* The chart's rows: one per power of two, and one for the overflow. */
#define CHART_SLOTS	(VELOX_HIST_LIMIT_SHIFT + 1)
#define BAR_WIDTH	40

/*
 * Buckets summed per power of two: slot k holds [2^k, 2^(k+1)), slot 0
 * holds 0 and 1, and the last slot the overflow bucket, which starts at
 * 2^VELOX_HIST_LIMIT_SHIFT and has no end.
 */
static void log2_slots(const struct velox_hist *h, u64 slots[CHART_SLOTS])
{
	unsigned int i, k;

	memset(slots, 0, CHART_SLOTS * sizeof(*slots));
	for (i = 0; i < VELOX_HIST_BUCKETS; i++) {
		u64 lo = velox_hist_bucket_lo(i);

		if (!h->buckets[i])
			continue;
		k = lo > 1 ? fls64(lo) - 1 : 0;
		slots[min_t(unsigned int, k, CHART_SLOTS - 1)] += h->buckets[i];
	}
}

/**
 * velox_report_chart() - a histogram as a log2 bar chart, like runqlat's
 * @h: the histogram
 * @emit: takes the text, one line at a time
 * @ctx: passed to @emit
 *
 * A header, then a row "lo -> hi : count |****    |" for every power of
 * two from the lowest to the highest that holds a value, the longest bar
 * BAR_WIDTH stars; values in the overflow bucket show as "lo -> inf".
 * Nothing for an empty histogram.
 */
void velox_report_chart(const struct velox_hist *h, velox_emit_fn emit,
			void *ctx)
{
	u64 slots[CHART_SLOTS], peak = 0;
	int first = -1, last = -1, k;
	char text[128], hi[24];

	log2_slots(h, slots);
	for (k = 0; k < CHART_SLOTS; k++) {
		if (!slots[k])
			continue;
		if (first < 0)
			first = k;
		last = k;
		peak = max(peak, slots[k]);
	}
	if (first < 0)
		return;
	snprintf(text, sizeof(text), "  %26s : %-10s distribution\n", "ns",
		 "count");
	emit(ctx, text);
	for (k = first; k <= last; k++) {
		unsigned int stars = div64_u64(slots[k] * BAR_WIDTH, peak);
		int n;

		if (k == CHART_SLOTS - 1)
			memcpy(hi, "inf", sizeof("inf"));
		else
			snprintf(hi, sizeof(hi), "%llu", (2ull << k) - 1);
		n = snprintf(text, sizeof(text), "  %11llu -> %-11s : %-10llu |",
			     k ? 1ull << k : 0ull, hi, slots[k]);
		memset(text + n, '*', stars);
		memset(text + n + stars, ' ', BAR_WIDTH - stars);
		memcpy(text + n + BAR_WIDTH, "|\n", 3);
		emit(ctx, text);
	}
}

/**
 * velox_report_hist() - what a stage's histogram says, for a person
 * @h: the histogram
 * @lead: what the first line starts with: the stage's name and a colon,
 *	or an indent under a heading the caller printed
 * @emit: takes the text
 * @ctx: passed to @emit
 *
 * "<lead>count N  min X  mean X  max X", then the percentile list on a
 * line of its own, a blank line and the bar chart.  An empty histogram
 * gives the count line alone.
 */
void velox_report_hist(const struct velox_hist *h, const char *lead,
		       velox_emit_fn emit, void *ctx)
{
	char text[3 * VELOX_DURATION_LEN + 64];
	char lo[VELOX_DURATION_LEN], mean[VELOX_DURATION_LEN];
	char hi[VELOX_DURATION_LEN];

	emit(ctx, lead);
	if (!h->count) {
		emit(ctx, "count 0\n");
		return;
	}
	snprintf(text, sizeof(text), "count %llu  min %s  mean %s  max %s\n",
		 h->count, velox_fmt_duration(lo, sizeof(lo), h->min),
		 velox_fmt_duration(mean, sizeof(mean), velox_hist_mean(h)),
		 velox_fmt_duration(hi, sizeof(hi), h->max));
	emit(ctx, text);
	velox_report_percentiles(h, emit, ctx);
	emit(ctx, "\n\n");
	velox_report_chart(h, emit, ctx);
}

/* The interference sources whose offender a spike's line names (not NMI). */
static bool named_source(unsigned int source)
{
	return source == VELOX_NOISE_IRQ || source == VELOX_NOISE_SOFTIRQ ||
	       source == VELOX_NOISE_PREEMPTED;
}

/**
 * velox_report_causes() - the largest causes of a spike (or of many)
 * @cause_ns: ns per enum velox_cause
 * @top: per enum velox_noise_source, the largest offender; or NULL
 * @most: how many causes at most
 * @emit: takes the text
 * @ctx: @emit's
 *
 * "preempted 310.00us sh[93], bundle_wait 80.00us, queueing 22.30us":
 * the causes that took any time, largest first (equal ones in enum
 * order); no newline.
 */
void velox_report_causes(const u64 *cause_ns,
			 const struct velox_offender *top, unsigned int most,
			 velox_emit_fn emit, void *ctx)
{
	char line[96], d[VELOX_DURATION_LEN], who[VELOX_OFFENDER_LEN];
	unsigned int order[VELOX_CAUSES], i, j, c, src;

	/* Insertion sort, stable: nine entries. */
	for (i = 0; i < VELOX_CAUSES; i++) {
		for (j = i; j > 0 && cause_ns[order[j - 1]] < cause_ns[i]; j--)
			order[j] = order[j - 1];
		order[j] = i;
	}
	for (i = 0; i < most && i < VELOX_CAUSES && cause_ns[order[i]]; i++) {
		c = order[i];
		src = c - VELOX_CAUSE_IRQ;
		who[0] = 0;
		if (top && c >= VELOX_CAUSE_IRQ && named_source(src) &&
		    top[src].ns)
			velox_offender_name(who, sizeof(who), src, &top[src]);
		snprintf(line, sizeof(line), "%s%s %s%s%s", i ? ", " : "",
			 velox_cause_name(c),
			 velox_fmt_duration(d, sizeof(d), cause_ns[c]),
			 who[0] ? " " : "", who);
		emit(ctx, line);
	}
}

/* The columns velox_report_spike() fills. */
void velox_report_spike_header(velox_emit_fn emit, void *ctx)
{
	char line[96];

	snprintf(line, sizeof(line), "%12s %4s %10s  %-15s  %s\n", "id", "lane",
		 "e2e", "cpu i/m/b/o", "causes, largest first");
	emit(ctx, line);
}

/**
 * velox_report_spike() - one spike in one line
 * @s: the spike
 * @emit: takes the text
 * @ctx: @emit's
 *
 * Under velox_report_spike_header(): its id, lane, end-to-end latency, the
 * CPUs of its ingress, matcher, bundler and output steps, and its three
 * largest causes; "(partial)" if its interference may be short.
 */
void velox_report_spike(const struct velox_spike *s, velox_emit_fn emit,
			void *ctx)
{
	char line[96], d[VELOX_DURATION_LEN], cpus[4 * 6];

	snprintf(cpus, sizeof(cpus), "%u/%u/%u/%u", s->cpu[0], s->cpu[1],
		 s->cpu[2], s->cpu[3]);
	snprintf(line, sizeof(line), "%12llu %4u %10s  %-15s  ",
		 (unsigned long long)s->id, s->lane,
		 velox_fmt_duration(d, sizeof(d), s->e2e_ns), cpus);
	emit(ctx, line);
	velox_report_causes(s->cause_ns, s->top, 3, emit, ctx);
	emit(ctx, s->flags & VELOX_SPIKE_PARTIAL ? " (partial)\n" : "\n");
}
