/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A sink: what the stage steps count into.  One writer per sink (a CPU in
 * velox.ko, a thread in the userspace bench), so counting is a plain add:
 * no atomic, no shared cache line.  Readers sum every sink.
 *
 * The counters are struct velox_counters itself, the uapi's layout: a step
 * counts straight into the field users read, and summing sinks is a loop
 * over u64 words.  So a new counter is one line in the uapi struct, its
 * name in names.c (the build fails without it), and the place that counts
 * it.
 */
#ifndef VELOX_CORE_SINK_H
#define VELOX_CORE_SINK_H

#include <linux/build_bug.h>
#include <linux/stddef.h>
#include <linux/types.h>
#include <linux/velox.h>

#include "hist.h"

/* The counters that mean something: the u64 words before the reserved tail. */
#define VELOX_NR_COUNTERS \
	(offsetof(struct velox_counters, __reserved) / sizeof(u64))

/**
 * struct velox_sink - one writer's counts
 * @count: the counters, written by the steps of whoever owns the sink
 * @hist: latency of the sampled transactions, by enum velox_stage
 * @cpu: the CPU (or thread) that owns it, which tail capture records as
 *	the CPU of a stage; velox_sink_init() leaves it alone
 */
struct velox_sink {
	struct velox_counters count;
	struct velox_hist hist[VELOX_STAGES];
	u32 cpu;
};

void velox_sink_init(struct velox_sink *s);
void velox_sink_merge(const struct velox_sink *s, struct velox_counters *count,
		      struct velox_hist *hist);
void velox_counters_add(struct velox_counters *sum,
			const struct velox_counters *c);

#endif /* VELOX_CORE_SINK_H */
