/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A lane: the four stages of the pipeline and the rings between them.
 *
 *   ingress --txq--> matcher --mq--> bundler --bq--> output
 *
 * This file says what one step of each stage does; it has no threads and
 * reads no clock of its own.  The caller decides which thread runs which
 * stages (velox_lane_run() takes a mask), passes the clock in at init,
 * and passes a sink to count into: in velox.ko one sink per CPU, in the
 * userspace bench one per thread.  So the same code runs in kthreads, in
 * KUnit with a fake clock, and on pthreads.
 *
 * Every step is bounded and never waits: a full output ring leaves the
 * work pending in the stage until the next step.  A thread may therefore
 * run several stages of one lane in turn without deadlock.
 *
 * Stopping: velox_lane_stop() asks ingress to stop generating.  Each
 * stage finishes once its upstream has finished and its input is empty,
 * so when the output stage reports done, every transaction generated was
 * delivered or dropped at ingress, and nothing is left in any ring.
 */
#ifndef VELOX_CORE_LANE_H
#define VELOX_CORE_LANE_H

#include <linux/bits.h>
#include <linux/cache.h>
#include <linux/types.h>
#include <linux/velox.h>

#include "bundle.h"
#include "hist.h"
#include "orderbook.h"
#include "ring.h"

/* Most transactions one step moves; bounds the work between clock reads. */
#define VELOX_LANE_BURST	32
/* Bundles the output stage takes per step. */
#define VELOX_LANE_BUNDLE_BURST	2
/* Ids carry their lane in the top byte; the low bits count from 1. */
#define VELOX_ID_LANE_SHIFT	56

/* Stages, as bits of the mask velox_lane_run() takes. */
enum velox_lane_stage {
	VELOX_LANE_INGRESS = BIT(0),
	VELOX_LANE_MATCHER = BIT(1),
	VELOX_LANE_BUNDLER = BIT(2),
	VELOX_LANE_OUTPUT = BIT(3),
	VELOX_LANE_ALL = 0xf,
};

/*
 * What steps count.  One writer per sink (a CPU or a thread), so plain
 * adds, no atomics; readers sum every sink.
 */
struct velox_tally {
	u64 generated;
	u64 dropped;
	u64 full_waits;
	u64 delivered;
	u64 sampled;
	u64 seq_errors;
	u64 bundles;
	u64 flushes[VELOX_FLUSH_REASONS];
	u64 idle_yields;
	u64 idle_sleeps;
	struct velox_book_stats book;
};

struct velox_sink {
	struct velox_tally tally;
	struct velox_hist hist[VELOX_STAGES];
};

/* The deterministic order mix of one lane. */
struct velox_gen {
	u64 rng;		/* splitmix64 state */
	u64 next_id;
	u32 mid;		/* price the mix moves around, in ticks */
	u32 mid_lo;		/* bounds of @mid inside the book's band */
	u32 mid_hi;
	u8 lane;
	u32 sample;		/* mark 1 in @sample transactions */
	u32 sample_left;	/* transactions until the next mark */
};

/* What a lane is set up with; the engine derives it from the config. */
struct velox_lane_params {
	u8 id;
	u8 policy;		/* enum velox_policy */
	u32 bundle;
	u64 flush_ns;
	u64 period_fp;		/* ns between transactions, << 16 */
	u32 sample;
	u64 seed;
	u64 start_ns;
};

typedef u64 (*velox_clock_fn)(void);

struct velox_lane {
	/* Read-only after velox_lane_init(). */
	struct velox_book *book;
	velox_clock_fn clock;
	u8 id;
	u8 policy;

	/* Ingress: owned by the thread running it. */
	struct {
		struct velox_gen gen;
		u64 next_ns;		/* intended time of the next txn */
		u64 period_ns;		/* whole ns between two txns */
		u32 period_frac;	/* and 1/65536 ns more */
		u32 frac;		/* 1/65536 ns owed to next_ns */
		u32 npend;		/* txns in @pend not yet pushed */
		u32 pend_off;
		u64 generated;		/* for the per-lane view */
		u64 dropped;
		struct velox_txn pend[VELOX_LANE_BURST];
	} in ____cacheline_aligned_in_smp;

	struct {
		u32 npend;
		u32 pend_off;
		struct velox_txn pend[VELOX_LANE_BURST];
	} match ____cacheline_aligned_in_smp;

	struct {
		struct velox_bundler bundler;
		bool ready;		/* @open is flushed, waiting for room */
		struct velox_bundle open;
	} bun ____cacheline_aligned_in_smp;

	struct {
		u64 last_id;
		u64 delivered;
		struct velox_bundle buf[VELOX_LANE_BUNDLE_BURST];
	} out ____cacheline_aligned_in_smp;

	/* Set by whoever stops the lane; read by ingress. */
	bool stop ____cacheline_aligned_in_smp;
	/*
	 * done[n]: stage n (bit n of enum velox_lane_stage) has finished.
	 * Set with release by the stage's thread after its last push, read
	 * with acquire by the next stage before it looks at the ring.
	 */
	bool done[4];

	struct velox_ring txq;
	struct velox_ring mq;
	struct velox_ring bq;
};

/* Slots a lane's rings need, for a txn ring capacity of @ring. */
static inline u32 velox_lane_bq_capacity(u32 ring)
{
	return ring / VELOX_BUNDLE_MAX >= 4 ? ring / VELOX_BUNDLE_MAX : 4;
}

void velox_lane_init(struct velox_lane *l, const struct velox_lane_params *p,
		     struct velox_book *book, velox_clock_fn clock,
		     void *txq_slots, void *mq_slots, u32 ring,
		     void *bq_slots);
u32 velox_lane_run(struct velox_lane *l, unsigned int stages,
		   struct velox_sink *sink);
void velox_lane_stop(struct velox_lane *l);
bool velox_lane_done(const struct velox_lane *l, unsigned int stages);

void velox_gen_init(struct velox_gen *g, u64 seed, u8 lane, u32 sample,
		    const struct velox_book *book);
void velox_gen_next(struct velox_gen *g, struct velox_txn *t, u64 ts_ns);

void velox_tally_add(struct velox_tally *sum, const struct velox_tally *t);
void velox_sink_init(struct velox_sink *s);

#endif /* VELOX_CORE_LANE_H */
