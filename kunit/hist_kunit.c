// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite velox_hist: bucket geometry, exactness below 128 ns,
 * quantile accuracy against exact nearest-rank quantiles of uniform,
 * log-normal and bimodal data, and merging.
 */
#include <kunit/test.h>
#include <linux/limits.h>
#include <linux/slab.h>
#include <linux/sort.h>

#include "../module/core/hist.h"

static struct velox_hist *new_hist(struct kunit *test)
{
	struct velox_hist *h = kunit_kzalloc(test, sizeof(*h), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, h);
	velox_hist_init(h);
	return h;
}

static void fits_in_16_kib(struct kunit *test)
{
	KUNIT_EXPECT_LE(test, sizeof(struct velox_hist), 16384);
}

static void empty_histogram_reports_nothing(struct kunit *test)
{
	struct velox_hist *h = new_hist(test);

	KUNIT_EXPECT_EQ(test, velox_hist_count(h), 0);
	KUNIT_EXPECT_EQ(test, velox_hist_quantile(h, 500000), 0);
	KUNIT_EXPECT_EQ(test, velox_hist_mean(h), 0);
	KUNIT_EXPECT_EQ(test, h->min, U64_MAX);
}

static void values_below_128_are_exact(struct kunit *test)
{
	struct velox_hist *h = new_hist(test);
	u64 v;

	for (v = 0; v < 128; v++) {
		KUNIT_EXPECT_EQ(test, velox_hist_index(v), v);
		velox_hist_record(h, v);
	}
	/* Rank k of 0..127 is the value k - 1. */
	for (v = 1; v <= 128; v++)
		KUNIT_EXPECT_EQ(test, velox_hist_quantile(h, v * 1000000 / 128),
				v - 1);
}

/* 2^k starts a bucket, 2^k - 1 ends the one before, for every k. */
static void bucket_edges_at_every_power_of_two(struct kunit *test)
{
	unsigned int k, i;

	for (k = 7; k < VELOX_HIST_LIMIT_SHIFT; k++) {
		u64 p = 1ull << k;

		i = velox_hist_index(p);
		KUNIT_EXPECT_EQ(test, velox_hist_index(p - 1) + 1, i);
		KUNIT_EXPECT_EQ(test, velox_hist_bucket_lo(i), p);
		/* 64 buckets of width 2^(k-6) cover [2^k, 2^(k+1)). */
		KUNIT_EXPECT_EQ(test, velox_hist_bucket_width(i), p >> 6);
		KUNIT_EXPECT_EQ(test, velox_hist_index(2 * p - 1), i + 63);
	}
}

/* Every value lies in [lo, lo + width) of its bucket. */
static void every_value_lies_in_its_bucket(struct kunit *test)
{
	u64 v = 1;

	while (v < VELOX_HIST_LIMIT) {
		unsigned int i = velox_hist_index(v);
		u64 lo = velox_hist_bucket_lo(i);

		KUNIT_ASSERT_LE(test, lo, v);
		KUNIT_ASSERT_LT(test, v - lo, velox_hist_bucket_width(i));
		/* Width at most 1/64 of the values it holds. */
		KUNIT_ASSERT_LE(test, velox_hist_bucket_width(i) * 64, max_t(u64, lo, 64));
		v += v / 7 + 1;
	}
}

static void limit_and_above_go_to_overflow(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, velox_hist_index(VELOX_HIST_LIMIT), VELOX_HIST_OVERFLOW);
	KUNIT_EXPECT_EQ(test, velox_hist_index(U64_MAX), VELOX_HIST_OVERFLOW);
	KUNIT_EXPECT_EQ(test, velox_hist_index(VELOX_HIST_LIMIT - 1),
			VELOX_HIST_OVERFLOW - 1);
	KUNIT_EXPECT_EQ(test, VELOX_HIST_OVERFLOW, VELOX_HIST_BUCKETS - 1);
}

static void count_sum_min_max_are_exact(struct kunit *test)
{
	struct velox_hist *h = new_hist(test);

	velox_hist_record(h, 5000);
	velox_hist_record(h, 300);
	velox_hist_record(h, 123456789);
	KUNIT_EXPECT_EQ(test, velox_hist_count(h), 3);
	KUNIT_EXPECT_EQ(test, h->sum, 5000 + 300 + 123456789);
	KUNIT_EXPECT_EQ(test, h->min, 300);
	KUNIT_EXPECT_EQ(test, h->max, 123456789);
	KUNIT_EXPECT_EQ(test, velox_hist_mean(h), (5000 + 300 + 123456789) / 3);
}

static void quantile_stays_within_min_and_max(struct kunit *test)
{
	struct velox_hist *h = new_hist(test);

	/* 1000003 is mid-bucket: unclamped, its midpoint would differ. */
	velox_hist_record(h, 1000003);
	KUNIT_EXPECT_EQ(test, velox_hist_quantile(h, 0), 1000003);
	KUNIT_EXPECT_EQ(test, velox_hist_quantile(h, 500000), 1000003);
	KUNIT_EXPECT_EQ(test, velox_hist_quantile(h, 1000000), 1000003);
	velox_hist_record(h, VELOX_HIST_LIMIT * 4);
	KUNIT_EXPECT_EQ(test, velox_hist_quantile(h, 1000000), VELOX_HIST_LIMIT * 4);
	KUNIT_EXPECT_EQ(test, velox_hist_quantile(h, 999999), VELOX_HIST_LIMIT * 4);
}

/* Deterministic data: xorshift64*, then shaped per distribution. */
static u64 rng_next(u64 *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dull;
}

enum dist { DIST_UNIFORM, DIST_LOGNORMAL, DIST_BIMODAL };

static u64 sample(enum dist d, u64 *s)
{
	u64 r = rng_next(s), z = 0;
	int i;

	switch (d) {
	case DIST_UNIFORM:	/* 1 ns .. 10 ms */
		return 1 + r % 10000000;
	case DIST_LOGNORMAL:
		/*
		 * log2 of the value is normal, mean 17 (131 us), sd 1.5:
		 * a sum of 12 uniforms in 16.16 fixed point, then 2^x
		 * with the fraction interpolated linearly.
		 */
		for (i = 0; i < 12; i++)
			z += rng_next(s) & 0xffff;
		z = (17ull << 16) + (z - (6ull << 16)) * 3 / 2;
		return ((1ull << (z >> 16)) * (0x10000 + (z & 0xffff))) >> 16;
	case DIST_BIMODAL:	/* 70 % near 20 us, 30 % near 800 us */
		if (r % 10 < 7)
			return 18000 + rng_next(s) % 4000;
		return 700000 + rng_next(s) % 200000;
	}
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

static const enum dist dists[] = { DIST_UNIFORM, DIST_LOGNORMAL, DIST_BIMODAL };

static void dist_desc(const enum dist *d, char *desc)
{
	static const char * const names[] = { "uniform", "lognormal", "bimodal" };

	strscpy(desc, names[*d], KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(dist, dists, dist_desc);

#define NSAMPLES 20000

/* Every quantile within 0.8 % of the exact nearest-rank value. */
static void quantiles_within_0_8_percent(struct kunit *test)
{
	static const u32 ppms[] = { 1000, 100000, 250000, 500000, 750000,
				    900000, 990000, 999000, 999900, 1000000 };
	enum dist d = *(const enum dist *)test->param_value;
	struct velox_hist *h = new_hist(test);
	u64 *v, seed = 0x9e3779b97f4a7c15ull, exact, got;
	unsigned int i;

	v = kunit_kmalloc_array(test, NSAMPLES, sizeof(*v), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, v);
	for (i = 0; i < NSAMPLES; i++) {
		v[i] = sample(d, &seed);
		velox_hist_record(h, v[i]);
	}
	sort(v, NSAMPLES, sizeof(*v), cmp_u64, NULL);

	for (i = 0; i < ARRAY_SIZE(ppms); i++) {
		u64 rank = DIV_ROUND_UP((u64)NSAMPLES * ppms[i], 1000000);

		exact = v[max_t(u64, rank, 1) - 1];
		got = velox_hist_quantile(h, ppms[i]);
		KUNIT_EXPECT_LE_MSG(test, (got > exact ? got - exact : exact - got) * 1000,
				    exact * 8,
				    "ppm %u: exact %llu, histogram %llu",
				    ppms[i], exact, got);
	}
}

static void merge_equals_recording_into_one(struct kunit *test)
{
	struct velox_hist *a = new_hist(test), *b = new_hist(test);
	struct velox_hist *all = new_hist(test);
	u64 seed = 42, x;
	int i;

	for (i = 0; i < 5000; i++) {
		x = sample(DIST_LOGNORMAL, &seed);
		velox_hist_record(i % 3 ? a : b, x);
		velox_hist_record(all, x);
	}
	velox_hist_merge(a, b);
	KUNIT_EXPECT_EQ(test, memcmp(a, all, sizeof(*a)), 0);
}

static void merge_of_empty_changes_nothing(struct kunit *test)
{
	struct velox_hist *a = new_hist(test), *empty = new_hist(test);
	struct velox_hist *copy = new_hist(test);

	velox_hist_record(a, 777);
	velox_hist_record(a, 12);
	memcpy(copy, a, sizeof(*a));
	velox_hist_merge(a, empty);
	KUNIT_EXPECT_EQ(test, memcmp(a, copy, sizeof(*a)), 0);
	velox_hist_merge(empty, a);
	KUNIT_EXPECT_EQ(test, memcmp(empty, a, sizeof(*a)), 0);
}

/* The last value a bucket holds. */
static u64 bucket_hi(unsigned int i)
{
	return velox_hist_bucket_lo(i) + (velox_hist_bucket_width(i) - 1);
}

/*
 * A merge caught while a CPU recorded: a bucket counted without its count
 * or min, a min of 0 no bucket holds.  The buckets decide.
 */
static void settle_makes_a_torn_read_agree_with_its_buckets(struct kunit *test)
{
	struct velox_hist *h = new_hist(test);
	unsigned int i300 = velox_hist_index(300), i700 = velox_hist_index(700);

	velox_hist_record(h, 1000);
	velox_hist_record(h, 5000);
	h->buckets[i300]++;		/* a record half seen */
	velox_hist_settle(h);
	KUNIT_EXPECT_EQ(test, h->count, 3);
	KUNIT_EXPECT_GE(test, h->min, velox_hist_bucket_lo(i300));
	KUNIT_EXPECT_LE(test, h->min, bucket_hi(i300));
	KUNIT_EXPECT_EQ(test, h->max, 5000);

	h = new_hist(test);
	velox_hist_record(h, 700);
	h->min = 0;			/* a min that no bucket holds */
	velox_hist_settle(h);
	KUNIT_EXPECT_GE(test, h->min, velox_hist_bucket_lo(i700));
	KUNIT_EXPECT_LE(test, h->min, bucket_hi(i700));
	KUNIT_EXPECT_EQ(test, velox_hist_quantile(h, 500000),
			velox_hist_quantile(h, 0));
}

/* Exact values stay exact; no buckets means empty, whatever count said. */
static void settle_keeps_exact_values_and_empties_an_empty_one(struct kunit *test)
{
	struct velox_hist *h = new_hist(test);

	velox_hist_record(h, 1234);
	velox_hist_record(h, 98765);
	velox_hist_settle(h);
	KUNIT_EXPECT_EQ(test, h->count, 2);
	KUNIT_EXPECT_EQ(test, h->min, 1234);
	KUNIT_EXPECT_EQ(test, h->max, 98765);

	h = new_hist(test);
	h->count = 2;
	h->min = 5;
	h->max = 9;
	velox_hist_settle(h);
	KUNIT_EXPECT_EQ(test, h->count, 0);
	KUNIT_EXPECT_EQ(test, h->min, U64_MAX);
	KUNIT_EXPECT_EQ(test, h->max, 0);
}

static struct kunit_case velox_hist_cases[] = {
	KUNIT_CASE(fits_in_16_kib),
	KUNIT_CASE(empty_histogram_reports_nothing),
	KUNIT_CASE(values_below_128_are_exact),
	KUNIT_CASE(bucket_edges_at_every_power_of_two),
	KUNIT_CASE(every_value_lies_in_its_bucket),
	KUNIT_CASE(limit_and_above_go_to_overflow),
	KUNIT_CASE(count_sum_min_max_are_exact),
	KUNIT_CASE(quantile_stays_within_min_and_max),
	KUNIT_CASE_PARAM(quantiles_within_0_8_percent, dist_gen_params),
	KUNIT_CASE(merge_equals_recording_into_one),
	KUNIT_CASE(merge_of_empty_changes_nothing),
	KUNIT_CASE(settle_makes_a_torn_read_agree_with_its_buckets),
	KUNIT_CASE(settle_keeps_exact_values_and_empties_an_empty_one),
	{}
};

static struct kunit_suite velox_hist_suite = {
	.name = "velox_hist",
	.test_cases = velox_hist_cases,
};

kunit_test_suite(velox_hist_suite);
