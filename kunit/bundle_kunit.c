// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite velox_bundle: every flush rule of the bundler (full, timeout
 * of the oldest transaction, drain), with the caller's clock.
 */
#include <kunit/test.h>
#include <linux/limits.h>

#include "../module/core/bundle.h"
#include "../module/core/txn.h"

#define TIMEOUT 1000

struct fixture {
	struct velox_bundler b;
	struct velox_bundle bundle;
};

static struct fixture *setup(struct kunit *test, u32 size)
{
	struct fixture *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, f);
	velox_bundler_init(&f->b, size, TIMEOUT);
	return f;
}

static struct velox_txn txn(u64 id)
{
	return (struct velox_txn){ .id = id, .ts_ns = id * 10, .qty = 1 };
}

/* Append one transaction as the lane does (a ring pops into the bundle). */
static bool add(struct fixture *f, u64 id, u64 now)
{
	f->bundle.txns[f->bundle.count] = txn(id);
	return velox_bundler_filled(&f->b, &f->bundle, 1, now);
}

static void fills_to_16_then_flushes_full(struct kunit *test)
{
	struct fixture *f = setup(test, VELOX_BUNDLE_MAX);
	u64 i;

	for (i = 0; i < VELOX_BUNDLE_MAX - 1; i++)
		KUNIT_ASSERT_FALSE(test, add(f, i, 100 + i));
	KUNIT_ASSERT_TRUE(test, add(f, 15, 200));
	KUNIT_EXPECT_EQ(test, f->bundle.count, VELOX_BUNDLE_MAX);
	KUNIT_EXPECT_EQ(test, f->bundle.reason, VELOX_FLUSH_FULL);
	KUNIT_EXPECT_EQ(test, f->bundle.flush_ns, 200);
}

static void smaller_size_flushes_at_that_size(struct kunit *test)
{
	struct fixture *f = setup(test, 4);

	KUNIT_EXPECT_FALSE(test, add(f, 1, 0));
	KUNIT_EXPECT_FALSE(test, add(f, 2, 0));
	KUNIT_EXPECT_FALSE(test, add(f, 3, 0));
	KUNIT_EXPECT_TRUE(test, add(f, 4, 0));
	KUNIT_EXPECT_EQ(test, f->bundle.count, 4);
}

static void size_is_clamped_to_1_and_16(struct kunit *test)
{
	struct fixture *f = setup(test, 0);

	KUNIT_EXPECT_TRUE(test, add(f, 1, 0));
	velox_bundler_init(&f->b, 99, TIMEOUT);
	KUNIT_EXPECT_EQ(test, f->b.size, VELOX_BUNDLE_MAX);
}

static void no_flush_before_the_timeout(struct kunit *test)
{
	struct fixture *f = setup(test, 16);

	add(f, 1, 5000);
	KUNIT_EXPECT_FALSE(test, velox_bundler_poll(&f->b, &f->bundle,
						    5000 + TIMEOUT - 1));
	KUNIT_EXPECT_EQ(test, f->bundle.count, 1);
}

/* The clock starts at the first transaction, not the latest. */
static void timeout_counts_from_the_oldest(struct kunit *test)
{
	struct fixture *f = setup(test, 16);

	add(f, 1, 5000);
	add(f, 2, 5900);
	KUNIT_EXPECT_EQ(test, velox_bundler_deadline(&f->b, &f->bundle),
			5000 + TIMEOUT);
	KUNIT_ASSERT_TRUE(test, velox_bundler_poll(&f->b, &f->bundle,
						   5000 + TIMEOUT));
	KUNIT_EXPECT_EQ(test, f->bundle.reason, VELOX_FLUSH_TIMEOUT);
	KUNIT_EXPECT_EQ(test, f->bundle.count, 2);
	KUNIT_EXPECT_EQ(test, f->bundle.flush_ns, 5000 + TIMEOUT);
}

static void next_bundle_restarts_the_clock(struct kunit *test)
{
	struct fixture *f = setup(test, 2);

	add(f, 1, 0);
	KUNIT_ASSERT_TRUE(test, add(f, 2, 10));
	f->bundle.count = 0;		/* the caller opens a new bundle */
	add(f, 3, 800);
	KUNIT_EXPECT_FALSE(test, velox_bundler_poll(&f->b, &f->bundle, TIMEOUT));
	KUNIT_EXPECT_TRUE(test, velox_bundler_poll(&f->b, &f->bundle,
						   800 + TIMEOUT));
}

static void empty_bundle_never_flushes(struct kunit *test)
{
	struct fixture *f = setup(test, 16);

	KUNIT_EXPECT_FALSE(test, velox_bundler_poll(&f->b, &f->bundle, U64_MAX));
	KUNIT_EXPECT_FALSE(test, velox_bundler_drain(&f->b, &f->bundle, 1));
	KUNIT_EXPECT_EQ(test, velox_bundler_deadline(&f->b, &f->bundle), U64_MAX);
	KUNIT_EXPECT_EQ(test, f->b.seq, 0);
}

static void drain_flushes_a_partial_bundle(struct kunit *test)
{
	struct fixture *f = setup(test, 16);

	add(f, 1, 0);
	add(f, 2, 0);
	KUNIT_ASSERT_TRUE(test, velox_bundler_drain(&f->b, &f->bundle, 77));
	KUNIT_EXPECT_EQ(test, f->bundle.reason, VELOX_FLUSH_DRAIN);
	KUNIT_EXPECT_EQ(test, f->bundle.count, 2);
	KUNIT_EXPECT_EQ(test, f->bundle.flush_ns, 77);
}

static void sequence_and_reason_follow_every_flush(struct kunit *test)
{
	struct fixture *f = setup(test, 2);

	add(f, 1, 0);
	add(f, 2, 0);				/* full: seq 0 */
	KUNIT_EXPECT_EQ(test, f->bundle.seq, 0);
	KUNIT_EXPECT_EQ(test, f->bundle.reason, VELOX_FLUSH_FULL);
	f->bundle.count = 0;
	add(f, 3, 0);
	velox_bundler_poll(&f->b, &f->bundle, TIMEOUT);	/* timeout: seq 1 */
	KUNIT_EXPECT_EQ(test, f->bundle.seq, 1);
	KUNIT_EXPECT_EQ(test, f->bundle.reason, VELOX_FLUSH_TIMEOUT);
	f->bundle.count = 0;
	add(f, 4, 0);
	velox_bundler_drain(&f->b, &f->bundle, 0);	/* drain: seq 2 */
	KUNIT_EXPECT_EQ(test, f->bundle.seq, 2);
	KUNIT_EXPECT_EQ(test, f->bundle.reason, VELOX_FLUSH_DRAIN);
}

/* A burst popped straight into the bundle counts whole, once. */
static void a_burst_appended_at_once_counts_whole(struct kunit *test)
{
	struct fixture *f = setup(test, 16);

	f->bundle.count = 0;
	KUNIT_EXPECT_FALSE(test, velox_bundler_filled(&f->b, &f->bundle, 5, 10));
	KUNIT_EXPECT_EQ(test, f->bundle.count, 5);
	KUNIT_EXPECT_EQ(test, velox_bundler_deadline(&f->b, &f->bundle),
			10 + TIMEOUT);
	KUNIT_EXPECT_TRUE(test, velox_bundler_filled(&f->b, &f->bundle, 11, 20));
	KUNIT_EXPECT_EQ(test, f->bundle.count, 16);
	KUNIT_EXPECT_EQ(test, f->bundle.reason, VELOX_FLUSH_FULL);
	KUNIT_EXPECT_FALSE(test, velox_bundler_filled(&f->b, &f->bundle, 0, 30));
}

static struct kunit_case velox_bundle_cases[] = {
	KUNIT_CASE(fills_to_16_then_flushes_full),
	KUNIT_CASE(smaller_size_flushes_at_that_size),
	KUNIT_CASE(size_is_clamped_to_1_and_16),
	KUNIT_CASE(no_flush_before_the_timeout),
	KUNIT_CASE(timeout_counts_from_the_oldest),
	KUNIT_CASE(next_bundle_restarts_the_clock),
	KUNIT_CASE(empty_bundle_never_flushes),
	KUNIT_CASE(drain_flushes_a_partial_bundle),
	KUNIT_CASE(sequence_and_reason_follow_every_flush),
	KUNIT_CASE(a_burst_appended_at_once_counts_whole),
	{}
};

static struct kunit_suite velox_bundle_suite = {
	.name = "velox_bundle",
	.test_cases = velox_bundle_cases,
};

kunit_test_suite(velox_bundle_suite);
