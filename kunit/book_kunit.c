// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite velox_book: every matching case of the order book on one
 * thread, the band edges and rejects, and exact conservation.  Several
 * threads hammering one book are tested in userspace under TSan
 * (tools/testing/core).
 */
#include <kunit/test.h>
#include <linux/limits.h>

#include "../module/core/orderbook.h"
#include "../module/core/txn.h"

#define BASE 1000
#define NLEVELS 64

struct fixture {
	struct velox_book book;
	struct velox_counters st;
	u64 levels[NLEVELS];
};

static struct fixture *setup(struct kunit *test)
{
	struct fixture *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, f);
	velox_book_init(&f->book, f->levels, NLEVELS, BASE, 16);
	return f;
}

static void order(struct fixture *f, u8 kind, u8 side, u32 price, u32 qty)
{
	struct velox_txn t = {
		.kind = kind, .side = side, .price = price, .qty = qty,
	};

	velox_book_apply(&f->book, &t, &f->st);
}

static void buy(struct fixture *f, u32 price, u32 qty)
{
	order(f, VELOX_KIND_LIMIT, VELOX_SIDE_BID, price, qty);
}

static void sell(struct fixture *f, u32 price, u32 qty)
{
	order(f, VELOX_KIND_LIMIT, VELOX_SIDE_ASK, price, qty);
}

static bool conserved(struct fixture *f)
{
	return velox_book_conserved(&f->book, &f->st);
}

static void limit_on_empty_book_rests(struct kunit *test)
{
	struct fixture *f = setup(test);

	buy(f, 1010, 5);
	sell(f, 1020, 7);
	KUNIT_EXPECT_EQ(test, velox_book_bid_qty(&f->book, 1010), 5);
	KUNIT_EXPECT_EQ(test, velox_book_ask_qty(&f->book, 1020), 7);
	KUNIT_EXPECT_EQ(test, f->st.fills, 0);
	KUNIT_EXPECT_EQ(test, f->st.rested_qty, 12);
	KUNIT_EXPECT_TRUE(test, conserved(f));
}

static void non_crossing_limit_does_not_trade(struct kunit *test)
{
	struct fixture *f = setup(test);

	sell(f, 1020, 7);
	buy(f, 1019, 5);
	KUNIT_EXPECT_EQ(test, f->st.fills, 0);
	KUNIT_EXPECT_EQ(test, velox_book_bid_qty(&f->book, 1019), 5);
	KUNIT_EXPECT_EQ(test, velox_book_ask_qty(&f->book, 1020), 7);
}

static void crossing_limit_fills_at_one_level(struct kunit *test)
{
	struct fixture *f = setup(test);

	sell(f, 1020, 7);
	buy(f, 1025, 7);
	KUNIT_EXPECT_EQ(test, f->st.fills, 1);
	KUNIT_EXPECT_EQ(test, f->st.filled_qty, 7);
	KUNIT_EXPECT_EQ(test, velox_book_resting(&f->book), 0);
	KUNIT_EXPECT_TRUE(test, conserved(f));
}

static void partial_fill_leaves_the_rest_resting(struct kunit *test)
{
	struct fixture *f = setup(test);

	sell(f, 1020, 10);
	buy(f, 1020, 3);
	KUNIT_EXPECT_EQ(test, f->st.filled_qty, 3);
	KUNIT_EXPECT_EQ(test, velox_book_ask_qty(&f->book, 1020), 7);
	KUNIT_EXPECT_EQ(test, velox_book_bid_qty(&f->book, 1020), 0);
	KUNIT_EXPECT_TRUE(test, conserved(f));
}

/* Best price first, level by level, up to the limit; the rest rests. */
static void crossing_limit_sweeps_several_levels(struct kunit *test)
{
	struct fixture *f = setup(test);

	sell(f, 1002, 5);
	sell(f, 1000, 5);
	sell(f, 1001, 5);
	buy(f, 1001, 12);
	KUNIT_EXPECT_EQ(test, f->st.fills, 2);
	KUNIT_EXPECT_EQ(test, f->st.filled_qty, 10);
	KUNIT_EXPECT_EQ(test, velox_book_ask_qty(&f->book, 1000), 0);
	KUNIT_EXPECT_EQ(test, velox_book_ask_qty(&f->book, 1001), 0);
	KUNIT_EXPECT_EQ(test, velox_book_ask_qty(&f->book, 1002), 5);
	KUNIT_EXPECT_EQ(test, velox_book_bid_qty(&f->book, 1001), 2);
	KUNIT_EXPECT_TRUE(test, conserved(f));
}

static void sell_sweeps_bids_downward(struct kunit *test)
{
	struct fixture *f = setup(test);

	buy(f, 1030, 4);
	buy(f, 1032, 4);
	buy(f, 1031, 4);
	sell(f, 1031, 10);
	KUNIT_EXPECT_EQ(test, f->st.filled_qty, 8);
	KUNIT_EXPECT_EQ(test, velox_book_bid_qty(&f->book, 1032), 0);
	KUNIT_EXPECT_EQ(test, velox_book_bid_qty(&f->book, 1031), 0);
	KUNIT_EXPECT_EQ(test, velox_book_bid_qty(&f->book, 1030), 4);
	KUNIT_EXPECT_EQ(test, velox_book_ask_qty(&f->book, 1031), 2);
	KUNIT_EXPECT_TRUE(test, conserved(f));
}

static void market_on_empty_book_expires(struct kunit *test)
{
	struct fixture *f = setup(test);

	order(f, VELOX_KIND_MARKET, VELOX_SIDE_BID, 0, 9);
	KUNIT_EXPECT_EQ(test, f->st.expired_qty, 9);
	KUNIT_EXPECT_EQ(test, f->st.rejected, 0);
	KUNIT_EXPECT_EQ(test, velox_book_resting(&f->book), 0);
	KUNIT_EXPECT_TRUE(test, conserved(f));
}

/* A market order takes every level at any price and never rests. */
static void market_takes_all_levels_and_never_rests(struct kunit *test)
{
	struct fixture *f = setup(test);

	buy(f, BASE, 3);
	buy(f, BASE + NLEVELS - 1, 3);
	order(f, VELOX_KIND_MARKET, VELOX_SIDE_ASK, U32_MAX, 10);
	KUNIT_EXPECT_EQ(test, f->st.filled_qty, 6);
	KUNIT_EXPECT_EQ(test, f->st.expired_qty, 4);
	KUNIT_EXPECT_EQ(test, velox_book_resting(&f->book), 0);
	KUNIT_EXPECT_TRUE(test, conserved(f));
}

static void cancel_removes_from_own_side(struct kunit *test)
{
	struct fixture *f = setup(test);

	buy(f, 1010, 8);
	order(f, VELOX_KIND_CANCEL, VELOX_SIDE_BID, 1010, 3);
	KUNIT_EXPECT_EQ(test, velox_book_bid_qty(&f->book, 1010), 5);
	KUNIT_EXPECT_EQ(test, f->st.cancelled_qty, 3);
	KUNIT_EXPECT_TRUE(test, conserved(f));
}

static void cancel_more_than_resting_takes_what_is_there(struct kunit *test)
{
	struct fixture *f = setup(test);

	sell(f, 1010, 4);
	order(f, VELOX_KIND_CANCEL, VELOX_SIDE_ASK, 1010, 100);
	KUNIT_EXPECT_EQ(test, velox_book_ask_qty(&f->book, 1010), 0);
	KUNIT_EXPECT_EQ(test, f->st.cancelled_qty, 4);
	order(f, VELOX_KIND_CANCEL, VELOX_SIDE_ASK, 1010, 100);
	KUNIT_EXPECT_EQ(test, f->st.cancelled_qty, 4);
	KUNIT_EXPECT_TRUE(test, conserved(f));
}

static void cancel_of_other_side_removes_nothing(struct kunit *test)
{
	struct fixture *f = setup(test);

	sell(f, 1010, 4);
	order(f, VELOX_KIND_CANCEL, VELOX_SIDE_BID, 1010, 4);
	KUNIT_EXPECT_EQ(test, velox_book_ask_qty(&f->book, 1010), 4);
	KUNIT_EXPECT_EQ(test, f->st.cancelled_qty, 0);
}

static void band_edges_are_inside(struct kunit *test)
{
	struct fixture *f = setup(test);

	buy(f, BASE, 1);
	sell(f, BASE + NLEVELS - 1, 1);
	KUNIT_EXPECT_EQ(test, f->st.rejected, 0);
	KUNIT_EXPECT_EQ(test, velox_book_bid_qty(&f->book, BASE), 1);
	KUNIT_EXPECT_EQ(test, velox_book_ask_qty(&f->book, BASE + NLEVELS - 1), 1);
	/* The whole band between them is crossed by a sell at the bottom. */
	sell(f, BASE, 1);
	KUNIT_EXPECT_EQ(test, f->st.filled_qty, 1);
}

static void prices_outside_the_band_are_rejected(struct kunit *test)
{
	static const u32 bad[] = { BASE - 1, BASE + NLEVELS, 0, U32_MAX };
	struct fixture *f = setup(test);
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		buy(f, bad[i], 2);
		order(f, VELOX_KIND_CANCEL, VELOX_SIDE_ASK, bad[i], 2);
	}
	KUNIT_EXPECT_EQ(test, f->st.rejected, 2 * ARRAY_SIZE(bad));
	KUNIT_EXPECT_EQ(test, f->st.rejected_qty, 2 * ARRAY_SIZE(bad));
	KUNIT_EXPECT_EQ(test, velox_book_resting(&f->book), 0);
	KUNIT_EXPECT_TRUE(test, conserved(f));
}

static void zero_quantity_is_rejected_for_every_kind(struct kunit *test)
{
	struct fixture *f = setup(test);

	sell(f, 1010, 5);
	buy(f, 1010, 0);
	order(f, VELOX_KIND_MARKET, VELOX_SIDE_BID, 1010, 0);
	order(f, VELOX_KIND_CANCEL, VELOX_SIDE_ASK, 1010, 0);
	KUNIT_EXPECT_EQ(test, f->st.rejected, 3);
	KUNIT_EXPECT_EQ(test, velox_book_ask_qty(&f->book, 1010), 5);
}

static void unknown_side_or_kind_is_rejected(struct kunit *test)
{
	struct fixture *f = setup(test);

	order(f, VELOX_KIND_LIMIT, 2, 1010, 5);
	order(f, 3, VELOX_SIDE_BID, 1010, 5);
	KUNIT_EXPECT_EQ(test, f->st.rejected, 2);
	KUNIT_EXPECT_EQ(test, velox_book_resting(&f->book), 0);
	KUNIT_EXPECT_TRUE(test, conserved(f));
}

/*
 * A level holds at most VELOX_BOOK_LEVEL_MAX a side: what does not fit is
 * rejected, and the order it came with counts as a rejected order, as any
 * order whose quantity goes to rejected_qty does.
 */
static void full_level_rejects_the_rest_and_counts_the_order(struct kunit *test)
{
	struct fixture *f = setup(test);

	buy(f, 1010, VELOX_BOOK_LEVEL_MAX - 2);
	buy(f, 1010, 5);
	KUNIT_EXPECT_EQ(test, velox_book_bid_qty(&f->book, 1010),
			VELOX_BOOK_LEVEL_MAX);
	KUNIT_EXPECT_EQ(test, f->st.rejected_qty, 3);
	KUNIT_EXPECT_EQ(test, f->st.rejected, 1);
	KUNIT_EXPECT_TRUE(test, conserved(f));
}

static void hints_follow_best_prices(struct kunit *test)
{
	struct fixture *f = setup(test);

	sell(f, 1040, 1);
	sell(f, 1030, 1);
	buy(f, 1010, 1);
	buy(f, 1020, 1);
	KUNIT_EXPECT_EQ(test, f->book.asks_from, 30);
	KUNIT_EXPECT_EQ(test, f->book.bids_below, 21);
	buy(f, 1035, 1);		/* empties 1030: the hint moves past it */
	KUNIT_EXPECT_EQ(test, f->book.asks_from, 31);
	sell(f, 1015, 2);		/* empties 1020, rests 1 at 1015 */
	KUNIT_EXPECT_EQ(test, f->book.asks_from, 15);
	KUNIT_EXPECT_LE(test, f->book.bids_below, 15);
	KUNIT_EXPECT_GE(test, f->book.bids_below, 11);
}

/* A market order that empties a side leaves both of its bounds closed. */
static void a_side_emptied_by_a_market_order_is_closed(struct kunit *test)
{
	struct fixture *f = setup(test);

	sell(f, 1030, 2);
	sell(f, 1040, 3);
	KUNIT_EXPECT_EQ(test, f->book.asks_from, 30);
	KUNIT_EXPECT_EQ(test, f->book.asks_to, 41);
	order(f, VELOX_KIND_MARKET, VELOX_SIDE_BID, 0, 5);
	KUNIT_EXPECT_EQ(test, f->st.expired_qty, 0);
	/* Nothing between the bounds: the next market walks no level. */
	KUNIT_EXPECT_GE(test, f->book.asks_from, f->book.asks_to);
	order(f, VELOX_KIND_MARKET, VELOX_SIDE_BID, 0, 1);
	KUNIT_EXPECT_EQ(test, f->st.expired_qty, 1);
	/* An ask rested again is found again. */
	sell(f, 1050, 1);
	order(f, VELOX_KIND_MARKET, VELOX_SIDE_BID, 0, 1);
	KUNIT_EXPECT_EQ(test, f->st.expired_qty, 1);

	buy(f, 1010, 2);
	buy(f, 1005, 1);
	KUNIT_EXPECT_EQ(test, f->book.bids_from, 5);
	order(f, VELOX_KIND_MARKET, VELOX_SIDE_ASK, 0, 3);
	KUNIT_EXPECT_GE(test, f->book.bids_from, f->book.bids_below);
	buy(f, 1001, 4);
	order(f, VELOX_KIND_MARKET, VELOX_SIDE_ASK, 0, 4);
	KUNIT_EXPECT_EQ(test, f->st.expired_qty, 1);
	KUNIT_EXPECT_TRUE(test, conserved(f));
}

/* Every ask in [asks_from, asks_to), every bid in [bids_from, bids_below). */
static void hints_never_pass_the_best_prices(struct kunit *test)
{
	struct fixture *f = setup(test);
	u32 s = 777, i, l;

	for (i = 0; i < 5000; i++) {
		s = s * 1103515245 + 12345;
		order(f, (s >> 8) % 3, (s >> 12) & 1,
		      BASE + (s >> 16) % NLEVELS, 1 + (s >> 24) % 8);
		for (l = 0; l < NLEVELS; l++) {
			if (l < f->book.asks_from || l >= f->book.asks_to)
				KUNIT_ASSERT_EQ(test, velox_book_ask_qty(&f->book, BASE + l), 0);
			if (l < f->book.bids_from || l >= f->book.bids_below)
				KUNIT_ASSERT_EQ(test, velox_book_bid_qty(&f->book, BASE + l), 0);
		}
	}
}

/* Random traffic on one thread: quantity conserved, no level crossed. */
static void random_traffic_conserves_quantity(struct kunit *test)
{
	struct fixture *f = setup(test);
	u32 s = 12345, i;

	for (i = 0; i < 20000; i++) {
		s = s * 1103515245 + 12345;
		order(f, (s >> 8) % 3, (s >> 12) & 1,
		      BASE - 2 + (s >> 16) % (NLEVELS + 4), (s >> 24) % 20);
	}
	KUNIT_EXPECT_TRUE(test, conserved(f));
	for (i = 0; i < NLEVELS; i++) {
		bool both = velox_book_bid_qty(&f->book, BASE + i) &&
			    velox_book_ask_qty(&f->book, BASE + i);

		KUNIT_EXPECT_FALSE(test, both);
	}
	KUNIT_EXPECT_EQ(test, f->st.orders, 20000);
	KUNIT_EXPECT_GT(test, f->st.fills, 0);
	KUNIT_EXPECT_GT(test, f->st.rejected, 0);
	KUNIT_EXPECT_EQ(test, f->st.cas_retries, 0);
}

static struct kunit_case velox_book_cases[] = {
	KUNIT_CASE(limit_on_empty_book_rests),
	KUNIT_CASE(non_crossing_limit_does_not_trade),
	KUNIT_CASE(crossing_limit_fills_at_one_level),
	KUNIT_CASE(partial_fill_leaves_the_rest_resting),
	KUNIT_CASE(crossing_limit_sweeps_several_levels),
	KUNIT_CASE(sell_sweeps_bids_downward),
	KUNIT_CASE(market_on_empty_book_expires),
	KUNIT_CASE(market_takes_all_levels_and_never_rests),
	KUNIT_CASE(a_side_emptied_by_a_market_order_is_closed),
	KUNIT_CASE(cancel_removes_from_own_side),
	KUNIT_CASE(cancel_more_than_resting_takes_what_is_there),
	KUNIT_CASE(cancel_of_other_side_removes_nothing),
	KUNIT_CASE(band_edges_are_inside),
	KUNIT_CASE(prices_outside_the_band_are_rejected),
	KUNIT_CASE(zero_quantity_is_rejected_for_every_kind),
	KUNIT_CASE(unknown_side_or_kind_is_rejected),
	KUNIT_CASE(full_level_rejects_the_rest_and_counts_the_order),
	KUNIT_CASE(hints_follow_best_prices),
	KUNIT_CASE(hints_never_pass_the_best_prices),
	KUNIT_CASE(random_traffic_conserves_quantity),
	{}
};

static struct kunit_suite velox_book_suite = {
	.name = "velox_book",
	.test_cases = velox_book_cases,
};

kunit_test_suite(velox_book_suite);
