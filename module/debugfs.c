// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/debug/velox/: text a person reads with cat.
 *
 *   info       what VELOX_IOC_GET_INFO reports
 *   config     the config of the current or last run
 *   stats      every counter, and each lane's share
 *   histogram  per stage: count, min, mean, max, percentiles, and a log2
 *              bar chart in the manner of runqlat
 *   tail       the spikes tail capture kept: the counts, their causes
 *              summed, then one line each (as velox-ctl tail lists them)
 *
 * Everything shown comes from the published stats area, under the
 * publisher's lock, so it is exactly what mmap readers see.
 *
 * The files are read-only so that they still work under lockdown, and,
 * as kernel policy asks, nothing here checks debugfs return values: a
 * missing debugfs must not stop the module from working.
 */
#include <linux/cpumask.h>
#include <linux/debugfs.h>
#include <linux/gfp.h>
#include <linux/seq_file.h>
#include <linux/velox.h>

#include "capture.h"
#include "chardev.h"
#include "cpuset.h"
#include "core/hist.h"
#include "core/names.h"
#include "core/report.h"
#include "debugfs.h"
#include "engine.h"

static struct dentry *velox_debugfs_dir;

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

static void config_print(struct seq_file *m, const struct velox_config *c)
{
	seq_printf(m, "lanes: %u\n", c->lanes);
	seq_printf(m, "rate: %u\n", c->rate);
	seq_printf(m, "bundle: %u\n", c->bundle);
	seq_printf(m, "flush_us: %u\n", c->flush_us);
	seq_printf(m, "ring: %u\n", c->ring);
	seq_printf(m, "sample: %u\n", c->sample);
	seq_printf(m, "spin_us: %u\n", c->spin_us);
	seq_printf(m, "backoff: %s\n", velox_backoff_name(c->backoff));
	seq_printf(m, "policy: %s\n", velox_policy_name(c->policy));
	seq_printf(m, "threads: %u\n", c->threads);
	seq_printf(m, "seed: %u\n", c->seed);
}

/* A published CPU set as a cpulist ("" if empty: any CPU). */
static void cpu_set_print(struct seq_file *m, const struct velox_stats *st)
{
	cpumask_var_t cpus;

	if (!zalloc_cpumask_var(&cpus, GFP_KERNEL))
		return;
	if (!velox_cpu_set_from_words(cpus, velox_stats_cpu_set(st),
				      st->cpu_set_size / sizeof(u64)))
		seq_printf(m, "cpus: %*pbl\n", cpumask_pr_args(cpus));
	free_cpumask_var(cpus);
}

static int config_show(struct seq_file *m, void *unused)
{
	struct velox_engine *e = m->private;
	const struct velox_stats *st = e->stats.area;

	mutex_lock(&e->stats.lock);
	seq_printf(m, "state: %s\n", velox_state_name(st->state));
	config_print(m, &st->config);
	cpu_set_print(m, st);
	mutex_unlock(&e->stats.lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(config);

static int stats_show(struct seq_file *m, void *unused)
{
	struct velox_engine *e = m->private;
	const struct velox_stats *st = e->stats.area;
	const struct velox_counters *c = &st->total;
	const struct velox_lane_counters *lc;
	unsigned int i;

	mutex_lock(&e->stats.lock);
	seq_printf(m, "state: %s\n", velox_state_name(st->state));
	seq_printf(m, "stop_reason: %s\n",
		   velox_stop_reason_name(st->stop_reason));
	seq_printf(m, "run: %llu\n", st->run);
	seq_printf(m, "publishes: %llu\n", st->publishes);
	seq_printf(m, "start_ns: %llu\n", st->start_ns);
	seq_printf(m, "stop_ns: %llu\n", st->stop_ns);
	seq_printf(m, "publish_ns: %llu\n", st->publish_ns);
	seq_printf(m, "in_flight: %lld\n",
		   (s64)(c->generated - c->delivered - c->dropped));
	for (i = 0; i < VELOX_NR_COUNTERS; i++)
		seq_printf(m, "%s: %llu\n", velox_counter_name(i),
			   velox_counter_value(c, i));
	lc = velox_stats_lanes(st);
	for (i = 0; i < st->config.lanes && i < st->slots; i++)
		seq_printf(m, "lane%u: generated %llu delivered %llu dropped %llu\n",
			   i, lc[i].generated, lc[i].delivered, lc[i].dropped);
	mutex_unlock(&e->stats.lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(stats);

/* Report text goes straight into the file being read. */
static void seq_emit(void *m, const char *text)
{
	seq_puts(m, text);
}

static int histogram_show(struct seq_file *m, void *unused)
{
	struct velox_engine *e = m->private;
	const struct velox_stats *st = e->stats.area;
	unsigned int s;

	mutex_lock(&e->stats.lock);
	seq_printf(m, "state %s, run %llu, 1 in %u transactions sampled\n",
		   velox_state_name(st->state), st->run, st->config.sample);
	for (s = 0; s < VELOX_STAGES; s++) {
		/* Laid out alike: hist.c asserts it. */
		const struct velox_hist *h = (const void *)&st->hist[s];

		seq_printf(m, "\n%s: %s\n", velox_stage_name(s),
			   velox_stage_what(s));
		velox_report_hist(h, "  ", seq_emit, m);
	}
	mutex_unlock(&e->stats.lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(histogram);

static int tail_show(struct seq_file *m, void *unused)
{
	struct velox_engine *e = m->private;
	const struct velox_stats *st = e->stats.area;
	char d[VELOX_DURATION_LEN];

	mutex_lock(&e->stats.lock);
	seq_printf(m, "run %llu, tail %s: captured %llu, lost %llu, partial %llu\n",
		   st->run, st->config.tail_ns ?
		   velox_fmt_duration(d, sizeof(d), st->config.tail_ns) : "off",
		   st->total.tail_captured, st->total.tail_lost,
		   st->total.tail_partial);
	mutex_unlock(&e->stats.lock);
	/* The spikes: the engine's lock keeps a START from freeing them. */
	if (mutex_lock_killable(&e->lock))
		return -EINTR;
	velox_capture_show(e->capture, seq_emit, m);
	mutex_unlock(&e->lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(tail);

void velox_debugfs_init(struct velox_engine *e)
{
	velox_debugfs_dir = debugfs_create_dir("velox", NULL);
	debugfs_create_file("info", 0444, velox_debugfs_dir, NULL, &info_fops);
	debugfs_create_file("config", 0444, velox_debugfs_dir, e,
			    &config_fops);
	debugfs_create_file("stats", 0444, velox_debugfs_dir, e, &stats_fops);
	debugfs_create_file("tail", 0444, velox_debugfs_dir, e, &tail_fops);
	debugfs_create_file("histogram", 0444, velox_debugfs_dir, e,
			    &histogram_fops);
}

void velox_debugfs_exit(void)
{
	debugfs_remove(velox_debugfs_dir);
}
