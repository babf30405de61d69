// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite velox_ordergen: the order generator of core/ordergen.c:
 * deterministic per seed, its stream pinned, ids and sampling as the lanes
 * rely on, and a mix that stays inside the book's band.
 */
#include <kunit/test.h>
#include <linux/string.h>
#include <linux/velox.h>

#include "../module/core/orderbook.h"
#include "../module/core/ordergen.h"

#define LEVELS	1024
#define BASE	100000

static void is_deterministic_per_seed(struct kunit *test)
{
	struct velox_book book = { .base = BASE, .nlevels = LEVELS };
	struct velox_ordergen a, b, c;
	struct velox_txn ta, tb, tc;
	int i, differ = 0;

	velox_ordergen_init(&a, 7, 0, 1, &book);
	velox_ordergen_init(&b, 7, 0, 1, &book);
	velox_ordergen_init(&c, 8, 0, 1, &book);
	for (i = 0; i < 1000; i++) {
		velox_ordergen_next(&a, &ta, i);
		velox_ordergen_next(&b, &tb, i);
		velox_ordergen_next(&c, &tc, i);
		KUNIT_ASSERT_EQ(test, memcmp(&ta, &tb, sizeof(ta)), 0);
		differ += ta.price != tc.price || ta.qty != tc.qty;
	}
	KUNIT_EXPECT_GT(test, differ, 500);
}

/*
 * The stream itself, pinned: a run is replayed and two builds are compared
 * on equal seeds, so a change to the generator that moves one order must
 * be on purpose.  The hash and the mid are those of the generator before
 * it lost its branches (the optimization log), 100 000 orders of seed 1,
 * with the lane in the ids' bits 48 up (ABI 3; it was 56 up, with which
 * the stream hashed to 0x0ab7dc7fe5ef9bea).
 */
static u64 fold(u64 h, u64 v)
{
	return (h ^ v) * 0x100000001b3ull;
}

static void the_stream_of_a_seed_is_pinned(struct kunit *test)
{
	struct velox_book book = { .base = BASE, .nlevels = LEVELS };
	u64 h = 0xcbf29ce484222325ull;
	struct velox_ordergen g;
	struct velox_txn t;
	int i;

	velox_ordergen_init(&g, 1, 3, 16, &book);
	for (i = 0; i < 100000; i++) {
		velox_ordergen_next(&g, &t, i);
		h = fold(h, t.id);
		h = fold(h, t.price);
		h = fold(h, t.qty);
		h = fold(h, t.side);
		h = fold(h, t.kind);
		h = fold(h, t.flags);
	}
	KUNIT_EXPECT_EQ(test, h, 0x63d3dc7fe5ef9beaull);
	KUNIT_EXPECT_EQ(test, g.mid, 100468u);
}

static void ids_carry_lane_and_count_from_one(struct kunit *test)
{
	struct velox_book book = { .base = BASE, .nlevels = LEVELS };
	struct velox_ordergen g;
	struct velox_txn t;
	int i;

	/* Past 255: a machine with hundreds of CPUs runs that many lanes. */
	velox_ordergen_init(&g, 1, 300, 1, &book);
	for (i = 1; i <= 3; i++) {
		velox_ordergen_next(&g, &t, 0);
		KUNIT_EXPECT_EQ(test, t.id,
				((u64)300 << VELOX_TXN_ID_LANE_SHIFT) + i);
		KUNIT_EXPECT_EQ(test, VELOX_TXN_LANE(t.id), 300);
	}
}

static void samples_exactly_one_in_n(struct kunit *test)
{
	struct velox_book book = { .base = BASE, .nlevels = LEVELS };
	struct velox_ordergen g;
	struct velox_txn t;
	int i;

	velox_ordergen_init(&g, 1, 0, 4, &book);
	for (i = 1; i <= 40; i++) {
		velox_ordergen_next(&g, &t, 0);
		KUNIT_EXPECT_EQ(test, !!(t.flags & VELOX_TXN_SAMPLED), i % 4 == 0);
	}
}

/* The mix stays inside the book's band and uses every kind and side. */
static void mix_stays_in_band_and_uses_every_kind(struct kunit *test)
{
	struct velox_book book = { .base = BASE, .nlevels = LEVELS };
	unsigned int kinds[3] = {}, sides[2] = {};
	struct velox_ordergen g;
	struct velox_txn t;
	int i;

	velox_ordergen_init(&g, 99, 0, 1, &book);
	for (i = 0; i < 100000; i++) {
		velox_ordergen_next(&g, &t, 0);
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

static struct kunit_case velox_ordergen_cases[] = {
	KUNIT_CASE(is_deterministic_per_seed),
	KUNIT_CASE(the_stream_of_a_seed_is_pinned),
	KUNIT_CASE(ids_carry_lane_and_count_from_one),
	KUNIT_CASE(samples_exactly_one_in_n),
	KUNIT_CASE(mix_stays_in_band_and_uses_every_kind),
	{}
};

static struct kunit_suite velox_ordergen_suite = {
	.name = "velox_ordergen",
	.test_cases = velox_ordergen_cases,
};

kunit_test_suite(velox_ordergen_suite);
