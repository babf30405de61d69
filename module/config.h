/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VELOX_CONFIG_H
#define VELOX_CONFIG_H

#include <linux/types.h>

struct velox_config;

/* The most threads a lane runs: one per stage. */
#define VELOX_THREADS_MAX	4

unsigned int velox_max_lanes(void);
bool velox_config_cpus_online(u64 cpus);
const char *velox_config_invalid(const struct velox_config *cfg);
int velox_config_check(const struct velox_config *cfg);
unsigned int velox_config_threads(const struct velox_config *cfg);

#endif /* VELOX_CONFIG_H */
