/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VELOX_CONFIG_H
#define VELOX_CONFIG_H

#include <linux/types.h>
#include <linux/velox.h>

/* The most threads a lane runs: one per stage. */
#define VELOX_THREADS_MAX	4

struct cpumask;

unsigned int velox_max_lanes(void);
bool velox_config_cpus_online(const struct cpumask *cpus);
const char *velox_config_invalid(const struct velox_config *cfg,
				 const struct cpumask *cpus);
unsigned int velox_config_ncpus(const struct cpumask *cpus);
unsigned int velox_config_threads(const struct velox_config *cfg,
				  unsigned int ncpus);

/*
 * Inside the module a config's CPUs are a cpumask beside it: the fields
 * that name them to the uapi are 0 (never a caller's pointer).
 */
static inline void velox_config_clear_cpus(struct velox_config *cfg)
{
	cfg->cpus = 0;
	cfg->cpu_set = 0;
	cfg->cpu_set_size = 0;
}

#endif /* VELOX_CONFIG_H */
