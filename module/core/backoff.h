/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Backoff after a lost race (a failed compare-and-exchange on the order
 * book): spin with cpu_relax(), doubling the spin up to a cap, so that
 * contenders spread out instead of colliding again at once.  Success
 * resets the state (velox_backoff_reset()).  A thread with nothing to do
 * is another matter: idle.h.
 */
#ifndef VELOX_CORE_BACKOFF_H
#define VELOX_CORE_BACKOFF_H

#include <asm/processor.h>
#include <linux/types.h>

struct velox_backoff {
	u32 spin;	/* cpu_relax() calls in the next round */
	u32 cap;	/* most cpu_relax() calls in one round, at least 1 */
};

static inline void velox_backoff_init(struct velox_backoff *b, u32 cap)
{
	b->spin = 1;
	b->cap = cap ? cap : 1;
}

static inline void velox_backoff_reset(struct velox_backoff *b)
{
	b->spin = 1;
}

/* Spin one round; the next one is twice as long, up to the cap. */
static inline void velox_backoff_wait(struct velox_backoff *b)
{
	u32 i;

	for (i = 0; i < b->spin; i++)
		cpu_relax();
	if (b->spin < b->cap)
		b->spin = b->spin * 2 < b->cap ? b->spin * 2 : b->cap;
}

#endif /* VELOX_CORE_BACKOFF_H */
