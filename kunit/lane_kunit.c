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
	u8 *slots = kunit_kzalloc(test, 2 * rb + velox_lane_bq_capacity(ring) *
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

static void gen_is_deterministic_per_seed(struct kunit *test)
{
	struct velox_book book = { .base = BASE, .nlevels = LEVELS };
	struct velox_gen a, b, c;
	struct velox_txn ta, tb, tc;
	int i, differ = 0;

	velox_gen_init(&a, 7, 0, 1, &book);
	velox_gen_init(&b, 7, 0, 1, &book);
	velox_gen_init(&c, 8, 0, 1, &book);
	for (i = 0; i < 1000; i++) {
		velox_gen_next(&a, &ta, i);
		velox_gen_next(&b, &tb, i);
		velox_gen_next(&c, &tc, i);
		KUNIT_ASSERT_EQ(test, memcmp(&ta, &tb, sizeof(ta)), 0);
		differ += ta.price != tc.price || ta.qty != tc.qty;
	}
	KUNIT_EXPECT_GT(test, differ, 500);
}

static void gen_ids_carry_lane_and_count_from_one(struct kunit *test)
{
	struct velox_book book = { .base = BASE, .nlevels = LEVELS };
	struct velox_gen g;
	struct velox_txn t;
	int i;

	velox_gen_init(&g, 1, 5, 1, &book);
	for (i = 1; i <= 3; i++) {
		velox_gen_next(&g, &t, 0);
		KUNIT_EXPECT_EQ(test, t.id, ((u64)5 << VELOX_ID_LANE_SHIFT) + i);
		KUNIT_EXPECT_EQ(test, t.lane, 5);
	}
}

static void gen_samples_exactly_one_in_n(struct kunit *test)
{
	struct velox_book book = { .base = BASE, .nlevels = LEVELS };
	struct velox_gen g;
	struct velox_txn t;
	int i;

	velox_gen_init(&g, 1, 0, 4, &book);
	for (i = 1; i <= 40; i++) {
		velox_gen_next(&g, &t, 0);
		KUNIT_EXPECT_EQ(test, !!(t.flags & VELOX_TXN_SAMPLED), i % 4 == 0);
	}
}

/* The mix stays inside the book's band and uses every kind and side. */
static void gen_mix_stays_in_band_and_uses_every_kind(struct kunit *test)
{
	struct velox_book book = { .base = BASE, .nlevels = LEVELS };
	unsigned int kinds[3] = {}, sides[2] = {};
	struct velox_gen g;
	struct velox_txn t;
	int i;

	velox_gen_init(&g, 99, 0, 1, &book);
	for (i = 0; i < 100000; i++) {
		velox_gen_next(&g, &t, 0);
		KUNIT_ASSERT_GE(test, t.price, BASE);
		KUNIT_ASSERT_LT(test, t.price, BASE + LEVELS);
		KUNIT_ASSERT_GE(test, t.qty, 1);
		KUNIT_ASSERT_LE(test, t.qty, 64);
		kinds[t.kind]++;
		sides[t.side]++;
	}
	/* 60 / 25 / 15 % by construction; allow wide margins. */
	KUNIT_EXPECT_GT(test, kinds[VELOX_KIND_LIMIT], 55000);
	KUNIT_EXPECT_GT(test, kinds[VELOX_KIND_CANCEL], 20000);
	KUNIT_EXPECT_GT(test, kinds[VELOX_KIND_MARKET], 10000);
	KUNIT_EXPECT_GT(test, sides[VELOX_SIDE_ASK], 45000);
	KUNIT_EXPECT_GT(test, sides[VELOX_SIDE_BID], 45000);
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
	KUNIT_EXPECT_EQ(test, f->sink->tally.generated, 10);
	for (i = 0; i < 10; i++) {
		KUNIT_ASSERT_TRUE(test, velox_ring_pop(&f->lane->txq, &t,
						       sizeof(t)));
		KUNIT_EXPECT_EQ(test, t.ts_ns, START + i * 1000);
	}
	/* Nothing more is due until the clock moves. */
	velox_lane_run(f->lane, VELOX_LANE_INGRESS, f->sink);
	KUNIT_EXPECT_EQ(test, f->sink->tally.generated, 10);
}

/* A period of 100.5 ns: the half nanoseconds are carried, not lost. */
static void ingress_period_fraction_does_not_drift(struct kunit *test)
{
	struct lane_fixture *f = lane_setup(test, 1024, 100, VELOX_POLICY_DROP,
					    16, 1);
	int i;

	f->lane->in.period_frac = 0x8000;
	fake_now = START + 1000000;	/* far more than 1024 due */
	for (i = 0; i < 1024 / VELOX_LANE_BURST; i++)
		velox_lane_run(f->lane, VELOX_LANE_INGRESS, f->sink);
	KUNIT_EXPECT_EQ(test, f->sink->tally.generated, 1024);
	/* 1024 * 100.5 ns after the first. */
	KUNIT_EXPECT_EQ(test, f->lane->in.next_ns, START + 102912);
}

/* Behind schedule, ingress catches up a burst at a time. */
static void ingress_catches_up_by_bursts(struct kunit *test)
{
	struct lane_fixture *f = lane_setup(test, 1024, 100, VELOX_POLICY_DROP,
					    16, 1);

	fake_now = START + 100 * 100 - 1;
	velox_lane_run(f->lane, VELOX_LANE_INGRESS, f->sink);
	KUNIT_EXPECT_EQ(test, f->sink->tally.generated, VELOX_LANE_BURST);
	while (velox_lane_run(f->lane, VELOX_LANE_INGRESS, f->sink))
		;
	KUNIT_EXPECT_EQ(test, f->sink->tally.generated, 100);
}

static void ingress_drops_at_a_full_ring_under_drop(struct kunit *test)
{
	struct lane_fixture *f = lane_setup(test, 8, 10, VELOX_POLICY_DROP, 16, 1);

	fake_now = START + 32 * 10 - 1;
	velox_lane_run(f->lane, VELOX_LANE_INGRESS, f->sink);
	KUNIT_EXPECT_EQ(test, f->sink->tally.generated, 32);
	KUNIT_EXPECT_EQ(test, f->sink->tally.dropped, 24);
	KUNIT_EXPECT_EQ(test, f->lane->in.dropped, 24);
	KUNIT_EXPECT_EQ(test, velox_ring_count(&f->lane->txq), 8);
}

static void ingress_waits_at_a_full_ring_under_block(struct kunit *test)
{
	struct lane_fixture *f = lane_setup(test, 8, 10, VELOX_POLICY_BLOCK,
					    16, 1);

	fake_now = START + 32 * 10 - 1;
	velox_lane_run(f->lane, VELOX_LANE_INGRESS, f->sink);
	KUNIT_EXPECT_EQ(test, f->sink->tally.generated, 32);
	KUNIT_EXPECT_EQ(test, f->sink->tally.dropped, 0);
	KUNIT_EXPECT_EQ(test, f->lane->in.npend, 24);
	KUNIT_EXPECT_EQ(test, f->sink->tally.full_waits, 1);
	/* Held back, then sent in order as the rest of the lane drains. */
	lane_drain(test, f);
	KUNIT_EXPECT_EQ(test, f->sink->tally.delivered, 32);
	KUNIT_EXPECT_EQ(test, f->sink->tally.seq_errors, 0);
}

static void full_bundles_flush_at_the_bundle_size(struct kunit *test)
{
	struct lane_fixture *f = lane_setup(test, 64, 10, VELOX_POLICY_DROP, 16, 1);
	int i;

	fake_now = START + 64 * 10 - 1;
	for (i = 0; i < 20; i++)
		velox_lane_run(f->lane, VELOX_LANE_ALL, f->sink);
	KUNIT_EXPECT_EQ(test, f->sink->tally.delivered, 64);
	KUNIT_EXPECT_EQ(test, f->sink->tally.bundles, 4);
	KUNIT_EXPECT_EQ(test, f->sink->tally.flushes[VELOX_FLUSH_FULL], 4);
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
	KUNIT_EXPECT_EQ(test, f->sink->tally.bundles, 0);
	KUNIT_EXPECT_EQ(test, f->lane->bun.open.count, 3);

	/* Opened at START + 2999, flush_ns is 10 us; ingress left out now. */
	fake_now = START + 2999 + 9999;
	velox_lane_run(f->lane, downstream, f->sink);
	KUNIT_EXPECT_EQ(test, f->sink->tally.bundles, 0);
	fake_now++;
	velox_lane_run(f->lane, downstream, f->sink);
	KUNIT_EXPECT_EQ(test, f->sink->tally.bundles, 1);
	KUNIT_EXPECT_EQ(test, f->sink->tally.flushes[VELOX_FLUSH_TIMEOUT], 1);
	KUNIT_EXPECT_EQ(test, f->sink->tally.delivered, 3);
}

/* After stop, every stage finishes and nothing is lost or repeated. */
static void stop_drains_every_stage(struct kunit *test)
{
	struct lane_fixture *f = lane_setup(test, 16, 50, VELOX_POLICY_DROP, 16, 1);
	struct velox_tally *t = &f->sink->tally;
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
	KUNIT_EXPECT_EQ(test, velox_ring_count(&f->lane->txq), 0);
	KUNIT_EXPECT_EQ(test, velox_ring_count(&f->lane->mq), 0);
	KUNIT_EXPECT_EQ(test, velox_ring_count(&f->lane->bq), 0);
	KUNIT_EXPECT_EQ(test, t->delivered, f->lane->out.delivered);
	KUNIT_EXPECT_TRUE(test, velox_book_conserved(&f->book, &t->book));
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
	KUNIT_EXPECT_EQ(test, f->sink->tally.sampled,
			f->sink->tally.delivered / 3);
	KUNIT_EXPECT_EQ(test, h[VELOX_STAGE_E2E].count, f->sink->tally.sampled);
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
	KUNIT_ASSERT_TRUE(test, velox_ring_push(&f->lane->bq, &b, sizeof(b)));
	b.txns[0].id = 11;	/* goes backwards */
	b.txns[1].id = 13;
	b.txns[2].id = 14;
	KUNIT_ASSERT_TRUE(test, velox_ring_push(&f->lane->bq, &b, sizeof(b)));
	velox_lane_run(f->lane, VELOX_LANE_OUTPUT, f->sink);
	KUNIT_EXPECT_EQ(test, f->sink->tally.delivered, 6);
	KUNIT_EXPECT_EQ(test, f->sink->tally.seq_errors, 2);
}

static void tally_add_sums_every_counter(struct kunit *test)
{
	struct velox_tally a = { .generated = 1, .dropped = 2, .delivered = 3,
				 .flushes = { 4, 5, 6 }, .idle_sleeps = 7,
				 .book = { .fills = 8 } };
	struct velox_tally sum = a;

	velox_tally_add(&sum, &a);
	KUNIT_EXPECT_EQ(test, sum.generated, 2);
	KUNIT_EXPECT_EQ(test, sum.dropped, 4);
	KUNIT_EXPECT_EQ(test, sum.delivered, 6);
	KUNIT_EXPECT_EQ(test, sum.flushes[2], 12);
	KUNIT_EXPECT_EQ(test, sum.idle_sleeps, 14);
	KUNIT_EXPECT_EQ(test, sum.book.fills, 16);
}

static struct kunit_case velox_lane_cases[] = {
	KUNIT_CASE(gen_is_deterministic_per_seed),
	KUNIT_CASE(gen_ids_carry_lane_and_count_from_one),
	KUNIT_CASE(gen_samples_exactly_one_in_n),
	KUNIT_CASE(gen_mix_stays_in_band_and_uses_every_kind),
	KUNIT_CASE(ingress_stamps_intended_times),
	KUNIT_CASE(ingress_period_fraction_does_not_drift),
	KUNIT_CASE(ingress_catches_up_by_bursts),
	KUNIT_CASE(ingress_drops_at_a_full_ring_under_drop),
	KUNIT_CASE(ingress_waits_at_a_full_ring_under_block),
	KUNIT_CASE(full_bundles_flush_at_the_bundle_size),
	KUNIT_CASE(partial_bundle_flushes_on_timeout),
	KUNIT_CASE(stop_drains_every_stage),
	KUNIT_CASE(stage_latencies_add_up_to_end_to_end),
	KUNIT_CASE(output_counts_transactions_out_of_order),
	KUNIT_CASE(tally_add_sums_every_counter),
	{}
};

static struct kunit_suite velox_lane_suite = {
	.name = "velox_lane",
	.test_cases = velox_lane_cases,
};

kunit_test_suite(velox_lane_suite);
