/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Log-linear latency histogram, in the manner of HdrHistogram.
 *
 * Each power of two is split into 64 equal sub-buckets, so a bucket is at
 * most 1/64 of the values it holds and its midpoint is within 1/128
 * (0.79 %) of any of them.  Values below 128 ns have a bucket each and are
 * exact.  Values from 2^36 ns (68.7 s) up share one overflow bucket.
 *
 * The bucket of v is found with one find-last-set:
 *	shift = fls64(v | 127) - 7		(0 for v < 128)
 *	index = shift * 64 + (v >> shift)
 * For v >= 128, v >> shift lies in [64, 128), so consecutive powers of two
 * take consecutive runs of 64 indices; below 128 the index is v itself.
 *
 * A histogram is written by one CPU only (the module keeps one per CPU and
 * merges them to read), so recording uses no atomics.
 */
#ifndef VELOX_CORE_HIST_H
#define VELOX_CORE_HIST_H

#include <linux/bitops.h>
#include <linux/bits.h>
#include <linux/build_bug.h>
#include <linux/compiler.h>
#include <linux/limits.h>
#include <linux/minmax.h>
#include <linux/types.h>
#include <linux/velox.h>

/* VELOX_HIST_SUB_BITS, _LIMIT_SHIFT and _BUCKETS are uapi. */
#define VELOX_HIST_SUB		BIT(VELOX_HIST_SUB_BITS)
/* Values below this have a bucket of their own. */
#define VELOX_HIST_EXACT	(2 * VELOX_HIST_SUB)
/* Values from here up go to the overflow bucket. */
#define VELOX_HIST_LIMIT	BIT_ULL(VELOX_HIST_LIMIT_SHIFT)
/* Index of the overflow bucket: the index VELOX_HIST_LIMIT itself gets. */
#define VELOX_HIST_OVERFLOW \
	(((VELOX_HIST_LIMIT_SHIFT - VELOX_HIST_SUB_BITS) << VELOX_HIST_SUB_BITS) + \
	 VELOX_HIST_SUB)
static_assert(VELOX_HIST_OVERFLOW + 1 == VELOX_HIST_BUCKETS,
	      "uapi bucket count matches the geometry");

/* Laid out as struct velox_hist_data, so the stats area can hold it. */
struct velox_hist {
	u64 count;
	u64 sum;
	u64 min;	/* U64_MAX while empty */
	u64 max;
	u64 buckets[VELOX_HIST_BUCKETS];
};

/* Parts per million: 500000 is the median, 1000000 the maximum. */
#define VELOX_PPM		1000000u

static __always_inline unsigned int velox_hist_index(u64 ns)
{
	u64 v = min_t(u64, ns, VELOX_HIST_LIMIT);
	unsigned int shift = fls64(v | (VELOX_HIST_EXACT - 1)) -
			     (VELOX_HIST_SUB_BITS + 1);

	return (shift << VELOX_HIST_SUB_BITS) + (unsigned int)(v >> shift);
}

/* O(1): one fls, shifts, adds and two compares; no loop, no division. */
static __always_inline void velox_hist_record(struct velox_hist *h, u64 ns)
{
	h->buckets[velox_hist_index(ns)]++;
	h->count++;
	h->sum += ns;
	h->min = min(h->min, ns);
	h->max = max(h->max, ns);
}

static inline u64 velox_hist_count(const struct velox_hist *h)
{
	return h->count;
}

void velox_hist_init(struct velox_hist *h);
void velox_hist_merge(struct velox_hist *dst, const struct velox_hist *src);
u64 velox_hist_quantile(const struct velox_hist *h, u32 ppm);
u64 velox_hist_mean(const struct velox_hist *h);
void velox_hist_settle(struct velox_hist *h);
u64 velox_hist_bucket_lo(unsigned int index);
u64 velox_hist_bucket_width(unsigned int index);

#endif /* VELOX_CORE_HIST_H */
