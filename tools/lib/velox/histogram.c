// SPDX-License-Identifier: GPL-2.0
/*
 * libvelox: a stage's latency histogram as people read it (module/core's
 * report, as debugfs prints it), as scripts read it (one JSON object), and
 * as HdrHistogram's plotters read it (.hgrm).
 */
#include <math.h>
#include <stdio.h>

#include "libvelox.h"

/* "e2e: count ...", then the percentiles and the bar chart. */
void vx_print_hist(FILE *out, unsigned int stage, const struct velox_hist *h)
{
	char lead[32];

	snprintf(lead, sizeof(lead), "%s: ", velox_stage_name(stage));
	velox_report_hist(h, lead, vx_emit_file, out);
}

void vx_print_hist_json(FILE *out, unsigned int stage,
			const struct velox_hist *h)
{
	unsigned int i;

	fprintf(out, "{\"stage\":\"%s\",\"count\":%llu,\"min_ns\":%llu"
		",\"mean_ns\":%llu,\"max_ns\":%llu",
		velox_stage_name(stage), h->count, h->count ? h->min : 0,
		velox_hist_mean(h), h->max);
	for (i = 0; i < VELOX_PERCENTILES; i++)
		fprintf(out, ",\"%s\":%llu", velox_percentiles[i].json,
			velox_hist_quantile(h, velox_percentiles[i].ppm));
	fputs("}\n", out);
}

/* How many recorded values are at or below @value's bucket. */
static unsigned long long count_upto(const struct velox_hist *h,
				     unsigned long long value)
{
	unsigned long long n = 0;
	unsigned int i;

	for (i = 0; i < VELOX_HIST_BUCKETS; i++) {
		if (velox_hist_bucket_lo(i) > value)
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
void vx_print_hgrm(FILE *out, const struct velox_hist *h)
{
	const double ticks_per_half = 5;
	double pct = 0;

	fprintf(out, "%12s %14s %10s %14s\n\n", "Value", "Percentile",
		"TotalCount", "1/(1-Percentile)");
	while (h->count && pct < 100) {
		__u32 ppm = (__u32)(pct * 1e4);
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
