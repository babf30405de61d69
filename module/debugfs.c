// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/debug/velox/: text a person reads with cat.
 *
 *   info       what VELOX_IOC_GET_INFO reports
 *   config     the config of the current or last run
 *   stats      every counter, and each lane's share
 *   histogram  per stage: count, min, mean, max, percentiles, and a log2
 *              bar chart in the manner of runqlat
 *
 * Everything shown comes from the published stats area, under the
 * publisher's lock, so it is exactly what mmap readers see.
 *
 * The files are read-only so that they still work under lockdown, and,
 * as kernel policy asks, nothing here checks debugfs return values: a
 * missing debugfs must not stop the module from working.
 */
#include <linux/debugfs.h>
#include <linux/math64.h>
#include <linux/seq_file.h>
#include <linux/velox.h>

#include "chardev.h"
#include "config.h"
#include "core/hist.h"
#include "debugfs.h"
#include "engine.h"

static struct dentry *velox_debugfs_dir;

static const char *const state_names[] = {
	[VELOX_STATE_STOPPED] = "stopped",
	[VELOX_STATE_RUNNING] = "running",
	[VELOX_STATE_STOPPING] = "stopping",
};

static const char *const stage_names[VELOX_STAGES][2] = {
	[VELOX_STAGE_MATCH] = { "match", "intended ingress time -> matched" },
	[VELOX_STAGE_BUNDLE] = { "bundle", "matched -> bundle flushed" },
	[VELOX_STAGE_EGRESS] = { "egress", "bundle flushed -> output" },
	[VELOX_STAGE_E2E] = { "e2e", "intended ingress time -> output" },
};

static const char *const flush_names[VELOX_FLUSH_REASONS] = {
	[VELOX_FLUSH_FULL] = "full",
	[VELOX_FLUSH_TIMEOUT] = "timeout",
	[VELOX_FLUSH_DRAIN] = "drain",
};

/* The same facts VELOX_IOC_GET_INFO reports, one "key: value" per line. */
static int info_show(struct seq_file *m, void *unused)
{
	struct velox_info info = { .size = sizeof(info) };

	velox_info_fill(&info);
	seq_printf(m, "abi_version: %u\n", info.abi_version);
	seq_printf(m, "device: /dev/%s\n", VELOX_DEVICE_NAME);
	seq_printf(m, "stats_size: %u\n", info.stats_size);
	seq_printf(m, "hist_buckets: %u\n", info.hist_buckets);
	seq_printf(m, "max_rate: %u\n", info.max_rate);
	seq_printf(m, "max_lanes: %u\n", info.max_lanes);
	seq_printf(m, "max_ring: %u\n", info.max_ring);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(info);

static const char *state_name(u32 state)
{
	return state < ARRAY_SIZE(state_names) ? state_names[state] : "?";
}

static void config_print(struct seq_file *m, const struct velox_config *c)
{
	seq_printf(m, "lanes: %u\n", c->lanes);
	seq_printf(m, "rate: %u\n", c->rate);
	seq_printf(m, "bundle: %u\n", c->bundle);
	seq_printf(m, "flush_us: %u\n", c->flush_us);
	seq_printf(m, "ring: %u\n", c->ring);
	seq_printf(m, "sample: %u\n", c->sample);
	seq_printf(m, "spin_cap: %u\n", c->spin_cap);
	seq_printf(m, "backoff: %s\n", velox_backoff_name(c->backoff));
	seq_printf(m, "policy: %s\n", velox_policy_name(c->policy));
	seq_printf(m, "threads: %u\n", c->threads);
	seq_printf(m, "seed: %u\n", c->seed);
	seq_printf(m, "cpus: %#llx\n", c->cpus);
}

static int config_show(struct seq_file *m, void *unused)
{
	struct velox_engine *e = m->private;
	const struct velox_stats *st = e->stats.area;

	mutex_lock(&e->stats.lock);
	seq_printf(m, "state: %s\n", state_name(st->state));
	config_print(m, &st->config);
	mutex_unlock(&e->stats.lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(config);

static int stats_show(struct seq_file *m, void *unused)
{
	struct velox_engine *e = m->private;
	const struct velox_stats *st = e->stats.area;
	const struct velox_counters *c = &st->total;
	unsigned int i;

	mutex_lock(&e->stats.lock);
	seq_printf(m, "state: %s\n", state_name(st->state));
	seq_printf(m, "run: %llu\n", st->run);
	seq_printf(m, "publishes: %llu\n", st->publishes);
	seq_printf(m, "start_ns: %llu\n", st->start_ns);
	seq_printf(m, "stop_ns: %llu\n", st->stop_ns);
	seq_printf(m, "publish_ns: %llu\n", st->publish_ns);
	seq_printf(m, "generated: %llu\n", c->generated);
	seq_printf(m, "delivered: %llu\n", c->delivered);
	seq_printf(m, "dropped: %llu\n", c->dropped);
	seq_printf(m, "in_flight: %lld\n",
		   (s64)(c->generated - c->delivered - c->dropped));
	seq_printf(m, "sampled: %llu\n", c->sampled);
	seq_printf(m, "seq_errors: %llu\n", c->seq_errors);
	seq_printf(m, "bundles: %llu\n", c->bundles);
	for (i = 0; i < VELOX_FLUSH_REASONS; i++)
		seq_printf(m, "flush_%s: %llu\n", flush_names[i],
			   c->flushes[i]);
	seq_printf(m, "orders: %llu\n", c->orders);
	seq_printf(m, "rejected: %llu\n", c->rejected);
	seq_printf(m, "submitted_qty: %llu\n", c->submitted_qty);
	seq_printf(m, "rejected_qty: %llu\n", c->rejected_qty);
	seq_printf(m, "fills: %llu\n", c->fills);
	seq_printf(m, "filled_qty: %llu\n", c->filled_qty);
	seq_printf(m, "rested_qty: %llu\n", c->rested_qty);
	seq_printf(m, "cancelled_qty: %llu\n", c->cancelled_qty);
	seq_printf(m, "expired_qty: %llu\n", c->expired_qty);
	seq_printf(m, "resting_qty: %llu\n", c->resting_qty);
	seq_printf(m, "cas_retries: %llu\n", c->cas_retries);
	seq_printf(m, "full_waits: %llu\n", c->full_waits);
	seq_printf(m, "idle_yields: %llu\n", c->idle_yields);
	seq_printf(m, "idle_sleeps: %llu\n", c->idle_sleeps);
	for (i = 0; i < st->config.lanes && i < VELOX_LANES_MAX; i++)
		seq_printf(m, "lane%u: generated %llu delivered %llu dropped %llu\n",
			   i, st->lane[i].generated, st->lane[i].delivered,
			   st->lane[i].dropped);
	mutex_unlock(&e->stats.lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(stats);

/* "812ns", "2.41us", "1.20ms", "3.00s": the unit chosen per value. */
static void seq_ns(struct seq_file *m, const char *label, u64 ns)
{
	static const char *const units[] = { "us", "ms", "s" };
	u64 scale = 1000, whole, rem;
	unsigned int u = 0;

	if (ns < 1000) {
		seq_printf(m, " %s %lluns", label, ns);
		return;
	}
	while (u < ARRAY_SIZE(units) - 1 && ns >= scale * 1000) {
		scale *= 1000;
		u++;
	}
	whole = div64_u64_rem(ns, scale, &rem);
	seq_printf(m, " %s %llu.%02llu%s", label, whole,
		   div64_u64(rem * 100, scale), units[u]);
}

/* Buckets summed per power of two: slot k holds [2^k, 2^(k+1)), slot 0 [0, 2). */
static void log2_slots(const struct velox_hist *h, u64 *slots,
		       unsigned int nslots)
{
	unsigned int i, k;

	memset(slots, 0, nslots * sizeof(*slots));
	for (i = 0; i < VELOX_HIST_BUCKETS; i++) {
		u64 lo = velox_hist_bucket_lo(i);

		if (!h->buckets[i])
			continue;
		k = lo > 1 ? fls64(lo) - 1 : 0;
		slots[min(k, nslots - 1)] += h->buckets[i];
	}
}

#define VELOX_BAR_WIDTH	40

static void hist_print(struct seq_file *m, const struct velox_hist *h)
{
	static const u32 ppm[] = { 500000, 900000, 990000, 999000, 999900 };
	static const char *const pname[] = { "p50", "p90", "p99", "p99.9",
					     "p99.99" };
	u64 slots[VELOX_HIST_LIMIT_SHIFT + 1], peak = 0;
	int first = -1, last = -1, k;
	unsigned int i;

	seq_printf(m, "  count %llu", h->count);
	if (!h->count) {
		seq_puts(m, "\n");
		return;
	}
	seq_ns(m, "min", h->min);
	seq_ns(m, "mean", velox_hist_mean(h));
	seq_ns(m, "max", h->max);
	seq_puts(m, "\n ");
	for (i = 0; i < ARRAY_SIZE(ppm); i++)
		seq_ns(m, pname[i], velox_hist_quantile(h, ppm[i]));
	seq_puts(m, "\n\n");

	log2_slots(h, slots, ARRAY_SIZE(slots));
	for (k = 0; k < ARRAY_SIZE(slots); k++) {
		if (!slots[k])
			continue;
		if (first < 0)
			first = k;
		last = k;
		peak = max(peak, slots[k]);
	}
	if (first < 0 || !peak)
		return;
	seq_printf(m, "  %24s : %-10s distribution\n", "ns", "count");
	for (k = first; k <= last; k++) {
		u64 lo = k ? 1ull << k : 0;
		unsigned int stars = div64_u64(slots[k] * VELOX_BAR_WIDTH, peak);

		if (k == VELOX_HIST_LIMIT_SHIFT)
			seq_printf(m, "  %11llu -> %-9s : %-10llu |", lo, "inf",
				   slots[k]);
		else
			seq_printf(m, "  %11llu -> %-9llu : %-10llu |", lo,
				   (2ull << k) - 1, slots[k]);
		for (i = 0; i < VELOX_BAR_WIDTH; i++)
			seq_putc(m, i < stars ? '*' : ' ');
		seq_puts(m, "|\n");
	}
}

static int histogram_show(struct seq_file *m, void *unused)
{
	struct velox_engine *e = m->private;
	const struct velox_stats *st = e->stats.area;
	unsigned int s;

	mutex_lock(&e->stats.lock);
	seq_printf(m, "state %s, run %llu, 1 in %u transactions sampled\n",
		   state_name(st->state), st->run, st->config.sample);
	for (s = 0; s < VELOX_STAGES; s++) {
		/* Laid out alike: hist.c asserts it. */
		const struct velox_hist *h = (const void *)&st->hist[s];

		seq_printf(m, "\n%s: %s\n", stage_names[s][0],
			   stage_names[s][1]);
		hist_print(m, h);
	}
	mutex_unlock(&e->stats.lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(histogram);

void velox_debugfs_init(struct velox_engine *e)
{
	velox_debugfs_dir = debugfs_create_dir("velox", NULL);
	debugfs_create_file("info", 0444, velox_debugfs_dir, NULL, &info_fops);
	debugfs_create_file("config", 0444, velox_debugfs_dir, e,
			    &config_fops);
	debugfs_create_file("stats", 0444, velox_debugfs_dir, e, &stats_fops);
	debugfs_create_file("histogram", 0444, velox_debugfs_dir, e,
			    &histogram_fops);
}

void velox_debugfs_exit(void)
{
	debugfs_remove(velox_debugfs_dir);
}
