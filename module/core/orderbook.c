// SPDX-License-Identifier: GPL-2.0
/*
 * Lock-free price-level order book.  See orderbook.h for the model.
 *
 * Every update of a level is "read the word, compute the new word,
 * compare-and-exchange"; a lost race re-reads the word the failed exchange
 * returned, backs off and tries again.  Nothing here blocks or allocates.
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

void velox_book_init(struct velox_book *book, u64 *levels, u32 nlevels,
		     u32 base, u32 backoff_cap)
{
	memset(levels, 0, sizeof(*levels) * nlevels);
	book->levels = levels;
	book->base = base;
	book->nlevels = nlevels;
	book->backoff_cap = backoff_cap;
	book->best_bid1 = 0;
	book->best_ask = nlevels;
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
		      u32 *left, struct velox_book_stats *st,
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
		st->cas_retries++;
		velox_backoff_wait(bo);
		/* The word the failed exchange returned is stale by now. */
		w = READ_ONCE(book->levels[i]);
	}
	st->fills++;
	st->filled_qty += got;
	return got;
}

/*
 * The ask hint moved from @from to @to because the levels between held no
 * ask when we looked.  If an ask was rested there since, the thread that
 * rested it either saw our new hint and lowered it, or rested before our
 * exchange of the hint, and then this re-read (ordered after the fully
 * ordered exchange) sees it.  The bid side is the mirror image.
 */
static void ask_hint_advance(struct velox_book *book, u32 from, u32 to)
{
	u32 i, h = from;

	if (!try_cmpxchg(&book->best_ask, &h, to))
		return;
	for (i = from; i < to; i++) {
		if (level_ask(READ_ONCE(book->levels[i]))) {
			hint_lower(&book->best_ask, i);
			return;
		}
	}
}

static void bid_hint_retreat(struct velox_book *book, u32 from1, u32 to1)
{
	u32 i, h = from1;

	if (!try_cmpxchg(&book->best_bid1, &h, to1))
		return;
	for (i = from1; i > to1; i--) {
		if (level_bid(READ_ONCE(book->levels[i - 1]))) {
			hint_raise(&book->best_bid1, i);
			return;
		}
	}
}

/* An incoming bid takes asks from the best up to level @limit. */
static u32 match_bid(struct velox_book *book, u32 limit, u32 qty,
		     struct velox_book_stats *st, struct velox_backoff *bo)
{
	u32 start = READ_ONCE(book->best_ask), i = start, left;

	/* Stop at the first level that still holds asks after our take. */
	while (qty && i <= limit) {
		qty -= level_take(book, i, true, qty, &left, st, bo);
		if (left)
			break;
		i++;
	}
	if (i > start)
		ask_hint_advance(book, start, i);
	return qty;
}

/* An incoming ask takes bids from the best down to level @limit. */
static u32 match_ask(struct velox_book *book, u32 limit, u32 qty,
		     struct velox_book_stats *st, struct velox_backoff *bo)
{
	u32 start1 = READ_ONCE(book->best_bid1), i1 = start1, left;

	while (qty && i1 > limit) {
		qty -= level_take(book, i1 - 1, false, qty, &left, st, bo);
		if (left)
			break;
		i1--;
	}
	if (i1 < start1)
		bid_hint_retreat(book, start1, i1);
	return qty;
}

/*
 * Rest @qty on side @ask of level @i.  If the other side of that level
 * holds anything (rested there since we matched), trade with it in the
 * same exchange instead: a level never holds both sides.
 */
static void level_rest(struct velox_book *book, u32 i, bool ask, u32 qty,
		       struct velox_book_stats *st, struct velox_backoff *bo)
{
	u64 w = READ_ONCE(book->levels[i]), nw;
	u32 opp, put;

	while (qty) {
		opp = min(level_side(w, !ask), qty);
		if (opp) {
			nw = level_sub(w, !ask, opp);
			if (try_cmpxchg64(&book->levels[i], &w, nw)) {
				st->fills++;
				st->filled_qty += opp;
				qty -= opp;
				/* Go on from what we wrote, not a failing guess. */
				w = nw;
				continue;
			}
		} else {
			put = min(VELOX_BOOK_LEVEL_MAX - level_side(w, ask), qty);
			if (!put) {
				/* The level is full: refuse the rest. */
				st->rejected_qty += qty;
				return;
			}
			nw = level_add(w, ask, put);
			if (try_cmpxchg64(&book->levels[i], &w, nw)) {
				w = nw;
				st->rested_qty += put;
				qty -= put;
				if (ask)
					hint_lower(&book->best_ask, i);
				else
					hint_raise(&book->best_bid1, i + 1);
				continue;
			}
		}
		st->cas_retries++;
		velox_backoff_wait(bo);
		/* The word the failed exchange returned is stale by now. */
		w = READ_ONCE(book->levels[i]);
	}
}

static void level_cancel(struct velox_book *book, u32 i, bool ask, u32 qty,
			 struct velox_book_stats *st, struct velox_backoff *bo)
{
	u32 got = 0;
	u64 w = READ_ONCE(book->levels[i]);

	for (;;) {
		got = min(level_side(w, ask), qty);
		if (!got)
			return;
		if (try_cmpxchg64(&book->levels[i], &w, level_sub(w, ask, got)))
			break;
		st->cas_retries++;
		velox_backoff_wait(bo);
		/* The word the failed exchange returned is stale by now. */
		w = READ_ONCE(book->levels[i]);
	}
	st->cancelled_qty += got;
}

/**
 * velox_book_apply() - apply one transaction to the book
 * @book: the shared book
 * @txn: a limit, market or cancel order
 * @st: the calling thread's counters
 *
 * Limit: trade against the other side from its best price while the price
 * crosses, then rest the remainder at the limit price.  Market: trade what
 * there is at any price, drop the remainder (expired).  Cancel: take up to
 * qty off the order's own side at its price.  Zero quantity, a price
 * outside the band (market orders have none) or an unknown side or kind
 * is rejected and counted.
 */
void velox_book_apply(struct velox_book *book, const struct velox_txn *txn,
		      struct velox_book_stats *st)
{
	bool ask = txn->side == VELOX_SIDE_ASK;
	bool priced = txn->kind != VELOX_KIND_MARKET;
	u32 i = txn->price - book->base;	/* wraps high when below base */
	struct velox_backoff bo;
	u32 qty = txn->qty;

	st->orders++;
	if (txn->kind != VELOX_KIND_CANCEL)
		st->submitted_qty += qty;
	if (unlikely(!qty || txn->side > VELOX_SIDE_ASK ||
		     txn->kind > VELOX_KIND_CANCEL ||
		     (priced && (txn->price < book->base || i >= book->nlevels)))) {
		st->rejected++;
		if (txn->kind != VELOX_KIND_CANCEL)
			st->rejected_qty += qty;
		return;
	}
	velox_backoff_init(&bo, book->backoff_cap, VELOX_BACKOFF_SPIN);

	switch (txn->kind) {
	case VELOX_KIND_LIMIT:
		qty = ask ? match_ask(book, i, qty, st, &bo) :
			    match_bid(book, i, qty, st, &bo);
		if (qty)
			level_rest(book, i, ask, qty, st, &bo);
		break;
	case VELOX_KIND_MARKET:
		qty = ask ? match_ask(book, 0, qty, st, &bo) :
			    match_bid(book, book->nlevels - 1, qty, st, &bo);
		st->expired_qty += qty;
		break;
	case VELOX_KIND_CANCEL:
		level_cancel(book, i, ask, qty, st, &bo);
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

void velox_book_stats_add(struct velox_book_stats *sum,
			  const struct velox_book_stats *st)
{
	sum->orders += st->orders;
	sum->rejected += st->rejected;
	sum->submitted_qty += st->submitted_qty;
	sum->rejected_qty += st->rejected_qty;
	sum->fills += st->fills;
	sum->filled_qty += st->filled_qty;
	sum->rested_qty += st->rested_qty;
	sum->cancelled_qty += st->cancelled_qty;
	sum->expired_qty += st->expired_qty;
	sum->cas_retries += st->cas_retries;
}

/*
 * The conservation invariant of orderbook.h.  Call with every thread's
 * stats summed, once all threads are quiet.
 */
bool velox_book_conserved(const struct velox_book *book,
			  const struct velox_book_stats *sum)
{
	u64 resting = velox_book_resting(book);

	return sum->submitted_qty == 2 * sum->filled_qty + resting +
				     sum->cancelled_qty + sum->expired_qty +
				     sum->rejected_qty;
}
