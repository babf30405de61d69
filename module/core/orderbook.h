/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Lock-free price-level order book, shared by every matcher thread.
 *
 * The book covers a fixed band of @nlevels prices from @base.  A level is
 * one 64-bit word: resting bid quantity in the low half, resting ask
 * quantity in the high half.  Every change to a level is one
 * compare-and-exchange of its word, retried with backoff when another
 * thread changed it first; since both sides live in the word, a level can
 * never hold a bid and an ask at once.
 *
 * @asks_from and @bids_below are hints of where to start matching, and
 * @asks_to and @bids_from of where to stop, kept lock-free.  On one
 * thread they are bounds: every ask rests in [asks_from, asks_to), every
 * bid in [bids_from, bids_below).  So a market order on a side it has just
 * emptied stops at once instead of walking the rest of the band.  A walk
 * that empties everything up to the far bound pulls that bound in to
 * where the walk began, then looks again at the levels it gave up, so a
 * concurrent rest there is not lost (the mirror of how the near bound
 * moves).  With several matchers, an order may
 * rest across a price another matcher is resting at the same instant, so
 * the book can cross for a while; later orders match it away.  Quantity
 * is conserved exactly regardless (velox_book_conserved()).
 *
 * A lost exchange backs off (backoff.h) before it tries again, spinning
 * at most @spin_cap cpu_relax() calls in one round; the wait starts again
 * from one call after every exchange that succeeds.  The matcher applies
 * a burst with preemption off, so it is this cap, not the idle threads'
 * spin window, that bounds how long one lost race holds the CPU:
 * VELOX_BOOK_SPIN_CAP in velox.ko.
 *
 * The book counts into a struct velox_counters the caller owns (the
 * sink of the calling CPU or thread), so it has no shared counter.
 */
#ifndef VELOX_CORE_ORDERBOOK_H
#define VELOX_CORE_ORDERBOOK_H

#include <linux/cache.h>
#include <linux/types.h>

struct velox_counters;
struct velox_txn;

/* Largest resting quantity on one side of one level. */
#define VELOX_BOOK_LEVEL_MAX	0xffffffffu

/*
 * The spin cap velox.ko gives the book: one backoff round is at most 64
 * cpu_relax() calls, 1.6-1.7 us where a PAUSE takes 25-27 ns (velox-bench
 * cas/pause on this project's machines): long enough for the winner of a
 * race to finish its exchange, short enough that a burst of 32 orders,
 * each losing a few races, stays in the tens of microseconds.
 */
#define VELOX_BOOK_SPIN_CAP	64

/**
 * struct velox_book - the shared order book
 * @levels: one word per price level (read-only pointer after init)
 * @base: price of level 0, in ticks
 * @nlevels: levels in the band
 * @spin_cap: most cpu_relax() calls in one backoff round after a lost
 *	exchange
 * @bids_below: hint: every bid rests below this level (0: no bid seen)
 * @bids_from: hint: every bid rests at or above this level (@nlevels: no
 *	bid seen)
 * @asks_from: hint: every ask rests at or above this level (@nlevels: no
 *	ask seen)
 * @asks_to: hint: every ask rests below this level (0: no ask seen)
 */
struct velox_book {
	u64 *levels;
	u32 base;
	u32 nlevels;
	u32 spin_cap;

	/* A side's two hints change together: one line for each side. */
	u32 bids_below ____cacheline_aligned_in_smp;
	u32 bids_from;
	u32 asks_from ____cacheline_aligned_in_smp;
	u32 asks_to;
};

void velox_book_init(struct velox_book *book, u64 *levels, u32 nlevels,
		     u32 base, u32 spin_cap);
void velox_book_apply(struct velox_book *book, const struct velox_txn *txn,
		      struct velox_counters *c);

u32 velox_book_bid_qty(const struct velox_book *book, u32 price);
u32 velox_book_ask_qty(const struct velox_book *book, u32 price);
u64 velox_book_resting(const struct velox_book *book);
bool velox_book_conserved(const struct velox_book *book,
			  const struct velox_counters *sum);

#endif /* VELOX_CORE_ORDERBOOK_H */
