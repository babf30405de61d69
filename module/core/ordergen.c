// SPDX-License-Identifier: GPL-2.0
/*
 * The order generator.  See ordergen.h.
 */
#include <linux/types.h>
#include <linux/velox.h>

#include "orderbook.h"
#include "ordergen.h"

/* splitmix64: tiny, fast, and every seed gives a full-period stream. */
static inline u64 ordergen_rand(struct velox_ordergen *g)
{
	u64 z = (g->rng += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/**
 * velox_ordergen_init() - start a lane's order mix
 * @g: the generator
 * @seed: the run's seed; each lane mixes its number in
 * @lane: the lane
 * @sample: mark 1 transaction in @sample (0 is taken as 1)
 * @book: the book the orders go to: the mid starts in its middle and
 *	walks no closer than 32 levels (or a quarter of the band) to an edge
 */
void velox_ordergen_init(struct velox_ordergen *g, u64 seed, u16 lane,
			 u32 sample, const struct velox_book *book)
{
	u32 margin = book->nlevels >= 66 ? 32 : book->nlevels / 2;

	*g = (struct velox_ordergen){
		.rng = seed ^ ((u64)lane * 0xd1b54a32d192ed03ull),
		.next_id = ((u64)lane << VELOX_TXN_ID_LANE_SHIFT) + 1,
		.mid = book->base + book->nlevels / 2,
		.mid_lo = book->base + margin,
		.mid_hi = book->base + book->nlevels - 1 - margin,
		.sample = sample ? sample : 1,
		.sample_left = sample ? sample : 1,
	};
}

/**
 * velox_ordergen_next() - the next transaction of the mix
 * @g: the generator
 * @t: filled in whole
 * @ts_ns: its intended ingress time
 *
 * From one 64-bit random number: 60 % limit orders priced around the mid
 * (a few cross the spread), 25 % cancels near the mid, 15 % market orders;
 * sides even; quantity 1..64; the mid takes a random walk inside the band.
 * Only masks and shifts: no division on this path.
 *
 * Kind, side and walk are random, so a branch on any of them mispredicts
 * about as often as it is taken: a third of the generator's time went to
 * that.  They are picked by table and mask instead; the stream is the one
 * the branches gave.
 */
void velox_ordergen_next(struct velox_ordergen *g, struct velox_txn *t,
			 u64 ts_ns)
{
	/* By mix class: limit (< 154 of 256), cancel (< 218), market. */
	static const u8 kinds[3] = {
		VELOX_KIND_LIMIT, VELOX_KIND_CANCEL, VELOX_KIND_MARKET
	};
	static const s32 bias[3] = { -2, 0, 0 };
	static const u32 keep[3] = { ~0u, ~0u, 0 };
	u64 r = ordergen_rand(g);
	u32 pick = r & 0xff;
	u32 ask = (r >> 8) & 1;
	u32 off = (r >> 24) & 15;
	u32 walk = (r >> 32) & 7;
	u32 mix = (pick >= 154) + (pick >= 218);
	/* Distance from the mid, away from the own side: + for an ask. */
	u32 dist = (off + bias[mix]) & keep[mix];
	u32 flip = ask - 1;	/* 0 for an ask, all ones for a bid */

	t->ts_ns = ts_ns;
	t->id = g->next_id++;
	t->qty = 1 + ((r >> 16) & 63);
	t->side = ask ? VELOX_SIDE_ASK : VELOX_SIDE_BID;
	t->flags = 0;
	t->__reserved = 0;
	t->match_ns = 0;
	t->kind = kinds[mix];
	t->price = g->mid + ((dist ^ flip) - flip);
	g->mid -= (walk == 0) & (g->mid > g->mid_lo);
	g->mid += (walk == 1) & (g->mid < g->mid_hi);
	if (!--g->sample_left) {
		t->flags |= VELOX_TXN_SAMPLED;
		g->sample_left = g->sample;
	}
}
