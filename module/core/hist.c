// SPDX-License-Identifier: GPL-2.0
/*
 * Log-linear latency histogram: the parts off the hot path.  See hist.h
 * for the bucket layout.
 */
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

void velox_hist_merge(struct velox_hist *dst, const struct velox_hist *src)
{
	unsigned int i;

	for (i = 0; i < VELOX_HIST_BUCKETS; i++)
		dst->buckets[i] += src->buckets[i];
	dst->count += src->count;
	dst->sum += src->sum;
	dst->min = min(dst->min, src->min);
	dst->max = max(dst->max, src->max);
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

/* What the buckets hold, whatever count says. */
u64 velox_hist_bucket_sum(const struct velox_hist *h)
{
	u64 sum = 0;
	unsigned int i;

	for (i = 0; i < VELOX_HIST_BUCKETS; i++)
		sum += h->buckets[i];
	return sum;
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
