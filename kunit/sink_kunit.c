// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite velox_sink: summing sinks, as the publisher does every
 * interval: every counter of the uapi struct, and only those.
 */
#include <kunit/test.h>
#include <linux/stddef.h>
#include <linux/string.h>
#include <linux/velox.h>

#include "../module/core/sink.h"

/* Word @i of the counters, whatever its name. */
static u64 *word(struct velox_counters *c, unsigned int i)
{
	return (u64 *)c + i;
}

/* No counter is left out of the sum: each word is added, none twice. */
static void counters_add_sums_every_counter(struct kunit *test)
{
	struct velox_counters a = {}, sum = {};
	unsigned int i;

	for (i = 0; i < VELOX_NR_COUNTERS; i++)
		*word(&a, i) = i + 1;
	velox_counters_add(&sum, &a);
	velox_counters_add(&sum, &a);
	for (i = 0; i < VELOX_NR_COUNTERS; i++)
		KUNIT_EXPECT_EQ_MSG(test, *word(&sum, i), 2 * (i + 1),
				    "counter word %u", i);
	/* By name too, for the ones that were copied by hand before. */
	KUNIT_EXPECT_EQ(test, sum.generated, 2 * a.generated);
	KUNIT_EXPECT_EQ(test, sum.flushes[VELOX_FLUSH_DRAIN],
			2 * a.flushes[VELOX_FLUSH_DRAIN]);
	KUNIT_EXPECT_EQ(test, sum.cas_retries, 2 * a.cas_retries);
	KUNIT_EXPECT_EQ(test, sum.idle_sleeps, 2 * a.idle_sleeps);
}

/* The reserved tail is not a counter: it stays zero in a sum. */
static void counters_add_leaves_the_reserved_tail_alone(struct kunit *test)
{
	struct velox_counters a, sum = {};
	unsigned int i;

	memset(&a, 0xff, sizeof(a));
	velox_counters_add(&sum, &a);
	for (i = 0; i < ARRAY_SIZE(sum.__reserved); i++)
		KUNIT_EXPECT_EQ(test, sum.__reserved[i], 0);
	KUNIT_EXPECT_EQ(test, VELOX_NR_COUNTERS * sizeof(u64),
			offsetof(struct velox_counters, __reserved));
}

static void sink_merge_adds_counters_and_histograms(struct kunit *test)
{
	struct velox_sink *a = kunit_kzalloc(test, sizeof(*a), GFP_KERNEL);
	struct velox_sink *sum = kunit_kzalloc(test, sizeof(*sum), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_ASSERT_NOT_NULL(test, sum);
	velox_sink_init(a);
	velox_sink_init(sum);
	a->count.delivered = 3;
	velox_hist_record(&a->hist[VELOX_STAGE_E2E], 500);
	velox_hist_record(&a->hist[VELOX_STAGE_E2E], 700);
	velox_sink_merge(a, &sum->count, sum->hist);
	velox_sink_merge(a, &sum->count, sum->hist);
	KUNIT_EXPECT_EQ(test, sum->count.delivered, 6);
	KUNIT_EXPECT_EQ(test, sum->hist[VELOX_STAGE_E2E].count, 4);
	KUNIT_EXPECT_EQ(test, sum->hist[VELOX_STAGE_E2E].min, 500);
	KUNIT_EXPECT_EQ(test, sum->hist[VELOX_STAGE_E2E].max, 700);
	KUNIT_EXPECT_EQ(test, sum->hist[VELOX_STAGE_MATCH].count, 0);
}

static struct kunit_case velox_sink_cases[] = {
	KUNIT_CASE(counters_add_sums_every_counter),
	KUNIT_CASE(counters_add_leaves_the_reserved_tail_alone),
	KUNIT_CASE(sink_merge_adds_counters_and_histograms),
	{}
};

static struct kunit_suite velox_sink_suite = {
	.name = "velox_sink",
	.test_cases = velox_sink_cases,
};

kunit_test_suite(velox_sink_suite);
