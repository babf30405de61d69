// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite velox_backoff: the spin → yield → sleep escalation and the
 * cap, as each policy allows.
 */
#include <kunit/test.h>

#include "../module/core/backoff.h"

/* Rounds until the first request other than "spun", or @limit. */
static u32 rounds_until(struct velox_backoff *b, enum velox_backoff_action want,
			u32 limit)
{
	u32 n;

	for (n = 1; n <= limit; n++)
		if (velox_backoff_wait(b) == want)
			return n;
	return 0;
}

static void spin_doubles_up_to_the_cap(struct kunit *test)
{
	struct velox_backoff b;

	velox_backoff_init(&b, 16, VELOX_BACKOFF_SPIN);
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

static void spin_policy_never_yields_or_sleeps(struct kunit *test)
{
	struct velox_backoff b;
	u32 i;

	velox_backoff_init(&b, 4, VELOX_BACKOFF_SPIN);
	for (i = 0; i < 1000; i++)
		KUNIT_ASSERT_EQ(test, velox_backoff_wait(&b), VELOX_BACKOFF_SPUN);
}

static void yield_policy_yields_after_rounds_at_cap(struct kunit *test)
{
	struct velox_backoff b;

	velox_backoff_init(&b, 4, VELOX_BACKOFF_YIELD);
	/* 1, 2 spins below the cap, then 8 rounds at the cap. */
	KUNIT_EXPECT_EQ(test, rounds_until(&b, VELOX_BACKOFF_DO_YIELD, 100),
			2 + VELOX_BACKOFF_ROUNDS_TO_YIELD);
	KUNIT_EXPECT_EQ(test, rounds_until(&b, VELOX_BACKOFF_DO_SLEEP, 1000), 0);
}

static void sleep_policy_sleeps_after_yielding(struct kunit *test)
{
	struct velox_backoff b;

	velox_backoff_init(&b, 1, VELOX_BACKOFF_SLEEP);
	KUNIT_EXPECT_EQ(test, rounds_until(&b, VELOX_BACKOFF_DO_YIELD, 100),
			VELOX_BACKOFF_ROUNDS_TO_YIELD);
	KUNIT_EXPECT_EQ(test, rounds_until(&b, VELOX_BACKOFF_DO_SLEEP, 100),
			VELOX_BACKOFF_ROUNDS_TO_SLEEP - VELOX_BACKOFF_ROUNDS_TO_YIELD);
	/* Once sleeping, it keeps asking to sleep. */
	KUNIT_EXPECT_EQ(test, velox_backoff_wait(&b), VELOX_BACKOFF_DO_SLEEP);
}

static void reset_starts_over(struct kunit *test)
{
	struct velox_backoff b;

	velox_backoff_init(&b, 1, VELOX_BACKOFF_SLEEP);
	rounds_until(&b, VELOX_BACKOFF_DO_SLEEP, 100);
	velox_backoff_reset(&b);
	KUNIT_EXPECT_EQ(test, velox_backoff_wait(&b), VELOX_BACKOFF_SPUN);
	KUNIT_EXPECT_EQ(test, b.rounds, 1);
}

static void zero_cap_means_one(struct kunit *test)
{
	struct velox_backoff b;

	velox_backoff_init(&b, 0, VELOX_BACKOFF_SPIN);
	KUNIT_EXPECT_EQ(test, b.cap, 1);
}

static struct kunit_case velox_backoff_cases[] = {
	KUNIT_CASE(spin_doubles_up_to_the_cap),
	KUNIT_CASE(spin_policy_never_yields_or_sleeps),
	KUNIT_CASE(yield_policy_yields_after_rounds_at_cap),
	KUNIT_CASE(sleep_policy_sleeps_after_yielding),
	KUNIT_CASE(reset_starts_over),
	KUNIT_CASE(zero_cap_means_one),
	{}
};

static struct kunit_suite velox_backoff_suite = {
	.name = "velox_backoff",
	.test_cases = velox_backoff_cases,
};

kunit_test_suite(velox_backoff_suite);
