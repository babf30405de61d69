// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite velox_idle: when an idle thread spins, yields or sleeps
 * (core/idle.h), driven with made-up times.
 */
#include <kunit/test.h>

#include "../module/core/idle.h"

#define WINDOW	5000	/* ns */

static void spin_policy_always_spins(struct kunit *test)
{
	struct velox_idle id;
	u64 t;

	velox_idle_init(&id, WINDOW, VELOX_BACKOFF_SPIN);
	for (t = 1000; t < 10 * WINDOW; t += 1000)
		KUNIT_ASSERT_EQ(test, velox_idle_next(&id, t, U64_MAX, true),
				VELOX_IDLE_SPIN);
}

/* Work may come from another thread: the window is spun, then no more. */
static void an_awaiting_thread_spins_the_window_then_sleeps(struct kunit *test)
{
	struct velox_idle id;

	velox_idle_init(&id, WINDOW, VELOX_BACKOFF_SLEEP);
	KUNIT_EXPECT_EQ(test, velox_idle_next(&id, 1000, U64_MAX, true),
			VELOX_IDLE_SPIN);
	KUNIT_EXPECT_EQ(test,
			velox_idle_next(&id, 1000 + WINDOW - 1, U64_MAX, true),
			VELOX_IDLE_SPIN);
	KUNIT_EXPECT_EQ(test, velox_idle_next(&id, 1000 + WINDOW, U64_MAX, true),
			VELOX_IDLE_SLEEP);
}

static void yield_policy_yields_where_sleep_would_sleep(struct kunit *test)
{
	struct velox_idle id;

	velox_idle_init(&id, WINDOW, VELOX_BACKOFF_YIELD);
	velox_idle_next(&id, 0, U64_MAX, true);
	KUNIT_EXPECT_EQ(test, velox_idle_next(&id, WINDOW, U64_MAX, true),
			VELOX_IDLE_YIELD);
}

/* Nothing to await (ingress, not held): far work is slept for at once. */
static void far_work_of_its_own_is_slept_for_at_once(struct kunit *test)
{
	struct velox_idle id;

	velox_idle_init(&id, WINDOW, VELOX_BACKOFF_SLEEP);
	KUNIT_EXPECT_EQ(test,
			velox_idle_next(&id, 1000, 1000 + WINDOW + 1, false),
			VELOX_IDLE_SLEEP);
}

/*
 * The same thread held at a full ring awaits room from the thread
 * downstream: it spins the window before it sleeps to its retry.
 */
static void a_held_thread_spins_the_window_first(struct kunit *test)
{
	struct velox_idle id;
	u64 retry = 1000 + 4 * WINDOW;

	velox_idle_init(&id, WINDOW, VELOX_BACKOFF_SLEEP);
	KUNIT_EXPECT_EQ(test, velox_idle_next(&id, 1000, retry, true),
			VELOX_IDLE_SPIN);
	KUNIT_EXPECT_EQ(test, velox_idle_next(&id, 1000 + WINDOW, retry, true),
			VELOX_IDLE_SLEEP);
}

/* Work of its own due within the window: spin to it, awaiting or not. */
static void work_due_within_the_window_is_spun_for(struct kunit *test)
{
	struct velox_idle id;

	velox_idle_init(&id, WINDOW, VELOX_BACKOFF_SLEEP);
	KUNIT_EXPECT_EQ(test, velox_idle_next(&id, 1000, 1000 + WINDOW, false),
			VELOX_IDLE_SPIN);
	velox_idle_init(&id, WINDOW, VELOX_BACKOFF_SLEEP);
	velox_idle_next(&id, 0, U64_MAX, true);
	KUNIT_EXPECT_EQ(test, velox_idle_next(&id, 10 * WINDOW,
					      10 * WINDOW + WINDOW, true),
			VELOX_IDLE_SPIN);
	/* Already due (a clock read before the deadline passed). */
	KUNIT_EXPECT_EQ(test, velox_idle_next(&id, 10 * WINDOW, 1, true),
			VELOX_IDLE_SPIN);
}

/* Work done ends the stretch: the window counts from the next idle step. */
static void reset_starts_a_new_window(struct kunit *test)
{
	struct velox_idle id;

	velox_idle_init(&id, WINDOW, VELOX_BACKOFF_SLEEP);
	velox_idle_next(&id, 0, U64_MAX, true);
	KUNIT_EXPECT_EQ(test, velox_idle_next(&id, WINDOW, U64_MAX, true),
			VELOX_IDLE_SLEEP);
	velox_idle_reset(&id);
	KUNIT_EXPECT_EQ(test, velox_idle_next(&id, 2 * WINDOW, U64_MAX, true),
			VELOX_IDLE_SPIN);
	KUNIT_EXPECT_EQ(test,
			velox_idle_next(&id, 3 * WINDOW - 1, U64_MAX, true),
			VELOX_IDLE_SPIN);
	KUNIT_EXPECT_EQ(test, velox_idle_next(&id, 3 * WINDOW, U64_MAX, true),
			VELOX_IDLE_SLEEP);
}

static struct kunit_case velox_idle_cases[] = {
	KUNIT_CASE(spin_policy_always_spins),
	KUNIT_CASE(an_awaiting_thread_spins_the_window_then_sleeps),
	KUNIT_CASE(yield_policy_yields_where_sleep_would_sleep),
	KUNIT_CASE(far_work_of_its_own_is_slept_for_at_once),
	KUNIT_CASE(a_held_thread_spins_the_window_first),
	KUNIT_CASE(work_due_within_the_window_is_spun_for),
	KUNIT_CASE(reset_starts_a_new_window),
	{}
};

static struct kunit_suite velox_idle_suite = {
	.name = "velox_idle",
	.test_cases = velox_idle_cases,
};

kunit_test_suite(velox_idle_suite);
