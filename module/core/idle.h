/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a thread whose stages found nothing to do does next: spin, yield
 * or sleep.  Busy-polling costs a CPU and buys latency only while work is
 * about to come, so a thread spins for a bounded time (the spin window,
 * in ns of its own clock) and then gives the CPU up, as far as the
 * policy allows; NAPI's busy-poll budget and io_uring's sq_thread_idle
 * are the kernel's versions of the same rule.
 *
 * Two kinds of work wake a thread (velox_lane_wake_at(), lane.h):
 *  - its own, due at a known time: ingress's next transaction, an open
 *    bundle's flush timeout, a retry at a full ring.  No point spinning
 *    for that unless it is due within the window: the thread sleeps
 *    until then at once.
 *  - work another thread hands over at any moment (velox_lane_awaits()):
 *    input from the thread upstream, or room at a full ring from the
 *    thread downstream.  The thread spins the window first (at a high
 *    rate the next burst is close behind the last), then sleeps on its
 *    input's doorbell, or until its retry at the full ring.
 *
 * The caller reads the clock, sleeps and yields (they depend on where the
 * code runs); this header only decides, so KUnit drives it with numbers.
 */
#ifndef VELOX_CORE_IDLE_H
#define VELOX_CORE_IDLE_H

#include <linux/types.h>
#include <linux/velox.h>

/* enum velox_backoff_policy (spin, yield, sleep) is uapi. */

/*
 * A sleeping thread may wake this much after its due time (the timer's
 * slack), so that its wake-up can share a timer interrupt with others.
 * A late ingress shows as latency (it stamps the intended time), and so
 * does a late flush: this bounds both.
 */
#define VELOX_IDLE_SLACK_NS	10000

/* The spin window velox.ko's spin_us parameter defaults to (µs). */
#define VELOX_IDLE_SPIN_US_DEFAULT	5

enum velox_idle_action {
	VELOX_IDLE_SPIN = 0,	/* cpu_relax(), then step again */
	VELOX_IDLE_YIELD = 1,	/* schedule(), then step again */
	VELOX_IDLE_SLEEP = 2,	/* sleep until the wake time or the bell */
};

/**
 * struct velox_idle - one thread's idle state
 * @since: when the current idle stretch began (valid if @idle)
 * @spin_ns: the spin window
 * @policy: enum velox_backoff_policy
 * @idle: the last step found nothing to do
 */
struct velox_idle {
	u64 since;
	u64 spin_ns;
	u8 policy;
	bool idle;
};

static inline void velox_idle_init(struct velox_idle *id, u64 spin_ns,
				   enum velox_backoff_policy policy)
{
	id->since = 0;
	id->spin_ns = spin_ns;
	id->policy = policy;
	id->idle = false;
}

/* A step did work: the next idle stretch starts afresh. */
static inline void velox_idle_reset(struct velox_idle *id)
{
	id->idle = false;
}

/**
 * velox_idle_next() - what to do after a step that did nothing
 * @id: the thread's idle state
 * @now: the thread's clock
 * @wake_at: when its own work is due (U64_MAX: none; <= @now: now)
 * @awaits: another thread may hand it work any moment
 *
 * The caller may skip the clock read under policy spin, which always
 * spins.
 *
 * Return: enum velox_idle_action.
 */
static inline enum velox_idle_action
velox_idle_next(struct velox_idle *id, u64 now, u64 wake_at, bool awaits)
{
	if (!id->idle) {
		id->idle = true;
		id->since = now;
	}
	if (id->policy == VELOX_BACKOFF_SPIN)
		return VELOX_IDLE_SPIN;
	/* Due within the window: spinning to it is cheaper than a timer. */
	if (wake_at <= now || wake_at - now <= id->spin_ns)
		return VELOX_IDLE_SPIN;
	if (awaits && now - id->since < id->spin_ns)
		return VELOX_IDLE_SPIN;
	return id->policy == VELOX_BACKOFF_YIELD ? VELOX_IDLE_YIELD :
						   VELOX_IDLE_SLEEP;
}

#endif /* VELOX_CORE_IDLE_H */
