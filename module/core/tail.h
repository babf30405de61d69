/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tail capture: a sampled transaction whose end-to-end latency reaches the
 * threshold becomes a struct velox_spike (uapi): its parts from the
 * lane's timeline, and what the machine did to the CPUs that carried each
 * part, from the caller's interference callback (velox.ko: the kernel's
 * tracepoints, module/noise.c; KUnit: a fake).  The attribution rule: a
 * part's time that interference covered on its CPU counts to the
 * interference's cause, the rest to the part's stage; every instant of a
 * spike belongs to one part on one CPU, so nothing is counted twice and
 * the causes add up to the end-to-end time exactly.
 */
#ifndef VELOX_CORE_TAIL_H
#define VELOX_CORE_TAIL_H

#include <linux/types.h>
#include <linux/velox.h>

#include "noise_log.h"
#include "timeline.h"

struct velox_bundle;
struct velox_counters;
struct velox_txn;

/**
 * struct velox_tail - what a lane captures with, set up by its owner
 * @threshold_ns: capture at or above this end-to-end latency
 * @timeline: the lane's stamps
 * @interference: add to @sum what took CPU @cpu from the pipeline in
 *	[@from, @to]
 * @claim: room for a spike of @e2e_ns, or NULL when there is none (it
 *	is then counted lost, without being cut into parts)
 * @keep: the spike in the room @claim gave is written whole
 * @ctx: the owner's, passed to each
 */
struct velox_tail {
	u64 threshold_ns;
	struct velox_timeline timeline;
	void (*interference)(void *ctx, unsigned int cpu, u64 from, u64 to,
			     struct velox_noise_sum *sum);
	struct velox_spike *(*claim)(void *ctx, u64 e2e_ns);
	void (*keep)(void *ctx, struct velox_spike *spike);
	void *ctx;
};

void velox_tail_split(const struct velox_tail *t, const struct velox_stamp *st,
		      const struct velox_txn *txn, const struct velox_bundle *b,
		      u64 now, unsigned int out_cpu, u16 lane,
		      struct velox_spike *s);
void velox_tail_capture(const struct velox_tail *t,
			const struct velox_stamp *st,
			const struct velox_txn *txn,
			const struct velox_bundle *b, u64 now,
			unsigned int out_cpu, u16 lane,
			struct velox_counters *c);

#endif /* VELOX_CORE_TAIL_H */
