// SPDX-License-Identifier: GPL-2.0
/*
 * Configs for START: valid ones drawn across every field's whole range
 * (rates log-uniform from 1/s to VELOX_RATE_MAX, every backoff and full
 * policy, 0/1/2/4 threads, CPU masks of online CPUs, tail capture now and
 * then), and invalid ones with exactly one thing wrong, each with the
 * errno it must get.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "torture.h"

/* Log-uniform in [lo, hi]: small values as likely as large ones. */
static uint64_t log_uniform(uint64_t lo, uint64_t hi)
{
	unsigned int bits = 64 - __builtin_clzll(hi);
	uint64_t v = tt_rand_below(1ull << tt_rand_below(bits + 1)) + 1;

	if (tt_chance(5))
		return tt_chance(50) ? lo : hi;
	return v < lo ? lo : v > hi ? hi : v;
}

/* A random non-empty subset of @online. */
static uint64_t subset(uint64_t online)
{
	uint64_t m;

	do
		m = tt_rand() & online;
	while (!m);
	return m;
}

static void start_init(struct tt_start *s)
{
	memset(s->raw, 0, sizeof(s->raw));
	s->cfg.size = sizeof(s->cfg);
	s->size = sizeof(s->cfg);
	s->want = 0;
	s->why = "valid";
	s->cpus_sensitive = false;
}

/* Every field is set: nothing comes from the module's defaults. */
void tt_config_valid(struct tt_start *s, const struct velox_info *info,
		     uint64_t online)
{
	static const uint8_t threads[] = { 0, 1, 2, 4 };
	struct velox_config *c = &s->cfg;
	unsigned int ncpus = __builtin_popcountll(online);
	unsigned int max_lanes = ncpus < info->max_lanes ? ncpus : info->max_lanes;

	start_init(s);
	c->lanes = tt_rand_range(1, max_lanes ? max_lanes : 1);
	c->rate = log_uniform(1, VELOX_RATE_MAX);
	c->bundle = tt_rand_range(1, VELOX_BUNDLE_MAX);
	c->flush_us = log_uniform(1, VELOX_FLUSH_US_MAX);
	c->ring = 1u << tt_rand_range(2, 16);
	c->sample = log_uniform(1, VELOX_SAMPLE_MAX);
	c->spin_us = log_uniform(1, VELOX_SPIN_US_MAX);
	c->backoff = tt_rand_below(VELOX_BACKOFF_POLICIES);
	c->policy = tt_rand_below(VELOX_POLICIES);
	c->threads = threads[tt_rand_below(4)];
	c->seed = tt_rand();
	c->cpus = tt_chance(40) ? 0 : subset(online);
	c->tail_ns = tt_chance(20) ? log_uniform(1, VELOX_TAIL_NS_MAX) : 0;
	c->snapshot_ns = 0;
	s->cpus_sensitive = c->cpus || c->lanes > 1;
	/* A caller with a newer header: longer, its tail zero. */
	if (tt_chance(10))
		s->size = sizeof(*c) + 8 * tt_rand_range(1, 4);
	c->size = s->size;
}

/* One field set to a value out of its range. */
struct bad_field {
	const char *why;
	size_t off;
	size_t width;
	uint64_t value;
};

#define BAD(_why, _field, _value) {					\
	.why = _why,							\
	.off = offsetof(struct velox_config, _field),			\
	.width = sizeof(((struct velox_config *)0)->_field),		\
	.value = _value,						\
}

static const struct bad_field bad_fields[] = {
	BAD("lanes 0", lanes, 0),
	BAD("lanes > VELOX_LANES_MAX", lanes, VELOX_LANES_MAX + 1),
	BAD("rate 0", rate, 0),
	BAD("rate > VELOX_RATE_MAX", rate, VELOX_RATE_MAX + 1),
	BAD("bundle 0", bundle, 0),
	BAD("bundle > 16", bundle, VELOX_BUNDLE_MAX + 1),
	BAD("flush_us 0", flush_us, 0),
	BAD("flush_us > max", flush_us, VELOX_FLUSH_US_MAX + 1),
	BAD("ring 0", ring, 0),
	BAD("ring < min", ring, VELOX_RING_MIN - 1),
	BAD("ring not a power of two", ring, 100),
	BAD("ring > max", ring, VELOX_RING_MAX * 2),
	BAD("sample 0", sample, 0),
	BAD("sample > max", sample, VELOX_SAMPLE_MAX + 1),
	BAD("spin_us 0", spin_us, 0),
	BAD("spin_us > max", spin_us, VELOX_SPIN_US_MAX + 1),
	BAD("backoff unknown", backoff, VELOX_BACKOFF_POLICIES),
	BAD("backoff 255", backoff, 255),
	BAD("policy unknown", policy, VELOX_POLICIES),
	BAD("threads 3", threads, 3),
	BAD("threads 8", threads, 8),
	BAD("__reserved0 set", __reserved0, 1),
	BAD("cpus names CPU 63", cpus, 1ull << 63),
	BAD("tail_ns > max", tail_ns, VELOX_TAIL_NS_MAX + 1),
	BAD("snapshot_ns without tail_ns", snapshot_ns, 1000),
	BAD("snapshot_ns > max", snapshot_ns, VELOX_TAIL_NS_MAX + 1),
};

#define NBAD ARRAY_SIZE(bad_fields)

static void set_field(struct velox_config *c, const struct bad_field *b)
{
	unsigned char *p = (unsigned char *)c + b->off;

	switch (b->width) {
	case 1:
		*p = b->value;
		break;
	case 4:
		*(__u32 *)p = b->value;
		break;
	default:
		*(__u64 *)p = b->value;
		break;
	}
}

/* A valid config with one thing wrong, and the errno that must come. */
void tt_config_invalid(struct tt_start *s, const struct velox_info *info,
		       uint64_t online)
{
	struct velox_config *c = &s->cfg;
	uint64_t offline = tt_cpu_mask("present") & ~online;
	unsigned int ncpus = __builtin_popcountll(online);
	unsigned int pick = tt_rand_below(NBAD + 6);

	tt_config_valid(s, info, online);
	s->size = sizeof(*c);
	s->want = EINVAL;
	if (pick < NBAD) {
		set_field(c, &bad_fields[pick]);
		s->why = bad_fields[pick].why;
		/* Without tail capture, a snapshot_ns too big is still alone. */
		if (c->snapshot_ns > VELOX_TAIL_NS_MAX)
			c->tail_ns = 1000;
		else if (c->snapshot_ns)
			c->tail_ns = 0;
	} else if (pick == NBAD) {
		c->lanes = ncpus + 1;
		c->cpus = 0;
		s->why = "lanes > online CPUs";
	} else if (pick == NBAD + 1) {
		c->tail_ns = 2000;
		c->snapshot_ns = 1000;
		s->why = "snapshot_ns < tail_ns";
	} else if (pick == NBAD + 2 && offline) {
		c->cpus = subset(online) | (offline & -offline);
		s->why = "cpus names an offline CPU";
	} else if (pick == NBAD + 3) {
		s->size = tt_rand_range(4, sizeof(*c) - 1);
		s->why = "size below the first struct";
	} else if (pick == NBAD + 4) {
		s->size = sizeof(*c) + 8;
		s->raw[sizeof(*c) + tt_rand_below(8)] = 1 + tt_rand_below(255);
		s->want = E2BIG;
		s->why = "unknown tail not zero";
	} else {
		s->size = TT_START_BUF;
		s->want = E2BIG;
		s->why = "size beyond a page";
	}
	s->cfg.size = s->size;
	/* Whether it is valid may depend on which CPUs are online. */
	s->cpus_sensitive = c->lanes > 1 || c->cpus;
}
