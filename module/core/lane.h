/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A lane: the four stages of the pipeline and the rings between them, each
 * ring named for the stage that consumes it.
 *
 *   ingress --to_matcher--> matcher --to_bundler--> bundler --to_output--> output
 *
 * This file says what one step of each stage does; it has no threads and
 * reads no clock of its own.  The caller decides which thread runs which
 * stages (velox_lane_run() takes a mask), passes the clock in at init,
 * and passes a sink to count into (sink.h): in velox.ko one sink per CPU,
 * in the userspace bench one per thread.  So the same code runs in
 * kthreads, in KUnit with a fake clock, and on pthreads.
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
#include "doorbell.h"
#include "orderbook.h"
#include "ordergen.h"
#include "ring.h"
#include "sink.h"
#include "tail.h"

/* Most transactions one step moves; bounds the work between clock reads. */
#define VELOX_LANE_BURST	32
/* Bundles the output stage takes per step. */
#define VELOX_LANE_BUNDLE_BURST	2
/*
 * A stage held up by a full ring (policy block at ingress, the matcher,
 * the bundler) looks again this long after, asleep: the stage downstream
 * is busy, so there is nobody to ring a bell for room.
 */
#define VELOX_LANE_RETRY_NS	20000

/* Stages, as bits of the mask velox_lane_run() takes. */
enum velox_lane_stage {
	VELOX_LANE_INGRESS = BIT(0),
	VELOX_LANE_MATCHER = BIT(1),
	VELOX_LANE_BUNDLER = BIT(2),
	VELOX_LANE_OUTPUT = BIT(3),
	VELOX_LANE_ALL = 0xf,
};

/* What a lane is set up with; the engine derives it from the config. */
struct velox_lane_params {
	u16 id;
	u8 policy;		/* enum velox_policy */
	u32 bundle;
	u64 flush_ns;
	u64 period_fp;		/* ns between transactions, << 16 */
	u32 sample;
	u64 seed;
	u64 start_ns;
	const struct velox_tail *tail;	/* NULL: tail capture off */
	/* NULL: no thread of this lane ever sleeps on a doorbell. */
	velox_wake_fn wake;
};

typedef u64 (*velox_clock_fn)(void);

struct velox_lane {
	/* Read-only after velox_lane_init(). */
	struct velox_book *book;
	velox_clock_fn clock;
	const struct velox_tail *tail;	/* NULL: tail capture off */
	velox_wake_fn wake;		/* NULL: nobody sleeps on @bell */
	u16 id;
	u8 policy;

	/* Each stage's state is owned by the thread running that stage. */
	struct {
		struct velox_ordergen gen;
		u64 next_ns;		/* intended time of the next txn */
		u64 period_ns;		/* whole ns between two txns */
		u32 period_frac;	/* and 1/65536 ns more */
		u32 frac;		/* 1/65536 ns owed to next_ns */
		u32 npend;		/* txns in @pend not yet pushed */
		u32 pend_off;
		u64 generated;		/* for the per-lane view */
		u64 dropped;
		u64 tail_seq;		/* sampled txns pushed (timeline.h) */
		struct velox_txn pend[VELOX_LANE_BURST];
	} ingress ____cacheline_aligned_in_smp;

	struct {
		u32 npend;
		u32 pend_off;
		u64 tail_seq;		/* sampled txns taken (timeline.h) */
		struct velox_txn pend[VELOX_LANE_BURST];
	} matcher ____cacheline_aligned_in_smp;

	struct {
		struct velox_bundler state;
		bool ready;		/* @open is flushed, waiting for room */
		u64 tail_seq;		/* sampled txns taken (timeline.h) */
		struct velox_bundle open;
	} bundler ____cacheline_aligned_in_smp;

	struct {
		u64 last_id;
		u64 delivered;
		u64 tail_seq;		/* sampled txns taken (timeline.h) */
		struct velox_bundle buf[VELOX_LANE_BUNDLE_BURST];
	} output ____cacheline_aligned_in_smp;

	/* Set by whoever stops the lane; read by ingress. */
	bool stop ____cacheline_aligned_in_smp;
	/*
	 * done[n]: stage n (bit n of enum velox_lane_stage) has finished.
	 * Set with release by the stage's thread after its last push, read
	 * with acquire by the next stage before it looks at the ring.
	 */
	bool done[4];

	/*
	 * bell[n]: the doorbell of stage n's input, armed by the thread
	 * running stage n when it sleeps, rung by the stage before it
	 * after a push or when it finishes (doorbell.h).  bell[0] is unused:
	 * ingress has no input; its own work is due at a known time.
	 */
	struct velox_doorbell bell[4] ____cacheline_aligned_in_smp;

	struct velox_ring to_matcher;
	struct velox_ring to_bundler;
	struct velox_ring to_output;
};

/* Slots the ring of bundles needs, for a transaction ring capacity @ring. */
static inline u32 velox_lane_bundle_slots(u32 ring)
{
	return ring / VELOX_BUNDLE_MAX >= 4 ? ring / VELOX_BUNDLE_MAX : 4;
}

void velox_lane_init(struct velox_lane *l, const struct velox_lane_params *p,
		     struct velox_book *book, velox_clock_fn clock,
		     void *to_matcher_slots, void *to_bundler_slots, u32 ring,
		     void *to_output_slots);
u32 velox_lane_run(struct velox_lane *l, unsigned int stages,
		   struct velox_sink *sink);
void velox_lane_stop(struct velox_lane *l);
bool velox_lane_done(const struct velox_lane *l, unsigned int stages);

/*
 * A thread that found nothing to do in @stages (velox_lane_run() returned
 * 0) and may sleep: idle.h says when.  The protocol, with the thread's own
 * clock and its own way to sleep:
 *
 *	wake_at = velox_lane_wake_at(l, stages, now);
 *	(velox.ko: set_current_state() first)
 *	bell = velox_lane_arm(l, stages, &want);  (NULL: only wake_at)
 *	if (velox_lane_idle(l, stages))
 *		sleep until wake_at or the bell;
 *	if (bell)
 *		velox_doorbell_disarm(bell);
 *
 * velox_lane_awaits() says whether to spin the window first (idle.h).
 */
u64 velox_lane_wake_at(const struct velox_lane *l, unsigned int stages,
		       u64 now);
struct velox_doorbell *velox_lane_bell(struct velox_lane *l,
				       unsigned int stages);
struct velox_doorbell *velox_lane_arm(struct velox_lane *l,
				      unsigned int stages, u32 *want);
bool velox_lane_idle(const struct velox_lane *l, unsigned int stages);
bool velox_lane_awaits(const struct velox_lane *l, unsigned int stages);

#endif /* VELOX_CORE_LANE_H */
