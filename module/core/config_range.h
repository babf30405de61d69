/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a struct velox_config may hold: the ranges the uapi gives, checked
 * in one place.  velox.ko refuses a START with it; velox-ctl names the
 * field the module refused with it.  Whether the CPUs a config names are
 * online is for the module alone to say (module/config.c).
 */
#ifndef VELOX_CORE_CONFIG_RANGE_H
#define VELOX_CORE_CONFIG_RANGE_H

#include <linux/types.h>
#include <linux/velox.h>

const char *velox_config_out_of_range(const struct velox_config *cfg,
				      u32 max_lanes);

#endif /* VELOX_CORE_CONFIG_RANGE_H */
