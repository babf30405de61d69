/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A ring's doorbell: how the stage that consumes a ring goes to sleep
 * without missing the work that arrives while it falls asleep, and how
 * the stage that produces into it wakes it, at the cost of one barrier
 * and one load per burst rather than a wake-up per transaction.
 * io_uring's SQPOLL thread does the same with IORING_SQ_NEED_WAKEUP.
 *
 *   consumer (going to sleep)          producer (after publishing)
 *   armed = want                       ring head = h + n   (release)
 *   smp_mb()                 <-pairs-> smp_mb()
 *   ring still empty? sleep            armed? xchg(armed, 0), wake
 *
 * Why no wake-up is lost: each side stores, then (after the full
 * barrier) loads what the other stored.  The two loads cannot both miss
 * the two stores (store buffering is exactly what smp_mb() forbids), so
 * either the consumer sees the new elements and does not sleep, or the
 * producer sees the bell armed and wakes it.  The producer takes the bell
 * with an exchange, so of two pushes racing the consumer's re-arming,
 * one wakes it and none clears an arming it did not see.  A wake-up that
 * finds the consumer awake is harmless: it looks, finds nothing, and
 * sleeps again.
 *
 * The consumer may ask for more than "not empty": it arms the bell with
 * the number of elements worth waking for, as SO_RCVLOWAT does for a
 * socket.  A bundler with 3 transactions in its open bundle of 16 sleeps
 * until its flush time or 13 more, whichever comes first: what comes
 * before the flush would wait for it in the bundle anyway, so waking for
 * each buys no latency.  That loses nothing either: while the consumer
 * sleeps only the producer adds to the ring, so the push that brings it
 * to the mark sees that it did.  The mark is the armed word itself, so a
 * producer can never see the bell armed with an older mark.
 *
 * Sleeping and waking depend on where the code runs, so the caller does
 * them: velox.ko sets its task state before arming and sleeps in
 * schedule(), woken by wake_up_process(); the userspace rig sleeps in
 * futex_wait(&armed, 1), which returns at once if the producer took the
 * bell first, woken by futex_wake().  This header only orders.
 */
#ifndef VELOX_CORE_DOORBELL_H
#define VELOX_CORE_DOORBELL_H

#include <asm/barrier.h>
#include <linux/atomic.h>
#include <linux/cache.h>
#include <linux/compiler.h>
#include <linux/types.h>

#include "ring.h"

/**
 * struct velox_doorbell - the bell of one ring's consumer, on a line of
 *	its own (the consumer writes it, the producer reads it every burst)
 * @armed: 0 while the consumer is awake; while it sleeps or is about to,
 *	the elements in the ring worth waking it for (at least 1).  Written
 *	by the consumer (arm, disarm), taken by the producer (exchange to 0)
 * @sleeper: who sleeps on it: what the caller's wake function needs
 *	(velox.ko: the task).  NULL: nobody ever does, so producers neither
 *	pay the barrier nor read @armed.  Set before the threads run.
 */
struct velox_doorbell {
	u32 armed;
	void *sleeper;
} ____cacheline_aligned_in_smp;

/* Wakes the consumer of a bell just taken; the caller provides it. */
typedef void (*velox_wake_fn)(struct velox_doorbell *bell);

/*
 * Consumer: about to look at its ring one last time, then to sleep until
 * the ring holds @want (at least 1) elements, or its producer finishes.
 */
static inline void velox_doorbell_arm(struct velox_doorbell *bell, u32 want)
{
	WRITE_ONCE(bell->armed, want);
	/* Pairs with velox_doorbell_ring(): armed before the last look. */
	smp_mb();
}

/* Consumer: awake again, by the bell or not; nobody need wake it now. */
static inline void velox_doorbell_disarm(struct velox_doorbell *bell)
{
	WRITE_ONCE(bell->armed, 0);
}

/*
 * Producer, after a push to @ring, or with @ring NULL after it finished:
 * wake the consumer if it armed its bell and has what it wants.  Only an
 * armed bell makes it count the ring (which reads the consumer's index,
 * a line the producer otherwise leaves alone).
 */
static inline void velox_doorbell_ring(struct velox_doorbell *bell,
				       const struct velox_ring *ring,
				       velox_wake_fn wake)
{
	u32 want;

	/* Pairs with velox_doorbell_arm(): published before this look. */
	smp_mb();
	want = READ_ONCE(bell->armed);
	if (!want || (ring && velox_ring_count(ring) < want))
		return;
	if (xchg(&bell->armed, 0))
		wake(bell);
}

#endif /* VELOX_CORE_DOORBELL_H */
