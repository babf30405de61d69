/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The bad-input matrix of VELOX_IOC_START, one field spoiled per row:
 * BAD(name, field velox_config_invalid() names, how to spoil it).
 * Included twice by config_kunit.c with different BAD() definitions.
 */
BAD(lanes_0, "lanes", c->lanes = 0)
BAD(lanes_over_online, "lanes", c->lanes = num_online_cpus() + 1)
BAD(rate_0, "rate", c->rate = 0)
BAD(rate_over_10M, "rate", c->rate = VELOX_RATE_MAX + 1)
BAD(bundle_0, "bundle", c->bundle = 0)
BAD(bundle_17, "bundle", c->bundle = VELOX_BUNDLE_MAX + 1)
BAD(flush_0, "flush_us", c->flush_us = 0)
BAD(flush_too_long, "flush_us", c->flush_us = VELOX_FLUSH_US_MAX + 1)
BAD(ring_not_pow2, "ring", c->ring = 1000)
BAD(ring_too_small, "ring", c->ring = VELOX_RING_MIN / 2)
BAD(ring_too_big, "ring", c->ring = VELOX_RING_MAX * 2)
BAD(sample_0, "sample", c->sample = 0)
BAD(sample_too_big, "sample", c->sample = VELOX_SAMPLE_MAX + 1)
BAD(spin_us_0, "spin_us", c->spin_us = 0)
BAD(unknown_backoff, "backoff", c->backoff = VELOX_BACKOFF_POLICIES)
BAD(unknown_policy, "policy", c->policy = VELOX_POLICIES)
BAD(threads_3, "threads", c->threads = 3)
BAD(reserved0, "__reserved", c->__reserved0 = 1)
BAD(tail_over_a_minute, "tail_ns", c->tail_ns = VELOX_TAIL_NS_MAX + 1)
BAD(snapshot_without_tail, "snapshot_ns", c->snapshot_ns = 1000)
BAD(snapshot_below_tail, "snapshot_ns", (c->tail_ns = 2000, c->snapshot_ns = 1000))
BAD(reserved1, "__reserved", c->__reserved1 = 1)
