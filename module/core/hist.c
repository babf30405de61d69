// SPDX-License-Identifier: GPL-2.0
/*
 * Log-linear latency histogram: the parts off the hot path.  See hist.h
 * for the bucket layout.
 */
#include <linux/compiler.h>
#include <linux/limits.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/stddef.h>
#include <linux/string.h>

#include "hist.h"

static_assert(sizeof(struct velox_hist) == sizeof(struct velox_hist_data),
	      "velox_hist is laid out as velox_hist_data");
static_assert(offsetof(struct velox_hist, buckets) ==
	      offsetof(struct velox_hist_data, buckets),
	      "velox_hist is laid out as velox_hist_data");

void velox_hist_init(struct velox_hist *h)
{
	memset(h, 0, sizeof(*h));
	h->min = U64_MAX;
}

/* A word of a histogram that its CPU may be recording into. */
static inline u64 hist_word(const u64 *w)
{
	/*
	 * Each word read is whole, and racing with its writer is by design:
	 * velox_hist_settle() makes the merge agree with itself afterwards.
	 */
	return data_race(*w);
}

/* @src may belong to a CPU that is recording into it (see hist_word()). */
void velox_hist_merge(struct velox_hist *dst, const struct velox_hist *src)
{
	unsigned int i;

	for (i = 0; i < VELOX_HIST_BUCKETS; i++)
		dst->buckets[i] += hist_word(&src->buckets[i]);
	dst->count += hist_word(&src->count);
	dst->sum += hist_word(&src->sum);
	dst->min = min(dst->min, hist_word(&src->min));
	dst->max = max(dst->max, hist_word(&src->max));
}

/* Smallest value that lands in bucket @index. */
u64 velox_hist_bucket_lo(unsigned int index)
{
	unsigned int shift;

	if (index < VELOX_HIST_EXACT)
		return index;
	shift = (index >> VELOX_HIST_SUB_BITS) - 1;
	return (u64)((index & (VELOX_HIST_SUB - 1)) + VELOX_HIST_SUB) << shift;
}

/* How many values share bucket @index (the overflow bucket: unbounded). */
u64 velox_hist_bucket_width(unsigned int index)
{
	if (index >= VELOX_HIST_OVERFLOW)
		return U64_MAX - VELOX_HIST_LIMIT + 1;
	if (index < VELOX_HIST_EXACT)
		return 1;
	return 1ull << ((index >> VELOX_HIST_SUB_BITS) - 1);
}

/**
 * velox_hist_settle() - make a histogram read while it was written agree
 * with itself
 * @h: a merge of histograms whose writers were recording meanwhile
 *
 * A record bumps a bucket, then the count, then min and max, with no
 * ordering a reader on another CPU can rely on; a merge may catch any of
 * them without the others.  So the buckets decide: the count becomes what
 * they hold, and min and max move into the lowest and highest non-empty
 * bucket, so that a reader never sees a count without buckets, or a min
 * (0 or ~0) its buckets contradict.  Exact values stay exact: a min that
 * lies in its bucket is kept.
 */
void velox_hist_settle(struct velox_hist *h)
{
	unsigned int i, lo = 0, hi = 0;
	u64 count = 0;

	for (i = 0; i < VELOX_HIST_BUCKETS; i++) {
		if (!h->buckets[i])
			continue;
		if (!count)
			lo = i;
		hi = i;
		count += h->buckets[i];
	}
	h->count = count;
	if (!count) {
		h->sum = 0;
		h->min = U64_MAX;
		h->max = 0;
		return;
	}
	h->min = clamp(h->min, velox_hist_bucket_lo(lo),
		       velox_hist_bucket_lo(lo) + (velox_hist_bucket_width(lo) - 1));
	h->max = clamp(h->max, velox_hist_bucket_lo(hi),
		       velox_hist_bucket_lo(hi) + (velox_hist_bucket_width(hi) - 1));
}

u64 velox_hist_mean(const struct velox_hist *h)
{
	return h->count ? div64_u64(h->sum, h->count) : 0;
}

/*
 * Nearest-rank quantile: the value of rank ceil(count * ppm / 10^6),
 * reported as the midpoint of its bucket (within 1/128 of the true value)
 * and clamped into [min, max], which are exact.
 */
u64 velox_hist_quantile(const struct velox_hist *h, u32 ppm)
{
	u64 rank, seen = 0;
	unsigned int i;

	if (!h->count)
		return 0;
	if (ppm >= VELOX_PPM)
		return h->max;
	if (h->count <= U64_MAX / VELOX_PPM)
		rank = div64_u64(h->count * ppm + VELOX_PPM - 1, VELOX_PPM);
	else
		rank = div64_u64(h->count, VELOX_PPM) * ppm;
	rank = max_t(u64, rank, 1);

	for (i = 0; i < VELOX_HIST_BUCKETS; i++) {
		seen += h->buckets[i];
		if (seen >= rank)
			break;
	}
	if (i >= VELOX_HIST_OVERFLOW)
		return h->max;
	return clamp(velox_hist_bucket_lo(i) + velox_hist_bucket_width(i) / 2,
		     h->min, h->max);
}
