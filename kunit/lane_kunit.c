// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite velox_lane: the stage steps of core/lane.c on one thread,
 * with a clock the test moves by hand.
 */
#include <kunit/test.h>
#include <linux/slab.h>
#include <linux/velox.h>

#include "../module/core/lane.h"

#define LEVELS	1024
#define BASE	100000
#define START	1000000ull

static u64 fake_now;

static u64 fake_clock(void)
{
	return fake_now;
}

struct lane_fixture {
	struct velox_book book;
	struct velox_lane *lane;
	struct velox_sink *sink;
};

/* A lane with @ring-slot rings, @period ns between transactions. */
static struct lane_fixture *lane_setup(struct kunit *test, u32 ring,
				       u64 period, u8 policy, u32 bundle,
				       u32 sample)
{
	struct lane_fixture *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);
	u64 *levels = kunit_kcalloc(test, LEVELS, sizeof(u64), GFP_KERNEL);
	size_t rb = (size_t)ring * sizeof(struct velox_txn);
	u8 *slots = kunit_kzalloc(test, 2 * rb + velox_lane_bundle_slots(ring) *
				  sizeof(struct velox_bundle), GFP_KERNEL);
	struct velox_lane_params p = {
		.id = 3,
		.policy = policy,
		.bundle = bundle,
		.flush_ns = 10000,
		.period_fp = period << 16,
		.sample = sample,
		.seed = 42,
		.start_ns = START,
	};

	KUNIT_ASSERT_NOT_NULL(test, f);
	KUNIT_ASSERT_NOT_NULL(test, levels);
	KUNIT_ASSERT_NOT_NULL(test, slots);
	f->lane = kunit_kzalloc(test, sizeof(*f->lane), GFP_KERNEL);
	f->sink = kunit_kzalloc(test, sizeof(*f->sink), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, f->lane);
	KUNIT_ASSERT_NOT_NULL(test, f->sink);
	velox_book_init(&f->book, levels, LEVELS, BASE, 16);
	velox_lane_init(f->lane, &p, &f->book, fake_clock, slots, slots + rb,
			ring, slots + 2 * rb);
	velox_sink_init(f->sink);
	fake_now = START;
	return f;
}

/* Run every stage until the lane is done, moving the clock 1 us a round. */
static void lane_drain(struct kunit *test, struct lane_fixture *f)
{
	int rounds;

	velox_lane_stop(f->lane);
	for (rounds = 0; rounds < 100000; rounds++) {
		if (velox_lane_done(f->lane, VELOX_LANE_ALL))
			return;
		velox_lane_run(f->lane, VELOX_LANE_ALL, f->sink);
		fake_now += 1000;
	}
	KUNIT_FAIL(test, "lane not done after %d rounds", rounds);
}

/* Ingress makes what is due by now, stamped with when it was due. */
static void ingress_stamps_intended_times(struct kunit *test)
{
	struct lane_fixture *f = lane_setup(test, 64, 1000, VELOX_POLICY_DROP,
					    16, 1);
	struct velox_txn t;
	int i;

	fake_now = START + 9999;
	velox_lane_run(f->lane, VELOX_LANE_INGRESS, f->sink);
	KUNIT_EXPECT_EQ(test, f->sink->count.generated, 10);
	for (i = 0; i < 10; i++) {
		KUNIT_ASSERT_TRUE(test, velox_ring_pop(&f->lane->to_matcher, &t,
						       sizeof(t)));
		KUNIT_EXPECT_EQ(test, t.ts_ns, START + i * 1000);
	}
	/* Nothing more is due until the clock moves. */
	velox_lane_run(f->lane, VELOX_LANE_INGRESS, f->sink);
	KUNIT_EXPECT_EQ(test, f->sink->count.generated, 10);
}

/* A period of 100.5 ns: the half nanoseconds are carried, not lost. */
static void ingress_period_fraction_does_not_drift(struct kunit *test)
{
	struct lane_fixture *f = lane_setup(test, 1024, 100, VELOX_POLICY_DROP,
					    16, 1);
	int i;

	f->lane->ingress.period_frac = 0x8000;
	fake_now = START + 1000000;	/* far more than 1024 due */
	for (i = 0; i < 1024 / VELOX_LANE_BURST; i++)
		velox_lane_run(f->lane, VELOX_LANE_INGRESS, f->sink);
	KUNIT_EXPECT_EQ(test, f->sink->count.generated, 1024);
	/* 1024 * 100.5 ns after the first. */
	KUNIT_EXPECT_EQ(test, f->lane->ingress.next_ns, START + 102912);
}

/* Behind schedule, ingress catches up a burst at a time. */
static void ingress_catches_up_by_bursts(struct kunit *test)
{
	struct lane_fixture *f = lane_setup(test, 1024, 100, VELOX_POLICY_DROP,
					    16, 1);

	fake_now = START + 100 * 100 - 1;
	velox_lane_run(f->lane, VELOX_LANE_INGRESS, f->sink);
	KUNIT_EXPECT_EQ(test, f->sink->count.generated, VELOX_LANE_BURST);
	while (velox_lane_run(f->lane, VELOX_LANE_INGRESS, f->sink))
		;
	KUNIT_EXPECT_EQ(test, f->sink->count.generated, 100);
}

static void ingress_drops_at_a_full_ring_under_drop(struct kunit *test)
{
	struct lane_fixture *f = lane_setup(test, 8, 10, VELOX_POLICY_DROP, 16, 1);

	fake_now = START + 32 * 10 - 1;
	velox_lane_run(f->lane, VELOX_LANE_INGRESS, f->sink);
	KUNIT_EXPECT_EQ(test, f->sink->count.generated, 32);
	KUNIT_EXPECT_EQ(test, f->sink->count.dropped, 24);
	KUNIT_EXPECT_EQ(test, f->lane->ingress.dropped, 24);
	KUNIT_EXPECT_EQ(test, velox_ring_count(&f->lane->to_matcher), 8);
}

static void ingress_waits_at_a_full_ring_under_block(struct kunit *test)
{
	struct lane_fixture *f = lane_setup(test, 8, 10, VELOX_POLICY_BLOCK,
					    16, 1);

	fake_now = START + 32 * 10 - 1;
	velox_lane_run(f->lane, VELOX_LANE_INGRESS, f->sink);
	KUNIT_EXPECT_EQ(test, f->sink->count.generated, 32);
	KUNIT_EXPECT_EQ(test, f->sink->count.dropped, 0);
	KUNIT_EXPECT_EQ(test, f->lane->ingress.npend, 24);
	KUNIT_EXPECT_EQ(test, f->sink->count.full_waits, 1);
	/* Held back, then sent in order as the rest of the lane drains. */
	lane_drain(test, f);
	KUNIT_EXPECT_EQ(test, f->sink->count.delivered, 32);
	KUNIT_EXPECT_EQ(test, f->sink->count.seq_errors, 0);
}

static void full_bundles_flush_at_the_bundle_size(struct kunit *test)
{
	struct lane_fixture *f = lane_setup(test, 64, 10, VELOX_POLICY_DROP, 16, 1);
	int i;

	fake_now = START + 64 * 10 - 1;
	for (i = 0; i < 20; i++)
		velox_lane_run(f->lane, VELOX_LANE_ALL, f->sink);
	KUNIT_EXPECT_EQ(test, f->sink->count.delivered, 64);
	KUNIT_EXPECT_EQ(test, f->sink->count.bundles, 4);
	KUNIT_EXPECT_EQ(test, f->sink->count.flushes[VELOX_FLUSH_FULL], 4);
}

/* A partial bundle waits for the timeout, not longer, not less. */
static void partial_bundle_flushes_on_timeout(struct kunit *test)
{
	struct lane_fixture *f = lane_setup(test, 64, 1000, VELOX_POLICY_DROP,
					    16, 1);
	unsigned int downstream = VELOX_LANE_ALL & ~VELOX_LANE_INGRESS;
	int i;

	fake_now = START + 2999;	/* three transactions */
	for (i = 0; i < 5; i++)
		velox_lane_run(f->lane, VELOX_LANE_ALL, f->sink);
	KUNIT_EXPECT_EQ(test, f->sink->count.bundles, 0);
	KUNIT_EXPECT_EQ(test, f->lane->bundler.open.count, 3);

	/* Opened at START + 2999, flush_ns is 10 us; ingress left out now. */
	fake_now = START + 2999 + 9999;
	velox_lane_run(f->lane, downstream, f->sink);
	KUNIT_EXPECT_EQ(test, f->sink->count.bundles, 0);
	fake_now++;
	velox_lane_run(f->lane, downstream, f->sink);
	KUNIT_EXPECT_EQ(test, f->sink->count.bundles, 1);
	KUNIT_EXPECT_EQ(test, f->sink->count.flushes[VELOX_FLUSH_TIMEOUT], 1);
	KUNIT_EXPECT_EQ(test, f->sink->count.delivered, 3);
}

/*
 * A trickle that never fills the bundle: one transaction a step, the clock
 * a microsecond further each step.  The bundle opened with the first must
 * go out when that one has waited flush_ns (10 us), as a timeout, holding
 * the 11 that came by then; not later, as a full bundle of 16.
 */
static void trickle_flushes_on_timeout_while_busy(struct kunit *test)
{
	struct lane_fixture *f = lane_setup(test, 64, 1000, VELOX_POLICY_DROP,
					    16, 1);
	int step;

	for (step = 0; step < 30 && !f->sink->count.bundles; step++) {
		velox_lane_run(f->lane, VELOX_LANE_ALL, f->sink);
		fake_now += 1000;
	}
	KUNIT_EXPECT_EQ(test, step, 11);
	KUNIT_EXPECT_EQ(test, f->sink->count.bundles, 1);
	KUNIT_EXPECT_EQ(test, f->sink->count.flushes[VELOX_FLUSH_TIMEOUT], 1);
	KUNIT_EXPECT_EQ(test, f->sink->count.flushes[VELOX_FLUSH_FULL], 0);
	KUNIT_EXPECT_EQ(test, f->sink->count.delivered, 11);
}

/* After stop, every stage finishes and nothing is lost or repeated. */
static void stop_drains_every_stage(struct kunit *test)
{
	struct lane_fixture *f = lane_setup(test, 16, 50, VELOX_POLICY_DROP, 16, 1);
	struct velox_counters *t = &f->sink->count;
	int i;

	for (i = 0; i < 200; i++) {
		fake_now += 700;	/* 14 due a round: rings overflow */
		velox_lane_run(f->lane, VELOX_LANE_INGRESS, f->sink);
		if (i % 3 == 0)
			velox_lane_run(f->lane,
				       VELOX_LANE_ALL & ~VELOX_LANE_INGRESS,
				       f->sink);
	}
	lane_drain(test, f);
	KUNIT_EXPECT_GT(test, t->generated, 2000);
	KUNIT_EXPECT_GT(test, t->dropped, 0);
	KUNIT_EXPECT_EQ(test, t->generated, t->delivered + t->dropped);
	KUNIT_EXPECT_EQ(test, t->seq_errors, 0);
	KUNIT_EXPECT_EQ(test, velox_ring_count(&f->lane->to_matcher), 0);
	KUNIT_EXPECT_EQ(test, velox_ring_count(&f->lane->to_bundler), 0);
	KUNIT_EXPECT_EQ(test, velox_ring_count(&f->lane->to_output), 0);
	KUNIT_EXPECT_EQ(test, t->delivered, f->lane->output.delivered);
	KUNIT_EXPECT_TRUE(test, velox_book_conserved(&f->book, t));
}

/* The three hops of a sampled transaction add up to its end-to-end time. */
static void stage_latencies_add_up_to_end_to_end(struct kunit *test)
{
	struct lane_fixture *f = lane_setup(test, 64, 300, VELOX_POLICY_DROP, 4, 3);
	struct velox_hist *h = f->sink->hist;
	int i;

	for (i = 0; i < 300; i++) {
		fake_now += 170;
		velox_lane_run(f->lane, VELOX_LANE_ALL, f->sink);
	}
	lane_drain(test, f);
	KUNIT_EXPECT_EQ(test, f->sink->count.sampled,
			f->sink->count.delivered / 3);
	KUNIT_EXPECT_EQ(test, h[VELOX_STAGE_E2E].count, f->sink->count.sampled);
	KUNIT_EXPECT_EQ(test, h[VELOX_STAGE_MATCH].sum +
			h[VELOX_STAGE_BUNDLE].sum + h[VELOX_STAGE_EGRESS].sum,
			h[VELOX_STAGE_E2E].sum);
	KUNIT_EXPECT_GT(test, h[VELOX_STAGE_E2E].sum, 0);
}

/* Output notices a transaction that is not after its predecessor. */
static void output_counts_transactions_out_of_order(struct kunit *test)
{
	struct lane_fixture *f = lane_setup(test, 64, 1000, VELOX_POLICY_DROP,
					    16, 1);
	struct velox_bundle b = { .count = 3, .reason = VELOX_FLUSH_FULL };

	b.txns[0].id = 10;
	b.txns[1].id = 12;
	b.txns[2].id = 12;	/* a duplicate */
	KUNIT_ASSERT_TRUE(test, velox_ring_push(&f->lane->to_output, &b, sizeof(b)));
	b.txns[0].id = 11;	/* goes backwards */
	b.txns[1].id = 13;
	b.txns[2].id = 14;
	KUNIT_ASSERT_TRUE(test, velox_ring_push(&f->lane->to_output, &b, sizeof(b)));
	velox_lane_run(f->lane, VELOX_LANE_OUTPUT, f->sink);
	KUNIT_EXPECT_EQ(test, f->sink->count.delivered, 6);
	KUNIT_EXPECT_EQ(test, f->sink->count.seq_errors, 2);
}

static struct kunit_case velox_lane_cases[] = {
	KUNIT_CASE(ingress_stamps_intended_times),
	KUNIT_CASE(ingress_period_fraction_does_not_drift),
	KUNIT_CASE(ingress_catches_up_by_bursts),
	KUNIT_CASE(ingress_drops_at_a_full_ring_under_drop),
	KUNIT_CASE(ingress_waits_at_a_full_ring_under_block),
	KUNIT_CASE(full_bundles_flush_at_the_bundle_size),
	KUNIT_CASE(partial_bundle_flushes_on_timeout),
	KUNIT_CASE(trickle_flushes_on_timeout_while_busy),
	KUNIT_CASE(stop_drains_every_stage),
	KUNIT_CASE(stage_latencies_add_up_to_end_to_end),
	KUNIT_CASE(output_counts_transactions_out_of_order),
	{}
};

static struct kunit_suite velox_lane_suite = {
	.name = "velox_lane",
	.test_cases = velox_lane_cases,
};

kunit_test_suite(velox_lane_suite);
