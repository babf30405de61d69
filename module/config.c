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
#include "core/config_range.h"
#include "core/layout.h"

/* One lane per online CPU at most: more could never run side by side. */
unsigned int velox_max_lanes(void)
{
	return min_t(unsigned int, num_online_cpus(), VELOX_LANES_MAX);
}

/*
 * Every CPU of @cpus exists and is online.  START asks again with the
 * hotplug lock held, from this check to its threads waking up.
 */
bool velox_config_cpus_online(u64 cpus)
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
 * The first field of @cfg the engine cannot run: out of its range
 * (core/config_range.c), or a CPU that is not online.  NULL if every field is
 * good.
 */
const char *velox_config_invalid(const struct velox_config *cfg)
{
	const char *bad = velox_config_out_of_range(cfg, velox_max_lanes());

	if (bad)
		return bad;
	if (!velox_config_cpus_online(cfg->cpus))
		return "cpus";
	return NULL;
}

/* 0 if the engine can run @cfg, else -EINVAL. */
int velox_config_check(const struct velox_config *cfg)
{
	return velox_config_invalid(cfg) ? -EINVAL : 0;
}

/*
 * Threads per lane: as configured, or as core/layout.c chooses for the
 * CPUs the config names (else the online ones), its lanes and its rate.
 */
unsigned int velox_config_threads(const struct velox_config *cfg)
{
	unsigned int cpus = cfg->cpus ? hweight64(cfg->cpus) : num_online_cpus();

	if (cfg->threads)
		return cfg->threads;
	return velox_layout_threads(cpus, cfg->lanes, cfg->rate);
}
