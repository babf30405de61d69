// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite velox_backoff: a lost race's spin doubles up to the cap and
 * starts over on success.
 */
#include <kunit/test.h>

#include "../module/core/backoff.h"

static void spin_doubles_up_to_the_cap(struct kunit *test)
{
	struct velox_backoff b;

	velox_backoff_init(&b, 16);
	KUNIT_EXPECT_EQ(test, b.spin, 1);
	velox_backoff_wait(&b);
	KUNIT_EXPECT_EQ(test, b.spin, 2);
	velox_backoff_wait(&b);
	velox_backoff_wait(&b);
	velox_backoff_wait(&b);
	KUNIT_EXPECT_EQ(test, b.spin, 16);
	velox_backoff_wait(&b);
	KUNIT_EXPECT_EQ(test, b.spin, 16);
}

static void a_cap_not_a_power_of_two_is_reached(struct kunit *test)
{
	struct velox_backoff b;

	velox_backoff_init(&b, 5);
	velox_backoff_wait(&b);
	velox_backoff_wait(&b);
	velox_backoff_wait(&b);
	KUNIT_EXPECT_EQ(test, b.spin, 5);
}

static void reset_starts_over(struct kunit *test)
{
	struct velox_backoff b;

	velox_backoff_init(&b, 64);
	velox_backoff_wait(&b);
	velox_backoff_wait(&b);
	velox_backoff_reset(&b);
	KUNIT_EXPECT_EQ(test, b.spin, 1);
}

static void zero_cap_means_one(struct kunit *test)
{
	struct velox_backoff b;

	velox_backoff_init(&b, 0);
	KUNIT_EXPECT_EQ(test, b.cap, 1);
	velox_backoff_wait(&b);
	KUNIT_EXPECT_EQ(test, b.spin, 1);
}

static struct kunit_case velox_backoff_cases[] = {
	KUNIT_CASE(spin_doubles_up_to_the_cap),
	KUNIT_CASE(a_cap_not_a_power_of_two_is_reached),
	KUNIT_CASE(reset_starts_over),
	KUNIT_CASE(zero_cap_means_one),
	{}
};

static struct kunit_suite velox_backoff_suite = {
	.name = "velox_backoff",
	.test_cases = velox_backoff_cases,
};

kunit_test_suite(velox_backoff_suite);
