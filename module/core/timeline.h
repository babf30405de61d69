/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A lane's timeline: while tail capture is on, each stage stamps when it
 * handled a sampled transaction, so that the output stage can split a
 * slow one's end-to-end time into parts (uapi enum velox_part) and name
 * the CPU that carried each.
 *
 * The table is indexed by the lane's count of sampled transactions: each
 * stage counts the ones it has passed (its tail_seq), and as nothing is
 * lost or reordered between ingress's push and the output, the k-th of
 * every stage is the same transaction.  Ingress counts only those it
 * pushed: a dropped transaction takes no slot (were the table indexed by
 * id, the ids a drop policy skips would reuse the slots of transactions
 * still in flight).  The table has a power of two of slots, more than a
 * lane can hold in flight (velox_timeline_slots()), so a slot is not
 * reused before the output stage read it; the stamp's id says if it was
 * all the same.  Each field has one writer, the stage that owns
 * it, which writes before it pushes the transaction on; the ring's
 * release/acquire pairs then order the stamps before the output stage's
 * read, as they order the transaction itself.  With tail capture off the
 * lane has no timeline and the stages test one pointer per sampled
 * transaction.
 */
#ifndef VELOX_CORE_TIMELINE_H
#define VELOX_CORE_TIMELINE_H

#include <linux/bitops.h>
#include <linux/cache.h>
#include <linux/types.h>
#include <linux/velox.h>

/* The stages whose CPU a stamp keeps (the output's is the reader's own). */
enum { VELOX_STAMP_INGRESS, VELOX_STAMP_MATCHER, VELOX_STAMP_BUNDLER };

/**
 * struct velox_stamp - when each stage handled one sampled transaction
 * @id: the transaction (so a reader can tell a reused slot)
 * @gen: ingress generated it
 * @taken: the matcher took it off the ring
 * @matched: the matcher's burst, with it, was applied to the book
 * @bundled: the bundler took it off the ring
 * @cas_retries: exchanges it lost in the book
 * @cpu: the CPU of its ingress, matcher and bundler step
 */
struct velox_stamp {
	u64 id;
	u64 gen;
	u64 taken;
	u64 matched;
	u64 bundled;
	u32 cas_retries;
	u16 cpu[3];
} ____cacheline_aligned_in_smp;

/**
 * struct velox_timeline - a lane's stamps
 * @stamps: velox_timeline_slots() of them, owned by the engine
 * @mask: slots - 1
 */
struct velox_timeline {
	struct velox_stamp *stamps;
	u32 mask;
};

/*
 * Slots for rings of @ring transactions: more than can be in flight
 * between ingress and output (two transaction rings, the ring of bundles
 * with up to 16 each, and the bursts the stages hold), as a power of two.
 */
static inline u32 velox_timeline_slots(u32 ring)
{
	u32 need = 3 * ring + 256;

	return 1u << fls(need - 1);
}

/* The stamp of the @seq-th sampled transaction (from 0) of the lane. */
static inline struct velox_stamp *
velox_timeline_at(const struct velox_timeline *tl, u64 seq)
{
	return &tl->stamps[seq & tl->mask];
}

#endif /* VELOX_CORE_TIMELINE_H */
