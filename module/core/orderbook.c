// SPDX-License-Identifier: GPL-2.0
/*
 * Lock-free price-level order book.  See orderbook.h for the model.
 *
 * Every update of a level is "read the word, compute the new word,
 * compare-and-exchange"; a lost race backs off, re-reads the word and
 * tries again, and a won one resets the backoff.  Nothing here blocks or
 * allocates.
 */
#include <linux/atomic.h>
#include <linux/compiler.h>
#include <linux/minmax.h>
#include <linux/string.h>
#include <linux/velox.h>

#include "backoff.h"
#include "orderbook.h"

static inline u32 level_bid(u64 w)
{
	return (u32)w;
}

static inline u32 level_ask(u64 w)
{
	return (u32)(w >> 32);
}

/* Quantity resting on one side of a level word. */
static inline u32 level_side(u64 w, bool ask)
{
	return ask ? level_ask(w) : level_bid(w);
}

/* The word with @qty added to one side (the caller keeps it in range). */
static inline u64 level_add(u64 w, bool ask, u32 qty)
{
	return ask ? w + ((u64)qty << 32) : w + qty;
}

static inline u64 level_sub(u64 w, bool ask, u32 qty)
{
	return ask ? w - ((u64)qty << 32) : w - qty;
}

/**
 * velox_book_init() - an empty book over caller-owned levels
 * @book: the book
 * @levels: @nlevels words, zeroed here
 * @nlevels: price levels in the band
 * @base: price of level 0
 * @spin_cap: most cpu_relax() calls in one backoff round after a lost
 *	exchange (velox.ko: VELOX_BOOK_SPIN_CAP)
 */
void velox_book_init(struct velox_book *book, u64 *levels, u32 nlevels,
		     u32 base, u32 spin_cap)
{
	memset(levels, 0, sizeof(*levels) * nlevels);
	book->levels = levels;
	book->base = base;
	book->nlevels = nlevels;
	book->spin_cap = spin_cap;
	book->bids_below = 0;
	book->bids_from = nlevels;
	book->asks_from = nlevels;
	book->asks_to = 0;
}

/* A lost exchange: count it, wait a round, read the level again. */
static u64 level_lost(struct velox_book *book, u32 i, struct velox_counters *c,
		      struct velox_backoff *bo)
{
	c->cas_retries++;
	velox_backoff_wait(bo);
	/* The word the failed exchange returned is stale by now. */
	return READ_ONCE(book->levels[i]);
}

static void hint_lower(u32 *hint, u32 v)
{
	u32 cur = READ_ONCE(*hint);

	while (v < cur && !try_cmpxchg(hint, &cur, v))
		;
}

static void hint_raise(u32 *hint, u32 v)
{
	u32 cur = READ_ONCE(*hint);

	while (v > cur && !try_cmpxchg(hint, &cur, v))
		;
}

/*
 * Take up to @want from side @ask of level @i, in one successful exchange.
 * Returns what was taken (0 if that side is empty) and leaves in @left
 * what that side still holds.
 */
static u32 level_take(struct velox_book *book, u32 i, bool ask, u32 want,
		      u32 *left, struct velox_counters *c,
		      struct velox_backoff *bo)
{
	u64 w = READ_ONCE(book->levels[i]);
	u32 got;

	for (;;) {
		got = min(level_side(w, ask), want);
		*left = level_side(w, ask) - got;
		if (!got)
			return 0;
		if (try_cmpxchg64(&book->levels[i], &w, level_sub(w, ask, got)))
			break;
		w = level_lost(book, i, c, bo);
	}
	velox_backoff_reset(bo);
	c->fills++;
	c->filled_qty += got;
	return got;
}

/*
 * A bound of side @ask (asks_from, or bids_from, the far bound of the
 * bids) moved up from @from to @to because the levels between held none
 * of that side when we looked.  If one was rested there since, the
 * thread that rested it either saw our new bound and lowered it, or
 * rested before our exchange of the bound, and then this re-read
 * (ordered after the fully ordered exchange) sees it.
 */
static void bound_advance(struct velox_book *book, u32 *bound, bool ask,
			  u32 from, u32 to)
{
	u32 i, h = from;

	if (!try_cmpxchg(bound, &h, to))
		return;
	for (i = from; i < to; i++) {
		if (level_side(READ_ONCE(book->levels[i]), ask)) {
			hint_lower(bound, i);
			return;
		}
	}
}

/*
 * The mirror image: a bound of side @ask (bids_below, or asks_to, the far
 * bound of the asks) moved down from @from to @to, both exclusive bounds:
 * level @from - 1 down to level @to held none of that side.
 */
static void bound_retreat(struct velox_book *book, u32 *bound, bool ask,
			  u32 from, u32 to)
{
	u32 i, h = from;

	if (!try_cmpxchg(bound, &h, to))
		return;
	for (i = from; i > to; i--) {
		if (level_side(READ_ONCE(book->levels[i - 1]), ask)) {
			hint_raise(bound, i);
			return;
		}
	}
}

/* An incoming bid takes asks from the best up to level @limit. */
static u32 match_bid(struct velox_book *book, u32 limit, u32 qty,
		     struct velox_counters *c, struct velox_backoff *bo)
{
	u32 start = READ_ONCE(book->asks_from), i = start, left;
	u32 top = READ_ONCE(book->asks_to);

	/* Stop at the first level that still holds asks after our take. */
	while (qty && i <= limit && i < top) {
		qty -= level_take(book, i, true, qty, &left, c, bo);
		if (left)
			break;
		i++;
	}
	if (i > start)
		bound_advance(book, &book->asks_from, true, start, i);
	/* Every ask up to the top is gone: the side is empty. */
	if (i >= top && top > start)
		bound_retreat(book, &book->asks_to, true, top, start);
	return qty;
}

/*
 * An incoming ask takes bids from the best down to level @limit.  @below
 * walks as bids_below does: the level it looks at is @below - 1.
 */
static u32 match_ask(struct velox_book *book, u32 limit, u32 qty,
		     struct velox_counters *c, struct velox_backoff *bo)
{
	u32 start = READ_ONCE(book->bids_below), below = start, left;
	u32 bottom = READ_ONCE(book->bids_from);

	while (qty && below > limit && below > bottom) {
		qty -= level_take(book, below - 1, false, qty, &left, c, bo);
		if (left)
			break;
		below--;
	}
	if (below < start)
		bound_retreat(book, &book->bids_below, false, start, below);
	/* Every bid down to the bottom is gone: the side is empty. */
	if (below <= bottom && bottom < start)
		bound_advance(book, &book->bids_from, false, bottom, start);
	return qty;
}

/*
 * Rest @qty on side @ask of level @i.  If the other side of that level
 * holds anything (rested there since we matched), trade with it in the
 * same exchange instead: a level never holds both sides.
 */
static void level_rest(struct velox_book *book, u32 i, bool ask, u32 qty,
		       struct velox_counters *c, struct velox_backoff *bo)
{
	u64 w = READ_ONCE(book->levels[i]), nw;
	u32 opp, put;

	while (qty) {
		opp = min(level_side(w, !ask), qty);
		if (opp) {
			nw = level_sub(w, !ask, opp);
			if (try_cmpxchg64(&book->levels[i], &w, nw)) {
				velox_backoff_reset(bo);
				c->fills++;
				c->filled_qty += opp;
				qty -= opp;
				/* Go on from what we wrote, not a failing guess. */
				w = nw;
				continue;
			}
		} else {
			put = min(VELOX_BOOK_LEVEL_MAX - level_side(w, ask), qty);
			if (!put) {
				/* The level is full: refuse the rest. */
				c->rejected++;
				c->rejected_qty += qty;
				return;
			}
			nw = level_add(w, ask, put);
			if (try_cmpxchg64(&book->levels[i], &w, nw)) {
				velox_backoff_reset(bo);
				w = nw;
				c->rested_qty += put;
				qty -= put;
				if (ask) {
					hint_lower(&book->asks_from, i);
					hint_raise(&book->asks_to, i + 1);
				} else {
					hint_raise(&book->bids_below, i + 1);
					hint_lower(&book->bids_from, i);
				}
				continue;
			}
		}
		w = level_lost(book, i, c, bo);
	}
}

static void level_cancel(struct velox_book *book, u32 i, bool ask, u32 qty,
			 struct velox_counters *c, struct velox_backoff *bo)
{
	u64 w = READ_ONCE(book->levels[i]);
	u32 got;

	for (;;) {
		got = min(level_side(w, ask), qty);
		if (!got)
			return;
		if (try_cmpxchg64(&book->levels[i], &w, level_sub(w, ask, got)))
			break;
		w = level_lost(book, i, c, bo);
	}
	c->cancelled_qty += got;
}

/**
 * velox_book_apply() - apply one transaction to the book
 * @book: the shared book
 * @txn: a limit, market or cancel order
 * @c: the calling CPU's or thread's counters
 *
 * Limit: trade against the other side from its best price while the price
 * crosses, then rest the remainder at the limit price.  Market: trade what
 * there is at any price, drop the remainder (expired).  Cancel: take up to
 * qty off the order's own side at its price.  Zero quantity, a price
 * outside the band (market orders have none) or an unknown side or kind
 * is rejected and counted; so is the part of a limit order that a full
 * level cannot hold.
 */
void velox_book_apply(struct velox_book *book, const struct velox_txn *txn,
		      struct velox_counters *c)
{
	bool ask = txn->side == VELOX_SIDE_ASK;
	bool priced = txn->kind != VELOX_KIND_MARKET;
	u32 i = txn->price - book->base;	/* wraps high when below base */
	struct velox_backoff bo;
	u32 qty = txn->qty;

	c->orders++;
	if (txn->kind != VELOX_KIND_CANCEL)
		c->submitted_qty += qty;
	if (unlikely(!qty || txn->side > VELOX_SIDE_ASK ||
		     txn->kind > VELOX_KIND_CANCEL ||
		     (priced && (txn->price < book->base || i >= book->nlevels)))) {
		c->rejected++;
		if (txn->kind != VELOX_KIND_CANCEL)
			c->rejected_qty += qty;
		return;
	}
	velox_backoff_init(&bo, book->spin_cap);

	switch (txn->kind) {
	case VELOX_KIND_LIMIT:
		qty = ask ? match_ask(book, i, qty, c, &bo) :
			    match_bid(book, i, qty, c, &bo);
		if (qty)
			level_rest(book, i, ask, qty, c, &bo);
		break;
	case VELOX_KIND_MARKET:
		qty = ask ? match_ask(book, 0, qty, c, &bo) :
			    match_bid(book, book->nlevels - 1, qty, c, &bo);
		c->expired_qty += qty;
		break;
	case VELOX_KIND_CANCEL:
		level_cancel(book, i, ask, qty, c, &bo);
		break;
	}
}

u32 velox_book_bid_qty(const struct velox_book *book, u32 price)
{
	u32 i = price - book->base;

	return i < book->nlevels ? level_bid(READ_ONCE(book->levels[i])) : 0;
}

u32 velox_book_ask_qty(const struct velox_book *book, u32 price)
{
	u32 i = price - book->base;

	return i < book->nlevels ? level_ask(READ_ONCE(book->levels[i])) : 0;
}

/* Everything resting, both sides; exact only while no thread trades. */
u64 velox_book_resting(const struct velox_book *book)
{
	u64 sum = 0, w;
	u32 i;

	for (i = 0; i < book->nlevels; i++) {
		w = READ_ONCE(book->levels[i]);
		sum += (u64)level_bid(w) + level_ask(w);
	}
	return sum;
}

/*
 * The conservation invariant of struct velox_counters (uapi): call with
 * every thread's counters summed, once all threads are quiet.
 */
bool velox_book_conserved(const struct velox_book *book,
			  const struct velox_counters *sum)
{
	u64 resting = velox_book_resting(book);

	return sum->submitted_qty == 2 * sum->filled_qty + resting +
				     sum->cancelled_qty + sum->expired_qty +
				     sum->rejected_qty;
}
