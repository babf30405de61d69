/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VELOX_STATS_H
#define VELOX_STATS_H

#include <linux/cpumask.h>
#include <linux/mutex.h>
#include <linux/smp.h>
#include <linux/types.h>
#include <linux/velox.h>

struct velox_sink;
struct velox_stats;
struct vm_area_struct;

/**
 * struct velox_stats_state - counting and publishing
 * @sinks: one per possible CPU, each written only on its CPU (with
 *	preemption off), so counting needs neither atomics nor shared lines
 * @used: the CPUs whose sinks were written since the last reset: the
 *	only ones a publication merges, so its cost follows the CPUs that
 *	ran workers, not the CPUs the machine could have
 * @area: the published struct velox_stats and its arrays, mmap'd
 *	read-only by users
 * @scratch: where the next publication is built, so that @area is odd
 *	(being rewritten) only for the copy
 * @size: bytes of @area, whole pages
 * @shown_lanes: entries of the lane array @area holds that may not be 0
 * @shown_noise: the same for its noise array
 * @lock: one publisher at a time; held by readers inside the kernel
 */
struct velox_stats_state {
	struct velox_sink **sinks;
	struct cpumask used;
	struct velox_stats *area;
	struct velox_stats *scratch;
	size_t size;
	u32 shown_lanes;
	u32 shown_noise;
	struct mutex lock;	/* see above */
};

int velox_stats_init(struct velox_stats_state *s);
void velox_stats_exit(struct velox_stats_state *s);
void velox_stats_reset(struct velox_stats_state *s);
struct velox_stats *velox_stats_prepare(struct velox_stats_state *s);
void velox_stats_commit(struct velox_stats_state *s);
size_t velox_stats_size(void);
int velox_stats_mmap(struct velox_stats_state *s, struct vm_area_struct *vma);
void velox_stats_set_cpus(struct velox_stats *st, const struct cpumask *cpus);

/* The arrays of a publication being built, to fill in (see the uapi). */
static inline struct velox_lane_counters *
velox_stats_lanes_of(struct velox_stats *st)
{
	return (void *)st + st->lane_offset;
}

static inline struct velox_noise_cpu *
velox_stats_noise_of(struct velox_stats *st)
{
	return (void *)st + st->noise_offset;
}

/**
 * velox_stats_sink() - this CPU's sink, to count into
 * @s: the stats
 *
 * Call with preemption disabled.  The first call on a CPU after a reset
 * marks it used; later calls only read the mask, a line nobody writes.
 *
 * Return: the sink of the calling CPU.
 */
static inline struct velox_sink *velox_stats_sink(struct velox_stats_state *s)
{
	unsigned int cpu = smp_processor_id();

	if (!cpumask_test_cpu(cpu, &s->used))
		cpumask_set_cpu(cpu, &s->used);
	return s->sinks[cpu];
}

#endif /* VELOX_STATS_H */
