// SPDX-License-Identifier: GPL-2.0
/*
 * The ranges of struct velox_config.  See config_range.h.
 */
#include <linux/types.h>
#include <linux/velox.h>

#include "config_range.h"
#include "ring.h"

/**
 * velox_config_out_of_range() - the first field of @cfg out of its range
 * @cfg: the config
 * @max_lanes: most lanes this machine allows (velox_info.max_lanes)
 *
 * Return: the field's name as the uapi spells it, or NULL if every field
 * is in its range.
 */
const char *velox_config_out_of_range(const struct velox_config *cfg,
				      u32 max_lanes)
{
	if (cfg->lanes < 1 || cfg->lanes > max_lanes)
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
	if (cfg->spin_us < 1 || cfg->spin_us > VELOX_SPIN_US_MAX)
		return "spin_us";
	if (cfg->backoff >= VELOX_BACKOFF_POLICIES)
		return "backoff";
	if (cfg->policy >= VELOX_POLICIES)
		return "policy";
	if (cfg->threads != 0 && cfg->threads != 1 && cfg->threads != 2 &&
	    cfg->threads != 4)
		return "threads";
	if (cfg->__reserved0 || cfg->__reserved1)
		return "__reserved";
	if (cfg->tail_ns > VELOX_TAIL_NS_MAX)
		return "tail_ns";
	if (cfg->snapshot_ns && (!cfg->tail_ns ||
				 cfg->snapshot_ns < cfg->tail_ns ||
				 cfg->snapshot_ns > VELOX_TAIL_NS_MAX))
		return "snapshot_ns";
	return NULL;
}
