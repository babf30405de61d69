// SPDX-License-Identifier: GPL-2.0
/*
 * Sinks: zeroing and summing them.  See sink.h.
 */
#include <linux/build_bug.h>
#include <linux/compiler.h>
#include <linux/string.h>

#include "sink.h"

/* Summing word by word needs nothing but u64s, with no padding between. */
static_assert(sizeof(struct velox_counters) % sizeof(u64) == 0 &&
	      offsetof(struct velox_counters, __reserved) % sizeof(u64) == 0,
	      "struct velox_counters is a run of u64 words");

void velox_sink_init(struct velox_sink *s)
{
	int i;

	memset(&s->count, 0, sizeof(s->count));
	for (i = 0; i < VELOX_STAGES; i++)
		velox_hist_init(&s->hist[i]);
}

/**
 * velox_counters_add() - add one sink's counters to a sum
 * @sum: the sum
 * @c: counters whose owner may still be counting
 *
 * A reader sums sinks that other CPUs are writing: each word it reads is
 * whole (an aligned u64), but the words are not all of one instant.  That
 * race is by design, so the reads are marked for KCSAN.
 */
void velox_counters_add(struct velox_counters *sum,
			const struct velox_counters *c)
{
	const u64 *src = (const u64 *)c;
	u64 *dst = (u64 *)sum;
	unsigned int i;

	for (i = 0; i < VELOX_NR_COUNTERS; i++)
		/* Whole words, not of one instant: see above. */
		dst[i] += data_race(src[i]);
}

/**
 * velox_sink_merge() - add a sink into a sum: its counters and histograms
 * @s: the sink; its owner may still be counting (see above)
 * @count: the counters to add to
 * @hist: the VELOX_STAGES histograms to merge into, by enum velox_stage
 *
 * The publisher sums into the stats area's layout, where the counters and
 * the histograms are apart; a sum of sinks passes its own two parts.
 */
void velox_sink_merge(const struct velox_sink *s, struct velox_counters *count,
		      struct velox_hist *hist)
{
	int i;

	velox_counters_add(count, &s->count);
	for (i = 0; i < VELOX_STAGES; i++)
		velox_hist_merge(&hist[i], &s->hist[i]);
}
