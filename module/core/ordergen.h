/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The order generator: the deterministic order mix one lane's ingress
 * sends.  Equal seeds give equal transactions, so a run can be replayed
 * and two builds compared on the same orders.
 */
#ifndef VELOX_CORE_ORDERGEN_H
#define VELOX_CORE_ORDERGEN_H

#include <linux/types.h>
#include <linux/velox.h>

struct velox_book;

/**
 * struct velox_ordergen - one lane's order mix
 * @rng: splitmix64 state
 * @next_id: id of the next transaction
 * @mid: price the mix moves around, in ticks
 * @mid_lo: lowest @mid may walk to, inside the book's band
 * @mid_hi: highest @mid may walk to
 * @sample: mark 1 transaction in @sample as sampled
 * @sample_left: transactions until the next mark
 */
struct velox_ordergen {
	u64 rng;
	u64 next_id;
	u32 mid;
	u32 mid_lo;
	u32 mid_hi;
	u32 sample;
	u32 sample_left;
};

void velox_ordergen_init(struct velox_ordergen *g, u64 seed, u16 lane,
			 u32 sample, const struct velox_book *book);
void velox_ordergen_next(struct velox_ordergen *g, struct velox_txn *t,
			 u64 ts_ns);

#endif /* VELOX_CORE_ORDERGEN_H */
