// SPDX-License-Identifier: GPL-2.0
/*
 * Configs for START: valid ones drawn across every field's whole range
 * (rates log-uniform from 1/s to VELOX_RATE_MAX, every backoff and full
 * policy, 0/1/2/4 threads, CPU sets of online CPUs of any id, tail capture
 * now and then), and invalid ones with exactly one thing wrong, each with
 * the errno it must get.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libvelox.h"
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

/* A random non-empty subset of @online, into @set (TT_CPU_SET_WORDS). */
static void subset(__u64 *set, const struct tt_cpus *online)
{
	long last = tt_cpus_last(online);
	int i;

	memset(set, 0, TT_CPU_SET_SIZE);
	if (last < 0)
		return;
	do {
		for (i = 0; i <= last / 64; i++)
			set[i] = tt_rand() & online->w[i];
	} while (!vx_cpu_set_count(set, TT_CPU_SET_SIZE));
}

/* velox_info.cpu_set_size, if the torture's sets can be that long. */
static bool set_fits(const struct velox_info *info)
{
	return info->cpu_set_size && !(info->cpu_set_size % 8) &&
	       info->cpu_set_size <= TT_CPU_SET_SIZE;
}

/*
 * Bind to a random subset of @online: mostly as a CPU set of the
 * machine's size (now and then longer, the rest zero, as a caller
 * sized for a bigger machine), sometimes in the 64 bits of cpus, as a
 * caller from before CPU sets, when the subset lies in CPUs 0-63.
 */
static void bind_cpus(struct tt_start *s, const struct velox_info *info,
		      const struct tt_cpus *online)
{
	struct velox_config *c = &s->cfg;
	bool legacy = tt_chance(25);

	subset(s->set, online);
	if (!set_fits(info) ||
	    (legacy && vx_cpu_set_count(s->set, TT_CPU_SET_SIZE) ==
		       vx_cpu_set_count(s->set, 8))) {
		c->cpus = s->set[0];
		memset(s->set, 0, sizeof(s->set));
		return;
	}
	c->cpu_set = (uintptr_t)s->set;
	c->cpu_set_size = info->cpu_set_size;
	if (tt_chance(10))
		c->cpu_set_size += 8 * tt_rand_range(1, 4);
}

static void start_init(struct tt_start *s)
{
	memset(s->raw, 0, sizeof(s->raw));
	memset(s->set, 0, sizeof(s->set));
	s->cfg.size = sizeof(s->cfg);
	s->size = sizeof(s->cfg);
	s->want = 0;
	s->why = "valid";
	s->cpus_sensitive = false;
}

/* The config binds its threads to CPUs (its cpus or its CPU set). */
static bool bound(const struct velox_config *c)
{
	return c->cpus || c->cpu_set_size;
}

/* Every field is set: nothing comes from the module's defaults. */
void tt_config_valid(struct tt_start *s, const struct velox_info *info,
		     const struct tt_cpus *online)
{
	static const uint8_t threads[] = { 0, 1, 2, 4 };
	struct velox_config *c = &s->cfg;
	unsigned int ncpus = tt_cpus_count(online);
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
	if (!tt_chance(40))
		bind_cpus(s, info, online);
	c->tail_ns = tt_chance(20) ? log_uniform(1, VELOX_TAIL_NS_MAX) : 0;
	c->snapshot_ns = 0;
	s->cpus_sensitive = bound(c) || c->lanes > 1;
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

/* The invalid configs besides a field out of range, past bad_fields[]. */
enum {
	BAD_LANES_OVER_MAX,
	BAD_LANES_OVER_ONLINE,
	BAD_SNAPSHOT_BELOW_TAIL,
	BAD_OFFLINE_CPU,
	BAD_SHORT,
	BAD_TAIL_NOT_ZERO,
	BAD_OVER_A_PAGE,
	/* These need a CPU set the torture can hold (set_fits()). */
	BAD_SET_PAST_ITS_MACHINE,
	BAD_SET_SIZE_NOT_WORDS,
	BAD_SET_BESIDE_CPUS,
	BAD_SET_SIZE_OVER_MAX,
	BAD_SET_UNMAPPED,
	BAD_KINDS
};

/* A valid config with one thing wrong, and the errno that must come. */
void tt_config_invalid(struct tt_start *s, const struct velox_info *info,
		       const struct tt_cpus *online)
{
	struct velox_config *c = &s->cfg;
	struct tt_cpus present;
	unsigned int pick = tt_rand_below(NBAD + BAD_KINDS);
	long offline;

	tt_cpus_read("present", &present);
	offline = vx_cpu_set_first_not_in(present.w, sizeof(present.w),
					  online->w, sizeof(online->w));
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
		/* A CPU of cpus is what is wrong: no CPU set beside it. */
		if (c->cpus) {
			c->cpu_set = 0;
			c->cpu_set_size = 0;
		}
		goto out;
	}
	pick -= NBAD;
	if ((pick >= BAD_SET_PAST_ITS_MACHINE || pick == BAD_OFFLINE_CPU) &&
	    !set_fits(info))
		pick = BAD_LANES_OVER_MAX;
	if (pick == BAD_OFFLINE_CPU &&
	    (offline < 0 || (unsigned long)offline >= info->cpu_set_size * 8ul))
		pick = BAD_LANES_OVER_ONLINE;
	if (pick >= BAD_SET_PAST_ITS_MACHINE || pick == BAD_OFFLINE_CPU) {
		/* A valid CPU set, for one thing to go wrong with it. */
		subset(s->set, online);
		c->cpus = 0;
		c->cpu_set = (uintptr_t)s->set;
		c->cpu_set_size = info->cpu_set_size;
	}
	switch (pick) {
	case BAD_LANES_OVER_MAX:
		c->lanes = info->max_lanes + 1;
		s->why = "lanes > max_lanes";
		break;
	case BAD_LANES_OVER_ONLINE:
		c->lanes = tt_cpus_count(online) + 1;
		c->cpus = 0;
		c->cpu_set = 0;
		c->cpu_set_size = 0;
		s->why = "lanes > online CPUs";
		break;
	case BAD_SNAPSHOT_BELOW_TAIL:
		c->tail_ns = 2000;
		c->snapshot_ns = 1000;
		s->why = "snapshot_ns < tail_ns";
		break;
	case BAD_OFFLINE_CPU:
		s->set[offline / 64] |= 1ull << (offline % 64);
		s->why = "cpu_set names an offline CPU";
		break;
	case BAD_SHORT:
		/* The first struct ends at snapshot_ns: the CPU set came later. */
		s->size = tt_rand_range(4, offsetof(struct velox_config,
						    snapshot_ns) + 7);
		s->why = "size below the first struct";
		break;
	case BAD_TAIL_NOT_ZERO:
		s->size = sizeof(*c) + 8;
		s->raw[sizeof(*c) + tt_rand_below(8)] = 1 + tt_rand_below(255);
		s->want = E2BIG;
		s->why = "unknown tail not zero";
		break;
	case BAD_OVER_A_PAGE:
		s->size = TT_START_BUF;
		s->want = E2BIG;
		s->why = "size beyond a page";
		break;
	case BAD_SET_PAST_ITS_MACHINE:
		/* A word past the machine's set: no CPU there exists. */
		c->cpu_set_size += 8;
		s->set[info->cpu_set_size / 8] = 1ull << tt_rand_below(64);
		s->why = "cpu_set names a CPU past the machine's";
		break;
	case BAD_SET_SIZE_NOT_WORDS:
		c->cpu_set_size += tt_rand_range(1, 7);
		s->why = "cpu_set_size not whole words";
		break;
	case BAD_SET_BESIDE_CPUS:
		c->cpus = s->set[0] ? s->set[0] : 1;
		s->why = "cpus beside a cpu_set";
		break;
	case BAD_SET_SIZE_OVER_MAX:
		c->cpu_set_size = VELOX_CPU_SET_SIZE_MAX + 8;
		s->why = "cpu_set_size > VELOX_CPU_SET_SIZE_MAX";
		break;
	default:
		/* The first page: nothing is mapped there. */
		c->cpu_set = 8;
		s->want = EFAULT;
		s->why = "cpu_set unmapped";
		break;
	}
out:
	s->cfg.size = s->size;
	/* Whether it is valid may depend on which CPUs are online. */
	s->cpus_sensitive = c->lanes > 1 || bound(c);
}

/* @s's CPUs in words, for a failure's message. */
void tt_config_cpus(const struct tt_start *s, char *buf, size_t len)
{
	const struct velox_config *c = &s->cfg;
	char *list;

	if (!c->cpu_set_size) {
		snprintf(buf, len, "cpus %#llx", (unsigned long long)c->cpus);
		return;
	}
	list = c->cpu_set == (uintptr_t)s->set &&
	       c->cpu_set_size <= sizeof(s->set) ?
	       vx_cpulist(s->set, c->cpu_set_size - c->cpu_set_size % 8) : NULL;
	snprintf(buf, len, "cpus %#llx, cpu_set %s (%u bytes at %#llx)",
		 (unsigned long long)c->cpus, list ? list : "?",
		 c->cpu_set_size, (unsigned long long)c->cpu_set);
	free(list);
}
