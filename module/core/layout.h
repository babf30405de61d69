/* SPDX-License-Identifier: GPL-2.0 */
/*
 * How a lane is split over threads: how many threads a lane gets when
 * the config leaves it to the module (threads = 0), and which stages each
 * runs.  Said here once for velox.ko (module/config.c) and for the bench
 * rig, which runs lanes the way the module would.
 */
#ifndef VELOX_CORE_LAYOUT_H
#define VELOX_CORE_LAYOUT_H

#include <linux/types.h>

/*
 * At or below this rate per lane, one thread runs the whole lane: it is
 * idle between most transactions, and one thread sleeps and wakes once
 * per transaction (its next one, or a bundle's flush, whichever comes
 * first) where two threads wake two or three times and hand every
 * transaction across CPUs.  Natively, one lane on one thread at 10 k/s
 * cost 0.21-0.25 CPUs against 0.50 on two (velox-bench lane,
 * performance.rst).
 */
#define VELOX_LAYOUT_ONE_THREAD_RATE	100000

unsigned int velox_layout_threads(unsigned int cpus, u32 lanes, u32 rate);
unsigned int velox_layout_stages(unsigned int threads, unsigned int i);

#endif /* VELOX_CORE_LAYOUT_H */
