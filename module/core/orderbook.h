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
 * best_bid1/best_ask are hints of where to start matching, kept lock-free.
 * On one thread they are bounds: no ask rests below best_ask and no bid
 * at or above best_bid1.  With several matchers, an order may rest across
 * a price another matcher is resting at the same instant, so the book can
 * cross for a while; later orders match it away.  Quantity is conserved
 * exactly regardless (velox_book_conserved()).
 *
 * Counters go to a struct velox_book_stats the caller owns, one per
 * thread or CPU, so the book itself has no shared counter.
 */
#ifndef VELOX_CORE_ORDERBOOK_H
#define VELOX_CORE_ORDERBOOK_H

#include <linux/cache.h>
#include <linux/types.h>

struct velox_txn;

/* Largest resting quantity on one side of one level. */
#define VELOX_BOOK_LEVEL_MAX	0xffffffffu

struct velox_book {
	/* Read-only after velox_book_init(). */
	u64 *levels;
	u32 base;
	u32 nlevels;
	u32 backoff_cap;

	/* Hint: 1 + highest level with a bid, 0 if none seen. */
	u32 best_bid1 ____cacheline_aligned_in_smp;
	/* Hint: lowest level with an ask, nlevels if none seen. */
	u32 best_ask ____cacheline_aligned_in_smp;
};

/*
 * What one thread did to the book.  Conservation, summed over every
 * thread's stats once all are quiet:
 *	submitted_qty == 2 * filled_qty + resting + cancelled_qty +
 *			 expired_qty + rejected_qty
 * where resting is what the levels hold; each unit filled is one unit of
 * the incoming order and one of a resting order.
 */
struct velox_book_stats {
	u64 orders;		/* transactions of any kind, valid or not */
	u64 rejected;		/* of those, out of band or zero qty */
	u64 submitted_qty;	/* qty of limit and market orders, rejected too */
	u64 rejected_qty;	/* qty of rejected limit and market orders */
	u64 fills;		/* level matches: one per level traded with */
	u64 filled_qty;		/* units traded */
	u64 rested_qty;		/* units put on the book */
	u64 cancelled_qty;	/* units taken off the book by cancels */
	u64 expired_qty;	/* market remainders: nothing left to match */
	u64 cas_retries;	/* compare-and-exchange attempts that lost */
};

void velox_book_init(struct velox_book *book, u64 *levels, u32 nlevels,
		     u32 base, u32 backoff_cap);
void velox_book_apply(struct velox_book *book, const struct velox_txn *txn,
		      struct velox_book_stats *st);

u32 velox_book_bid_qty(const struct velox_book *book, u32 price);
u32 velox_book_ask_qty(const struct velox_book *book, u32 price);
u64 velox_book_resting(const struct velox_book *book);
void velox_book_stats_add(struct velox_book_stats *sum,
			  const struct velox_book_stats *st);
bool velox_book_conserved(const struct velox_book *book,
			  const struct velox_book_stats *sum);

#endif /* VELOX_CORE_ORDERBOOK_H */
