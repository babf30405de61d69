/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libvelox's host tests: stats areas made up as the kernel lays one out,
 * for the printers and the saved results to read.
 */
#ifndef VELOX_TEST_STATS_AREA_H
#define VELOX_TEST_STATS_AREA_H

#include <stdlib.h>
#include <linux/velox.h>

/* Slots and CPU set words of the made-up stats areas: a 72-CPU machine. */
#define AREA_SLOTS	72
#define AREA_SET_WORDS	2

/*
 * A copy of a stats area as the kernel lays one out: the fixed part, then
 * the lanes, the noise entries and the CPU set, AREA_SLOTS of each array.
 * Its size in *@size.
 */
static inline struct velox_stats *stats_area(size_t *size)
{
	size_t lanes = sizeof(struct velox_stats);
	size_t noise = lanes + AREA_SLOTS * sizeof(struct velox_lane_counters);
	size_t set = noise + AREA_SLOTS * sizeof(struct velox_noise_cpu);
	struct velox_stats *st;

	*size = set + AREA_SET_WORDS * sizeof(__u64);
	st = calloc(1, *size);
	if (!st)
		return NULL;
	st->magic = VELOX_STATS_MAGIC;
	st->abi_version = VELOX_ABI_VERSION;
	st->size = *size;
	st->slots = AREA_SLOTS;
	st->lane_offset = lanes;
	st->noise_offset = noise;
	st->cpu_set_offset = set;
	st->cpu_set_size = AREA_SET_WORDS * sizeof(__u64);
	return st;
}

/* The area's arrays, writable, for the cases to fill in. */
static inline struct velox_noise_cpu *noise_of(struct velox_stats *st)
{
	return (struct velox_noise_cpu *)((char *)st + st->noise_offset);
}

static inline struct velox_lane_counters *lanes_of(struct velox_stats *st)
{
	return (struct velox_lane_counters *)((char *)st + st->lane_offset);
}

static inline __u64 *cpu_set_of(struct velox_stats *st)
{
	return (__u64 *)((char *)st + st->cpu_set_offset);
}

#endif /* VELOX_TEST_STATS_AREA_H */
