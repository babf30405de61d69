// SPDX-License-Identifier: GPL-2.0
/*
 * struct velox_config: what a valid one is, and how its lanes map onto
 * threads.  Checked once at START, so the hot path trusts every field.
 */
#include <linux/bitops.h>
#include <linux/cpumask.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/minmax.h>
#include <linux/velox.h>

#include "config.h"
#include "core/lane.h"
#include "core/ring.h"

/* One lane per online CPU at most: more could never run side by side. */
unsigned int velox_max_lanes(void)
{
	return min_t(unsigned int, num_online_cpus(), VELOX_LANES_MAX);
}

static bool cpus_valid(u64 cpus)
{
	unsigned int cpu;

	for (cpu = 0; cpu < 64; cpu++) {
		if (!(cpus & BIT_ULL(cpu)))
			continue;
		if (cpu >= nr_cpu_ids || !cpu_online(cpu))
			return false;
	}
	return true;
}

/*
 * The first field of @cfg out of its range (uapi/linux/velox.h gives the
 * ranges), or NULL if every field is good.
 */
const char *velox_config_invalid(const struct velox_config *cfg)
{
	if (cfg->lanes < 1 || cfg->lanes > velox_max_lanes())
		return "lanes";
	if (cfg->rate < 1 || cfg->rate > VELOX_RATE_MAX)
		return "rate";
	if (cfg->bundle < 1 || cfg->bundle > VELOX_BUNDLE_MAX)
		return "bundle";
	if (cfg->flush_us < 1 || cfg->flush_us > VELOX_FLUSH_US_MAX)
		return "flush_us";
	if (cfg->ring < VELOX_RING_MIN || cfg->ring > VELOX_RING_MAX ||
	    !velox_ring_capacity_valid(cfg->ring))
		return "ring";
	if (cfg->sample < 1 || cfg->sample > VELOX_SAMPLE_MAX)
		return "sample";
	if (cfg->spin_cap < 1 || cfg->spin_cap > VELOX_SPIN_CAP_MAX)
		return "spin_cap";
	if (cfg->backoff >= VELOX_BACKOFF_POLICIES)
		return "backoff";
	if (cfg->policy >= VELOX_POLICIES)
		return "policy";
	if (cfg->threads != 0 && cfg->threads != 1 && cfg->threads != 2 &&
	    cfg->threads != 4)
		return "threads";
	if (cfg->__reserved0 || cfg->__reserved[0] || cfg->__reserved[1])
		return "__reserved";
	if (!cpus_valid(cfg->cpus))
		return "cpus";
	return NULL;
}

/* 0 if the engine can run @cfg, else -EINVAL. */
int velox_config_check(const struct velox_config *cfg)
{
	return velox_config_invalid(cfg) ? -EINVAL : 0;
}

/*
 * Threads per lane: as configured, or as many as the CPUs allow without
 * two busy threads sharing a CPU: one per stage with 4 CPUs per lane,
 * two (ingress+matcher, bundler+output) with 2, else one.
 */
unsigned int velox_config_threads(const struct velox_config *cfg)
{
	unsigned int cpus = cfg->cpus ? hweight64(cfg->cpus) : num_online_cpus();

	if (cfg->threads)
		return cfg->threads;
	if (cpus >= 4 * cfg->lanes)
		return 4;
	if (cpus >= 2 * cfg->lanes)
		return 2;
	return 1;
}

/* The stages (enum velox_lane_stage bits) thread @i of @threads runs. */
unsigned int velox_config_stages(unsigned int threads, unsigned int i)
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
