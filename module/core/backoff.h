/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Backoff for a thread that finds nothing to do (an empty or full ring) or
 * loses a race (a failed CAS): spin with cpu_relax(), doubling the spin up
 * to a cap; once at the cap for a while, tell the caller to yield, and
 * later to sleep, as far as the policy allows.  Yielding and sleeping
 * depend on where the code runs, so the caller does them; this header
 * only counts.  Success resets the state (velox_backoff_reset()).
 */
#ifndef VELOX_CORE_BACKOFF_H
#define VELOX_CORE_BACKOFF_H

#include <asm/processor.h>
#include <linux/types.h>
#include <linux/velox.h>

/* enum velox_backoff_policy (spin, yield, sleep) is uapi. */

/* What the caller does after velox_backoff_wait() returns. */
enum velox_backoff_action {
	VELOX_BACKOFF_SPUN = 0,		/* nothing more: try again */
	VELOX_BACKOFF_DO_YIELD = 1,	/* yield the CPU, then try again */
	VELOX_BACKOFF_DO_SLEEP = 2,	/* sleep a while, then try again */
};

/* Rounds at the cap before yielding, and yields before sleeping. */
#define VELOX_BACKOFF_ROUNDS_TO_YIELD	8
#define VELOX_BACKOFF_ROUNDS_TO_SLEEP	64

struct velox_backoff {
	u32 spin;	/* cpu_relax() calls in the next round */
	u32 cap;	/* most cpu_relax() calls in one round, at least 1 */
	u32 rounds;	/* rounds spent at the cap */
	u8 policy;	/* enum velox_backoff_policy */
};

static inline void velox_backoff_init(struct velox_backoff *b, u32 cap,
				      enum velox_backoff_policy policy)
{
	b->spin = 1;
	b->cap = cap ? cap : 1;
	b->rounds = 0;
	b->policy = policy;
}

static inline void velox_backoff_reset(struct velox_backoff *b)
{
	b->spin = 1;
	b->rounds = 0;
}

/* Spin one round, then say whether the caller should yield or sleep. */
static inline enum velox_backoff_action
velox_backoff_wait(struct velox_backoff *b)
{
	u32 i;

	for (i = 0; i < b->spin; i++)
		cpu_relax();
	if (b->spin < b->cap) {
		b->spin = b->spin * 2 < b->cap ? b->spin * 2 : b->cap;
		return VELOX_BACKOFF_SPUN;
	}
	if (b->rounds < VELOX_BACKOFF_ROUNDS_TO_SLEEP)
		b->rounds++;
	if (b->policy >= VELOX_BACKOFF_SLEEP &&
	    b->rounds >= VELOX_BACKOFF_ROUNDS_TO_SLEEP)
		return VELOX_BACKOFF_DO_SLEEP;
	if (b->policy >= VELOX_BACKOFF_YIELD &&
	    b->rounds >= VELOX_BACKOFF_ROUNDS_TO_YIELD)
		return VELOX_BACKOFF_DO_YIELD;
	return VELOX_BACKOFF_SPUN;
}

#endif /* VELOX_CORE_BACKOFF_H */
