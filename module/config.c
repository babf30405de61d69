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

/*
 * One lane per online CPU at most: more could never run side by side.
 * (A lane's number must fit the 16 bits of velox_txn.id it has.)
 */
unsigned int velox_max_lanes(void)
{
	return min_t(unsigned int, num_online_cpus(),
		     1u << (64 - VELOX_TXN_ID_LANE_SHIFT));
}

/*
 * Every CPU of @cpus is online.  START asks again with the hotplug lock
 * held, from this check to its threads waking up.
 */
bool velox_config_cpus_online(const struct cpumask *cpus)
{
	return cpumask_subset(cpus, cpu_online_mask);
}

/*
 * The first field of @cfg the engine cannot run: out of its range
 * (core/config_range.c), or a CPU of @cpus that is not online.  NULL if
 * every field is good.
 */
const char *velox_config_invalid(const struct velox_config *cfg,
				 const struct cpumask *cpus)
{
	const char *bad = velox_config_out_of_range(cfg, velox_max_lanes());

	if (bad)
		return bad;
	if (!velox_config_cpus_online(cpus))
		return "cpus";
	return NULL;
}

/* How many CPUs threads bound to @cpus may use: if empty, any online. */
unsigned int velox_config_ncpus(const struct cpumask *cpus)
{
	return cpumask_empty(cpus) ? num_online_cpus() : cpumask_weight(cpus);
}

/*
 * Threads per lane: as configured, or as core/layout.c chooses for @ncpus
 * CPUs (velox_config_ncpus()), the config's lanes and its rate.
 */
unsigned int velox_config_threads(const struct velox_config *cfg,
				  unsigned int ncpus)
{
	if (cfg->threads)
		return cfg->threads;
	return velox_layout_threads(ncpus, cfg->lanes, cfg->rate);
}
