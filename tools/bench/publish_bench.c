// SPDX-License-Identifier: GPL-2.0
/*
 * What one publication of the stats area costs (module/stats.c,
 * velox_stats_prepare() and velox_stats_commit()), as a function of the
 * sinks it merges: zero the scratch copy, add each sink's counters and
 * merge its four histograms, settle the four merged ones, copy the result
 * into the area.  velox.ko merges the sinks of the CPUs that ran workers;
 * until it kept that mask, it merged every possible CPU's.
 *
 *   publish/<n>cpu[s]    ns per publication merging n sinks (1, 2, 256)
 *
 * The sinks are as large as the module's (about 62 KiB each) and hold
 * recorded values, so 256 of them (16 MiB) are read from memory, not from
 * cache, as a publisher reading other CPUs' sinks does.  Each value is
 * the best of --repeat runs of 20 publications.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/velox.h>

#include "bench.h"
#include "hist.h"
#include "sink.h"

#define PUBLISH_ROUNDS	20

static const unsigned int publish_cpus[] = { 1, 2, 256 };

/* The publication, as stats.c does it, merging @n sinks. */
static void publish(struct velox_stats *scratch, struct velox_stats *area,
		    struct velox_sink *const *sinks, unsigned int n)
{
	struct velox_hist *hist = (struct velox_hist *)scratch->hist;
	unsigned int cpu;
	int i;

	memset(scratch, 0, sizeof(*scratch));
	for (i = 0; i < VELOX_STAGES; i++)
		velox_hist_init(&hist[i]);
	for (cpu = 0; cpu < n; cpu++)
		velox_sink_merge(sinks[cpu], &scratch->total, hist);
	for (i = 0; i < VELOX_STAGES; i++)
		velox_hist_settle(&hist[i]);
	memcpy(area, scratch, sizeof(*area));
	bench_keep(area->hist[0].count);
}

int publish_bench(const struct bench_opts *o)
{
	unsigned int most = publish_cpus[sizeof(publish_cpus) /
					 sizeof(publish_cpus[0]) - 1];
	struct velox_stats *scratch = aligned_alloc(4096, sizeof(*scratch) + 4096);
	struct velox_stats *area = aligned_alloc(4096, sizeof(*area) + 4096);
	struct velox_sink **sinks = calloc(most, sizeof(*sinks));
	unsigned int c, r, k, n;
	uint64_t v = 1, t0;
	char name[64];
	double best;
	int s;

	if (!scratch || !area || !sinks)
		return -1;
	for (n = 0; n < most; n++) {
		sinks[n] = aligned_alloc(64, sizeof(**sinks) + 64);
		if (!sinks[n])
			return -1;
		velox_sink_init(sinks[n]);
		sinks[n]->count.delivered = n;
		for (k = 0; k < 1000; k++) {
			v = v * 6364136223846793005ull + 1442695040888963407ull;
			for (s = 0; s < VELOX_STAGES; s++)
				velox_hist_record(&sinks[n]->hist[s], v >> 44);
		}
	}
	for (c = 0; c < sizeof(publish_cpus) / sizeof(publish_cpus[0]); c++) {
		n = publish_cpus[c];
		best = 1e30;
		for (r = 0; r < o->repeat; r++) {
			t0 = bench_now_ns();
			for (k = 0; k < PUBLISH_ROUNDS; k++)
				publish(scratch, area, sinks, n);
			t0 = bench_now_ns() - t0;
			if (t0 / (double)PUBLISH_ROUNDS < best)
				best = t0 / (double)PUBLISH_ROUNDS;
		}
		snprintf(name, sizeof(name), "publish/%ucpu%s", n,
			 n == 1 ? "" : "s");
		bench_result(name, best, "ns", false);
	}
	for (n = 0; n < most; n++)
		free(sinks[n]);
	free(sinks);
	free(area);
	free(scratch);
	return 0;
}
