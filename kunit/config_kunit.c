// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite velox_config: which configs START accepts (the -EINVAL
 * matrix of the uapi), and how lanes map onto threads.
 */
#include <kunit/test.h>
#include <linux/cpumask.h>
#include <linux/velox.h>

#include "../module/config.h"
#include "../module/core/lane.h"
#include "../module/core/layout.h"

static struct velox_config good_config(void)
{
	return (struct velox_config){
		.size = sizeof(struct velox_config),
		.lanes = 1,
		.rate = 100000,
		.bundle = 16,
		.flush_us = 100,
		.ring = 1024,
		.sample = 1,
		.spin_us = 5,
		.backoff = VELOX_BACKOFF_SLEEP,
		.policy = VELOX_POLICY_DROP,
	};
}

static void a_typical_config_is_accepted(struct kunit *test)
{
	struct velox_config c = good_config();

	KUNIT_EXPECT_NULL(test, velox_config_invalid(&c, cpu_none_mask));
}

static void every_range_edge_is_accepted(struct kunit *test)
{
	struct velox_config c = good_config();

	c.rate = 1;
	c.bundle = 1;
	c.flush_us = 1;
	c.ring = VELOX_RING_MIN;
	c.sample = 1;
	c.spin_us = 1;
	KUNIT_EXPECT_NULL(test, velox_config_invalid(&c, cpu_none_mask));
	c.lanes = velox_max_lanes();
	c.rate = VELOX_RATE_MAX;
	c.bundle = VELOX_BUNDLE_MAX;
	c.flush_us = VELOX_FLUSH_US_MAX;
	c.ring = VELOX_RING_MAX;
	c.sample = VELOX_SAMPLE_MAX;
	c.spin_us = VELOX_SPIN_US_MAX;
	c.backoff = VELOX_BACKOFF_POLICIES - 1;
	c.policy = VELOX_POLICIES - 1;
	c.threads = 4;
	/* CPU 0 is always online. */
	KUNIT_EXPECT_NULL(test, velox_config_invalid(&c, cpumask_of(0)));
}

struct bad_case {
	const char *name;
	const char *field;	/* what velox_config_invalid() must name */
	void (*spoil)(struct velox_config *c);
};

#define BAD(_name, _field, _stmt)					\
static void spoil_##_name(struct velox_config *c) { _stmt; }
#include "config_bad_cases.h"
#undef BAD

static const struct bad_case bad_cases[] = {
#define BAD(_name, _field, _stmt) { #_name, _field, spoil_##_name },
#include "config_bad_cases.h"
#undef BAD
};

static void bad_case_desc(const struct bad_case *b, char *desc)
{
	strscpy(desc, b->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(bad, bad_cases, bad_case_desc);

/* Each out-of-range field alone makes the config invalid, and is named. */
static void each_bad_field_is_refused(struct kunit *test)
{
	const struct bad_case *b = test->param_value;
	struct velox_config c = good_config();

	b->spoil(&c);
	KUNIT_EXPECT_STREQ(test, velox_config_invalid(&c, cpu_none_mask),
			   b->field);
}

static void threads_follow_the_cpus_when_automatic(struct kunit *test)
{
	struct velox_config c = good_config();

	c.rate = VELOX_LAYOUT_ONE_THREAD_RATE * 3 + 1;	/* > the limit, 3 lanes */
	/* Four CPUs named (this machine need not have them). */
	KUNIT_EXPECT_EQ(test, velox_config_threads(&c, 4), 4);
	c.lanes = 2;
	KUNIT_EXPECT_EQ(test, velox_config_threads(&c, 4), 2);
	c.lanes = 3;
	KUNIT_EXPECT_EQ(test, velox_config_threads(&c, 4), 1);
	c.threads = 4;
	KUNIT_EXPECT_EQ(test, velox_config_threads(&c, 4), 4);
}

/* A lane at or below the rate of one thread runs on one, CPUs or not. */
static void a_slow_lane_runs_on_one_thread(struct kunit *test)
{
	struct velox_config c = good_config();

	c.lanes = 2;
	c.rate = 2 * VELOX_LAYOUT_ONE_THREAD_RATE;
	KUNIT_EXPECT_EQ(test, velox_config_threads(&c, 4), 1);
	c.rate++;
	KUNIT_EXPECT_EQ(test, velox_config_threads(&c, 4), 2);
}

/* Whatever the mapping, each stage of a lane runs on exactly one thread. */
static void every_stage_runs_on_exactly_one_thread(struct kunit *test)
{
	static const unsigned int threads[] = { 1, 2, 4 };
	unsigned int i, t;

	for (i = 0; i < ARRAY_SIZE(threads); i++) {
		unsigned int seen = 0;

		for (t = 0; t < threads[i]; t++) {
			unsigned int stages = velox_layout_stages(threads[i], t);

			KUNIT_EXPECT_EQ(test, seen & stages, 0);
			seen |= stages;
		}
		KUNIT_EXPECT_EQ(test, seen, VELOX_LANE_ALL);
	}
}

static struct kunit_case velox_config_cases[] = {
	KUNIT_CASE(a_typical_config_is_accepted),
	KUNIT_CASE(every_range_edge_is_accepted),
	KUNIT_CASE_PARAM(each_bad_field_is_refused, bad_gen_params),
	KUNIT_CASE(threads_follow_the_cpus_when_automatic),
	KUNIT_CASE(a_slow_lane_runs_on_one_thread),
	KUNIT_CASE(every_stage_runs_on_exactly_one_thread),
	{}
};

static struct kunit_suite velox_config_suite = {
	.name = "velox_config",
	.test_cases = velox_config_cases,
};

kunit_test_suite(velox_config_suite);
