// SPDX-License-Identifier: GPL-2.0
/*
 * How a lane is split over threads.  See layout.h.
 */
#include <linux/bits.h>

#include "layout.h"
#include "lane.h"

/**
 * velox_layout_threads() - threads per lane when the config says 0
 * @cpus: the CPUs the threads may run on
 * @lanes: lanes of the run
 * @rate: transactions per second, all lanes together
 *
 * One at a low rate per lane (VELOX_LAYOUT_ONE_THREAD_RATE); above it as
 * many as the CPUs allow without two busy threads sharing a CPU: one per
 * stage with 4 CPUs per lane, two (ingress+matcher, bundler+output) with
 * 2, else one.
 *
 * Return: 1, 2 or 4.
 */
unsigned int velox_layout_threads(unsigned int cpus, u32 lanes, u32 rate)
{
	if ((u64)rate <= (u64)VELOX_LAYOUT_ONE_THREAD_RATE * lanes)
		return 1;
	if (cpus >= 4 * lanes)
		return 4;
	if (cpus >= 2 * lanes)
		return 2;
	return 1;
}

/**
 * velox_layout_stages() - the stages thread @i of a lane's @threads runs
 * @threads: 1, 2 or 4
 * @i: 0 .. @threads - 1
 *
 * Always a contiguous run of stages: only the first is fed by another
 * thread (velox_lane_bell()).
 *
 * Return: enum velox_lane_stage bits.
 */
unsigned int velox_layout_stages(unsigned int threads, unsigned int i)
{
	switch (threads) {
	case 1:
		return VELOX_LANE_ALL;
	case 2:
		return i ? VELOX_LANE_BUNDLER | VELOX_LANE_OUTPUT :
			   VELOX_LANE_INGRESS | VELOX_LANE_MATCHER;
	default:
		return BIT(i);
	}
}
