/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace: how a thread running stages of a lane sleeps and is woken,
 * by the doorbell protocol of module/core/lane.h, with futexes where
 * velox.ko uses schedule() and wake_up_process().  Shared by the bench
 * rig (tools/bench/rig.c) and the sanitizer tests (tools/testing/core).
 *
 * futex_wait() returns at once if the bell is no longer armed (the
 * producer took it between the last look and the wait), so no wake-up is
 * lost without the task state the module sets.  Timeouts are absolute,
 * on CLOCK_MONOTONIC, which the lanes' clock is.
 */
#ifndef VELOX_USER_LANE_SLEEP_H
#define VELOX_USER_LANE_SLEEP_H

#include <linux/futex.h>
#include <stdbool.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "lane.h"

/* A lane's wake function (struct velox_lane_params.wake). */
static inline void velox_user_wake(struct velox_doorbell *bell)
{
	syscall(SYS_futex, &bell->armed, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

/*
 * Sleep until @wake_at (U64_MAX: no time) or the thread's bell rings.
 * Returns whether it slept: the last look may find work.
 */
static inline bool velox_user_lane_sleep(struct velox_lane *l,
					 unsigned int stages, u64 wake_at)
{
	struct timespec at = {
		.tv_sec = wake_at / 1000000000ull,
		.tv_nsec = wake_at % 1000000000ull,
	};
	struct velox_doorbell *bell;
	bool slept = false;
	u32 want;

	bell = velox_lane_arm(l, stages, &want);
	if (!bell) {
		/*
		 * No bell (ingress first: nobody feeds it, its stop is its
		 * own; or held at a full ring): its own due time only.
		 */
		if (wake_at != U64_MAX && velox_lane_idle(l, stages)) {
			clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &at,
					NULL);
			slept = true;
		}
		return slept;
	}
	if (velox_lane_idle(l, stages)) {
		/* Waits only while the bell still holds what we armed it with. */
		syscall(SYS_futex, &bell->armed, FUTEX_WAIT_BITSET_PRIVATE,
			want, wake_at == U64_MAX ? NULL : &at, NULL,
			FUTEX_BITSET_MATCH_ANY);
		slept = true;
	}
	velox_doorbell_disarm(bell);
	return slept;
}

#endif /* VELOX_USER_LANE_SLEEP_H */
