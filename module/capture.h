/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VELOX_CAPTURE_H
#define VELOX_CAPTURE_H

#include <linux/atomic.h>
#include <linux/types.h>
#include <linux/velox.h>

#include "core/report.h"

struct velox_noise;
struct velox_noise_sum;

/**
 * struct velox_capture - the spikes of the current or last run
 * @snapshot_ns: the first spike at or over it takes an ftrace snapshot;
 *	0: never
 * @snapshot_taken: it was taken (once a run)
 * @noise: where the interference comes from
 * @next: slots claimed, possibly beyond @capacity by the lanes that
 *	raced for the last ones (those are lost)
 * @ready: bit i set once spike i is written whole
 * @capacity: VELOX_TAIL_SPIKES
 * @spikes: in capture order
 *
 * The lanes' output stages append to it (a claimed slot each, so several
 * lanes never collide, then the ready bit); read() copies the ready ones
 * in order.  It lives from the START of a run with tail capture on until
 * the next START or module exit, so a stopped run's spikes can be read.
 */
struct velox_capture {
	u64 snapshot_ns;
	atomic_t snapshot_taken;
	struct velox_noise *noise;
	atomic_t next;
	unsigned long *ready;
	u32 capacity;
	struct velox_spike spikes[];
};

struct velox_capture *velox_capture_alloc(u64 snapshot_ns,
					  struct velox_noise *noise);
void velox_capture_free(struct velox_capture *cap);
struct velox_spike *velox_capture_claim(void *ctx, u64 e2e_ns);
void velox_capture_keep(void *ctx, struct velox_spike *spike);
void velox_capture_interference(void *ctx, unsigned int cpu, u64 from, u64 to,
				struct velox_noise_sum *sum);
unsigned int velox_capture_copy(const struct velox_capture *cap, u64 first,
				struct velox_spike *dst, unsigned int max);
void velox_capture_show(struct velox_capture *cap, velox_emit_fn emit,
			void *ctx);

#endif /* VELOX_CAPTURE_H */
