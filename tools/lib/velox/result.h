/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libvelox: runs kept in a file (velox-ctl run --save) and read back
 * (velox-ctl compare), and the numbers one names in them ("e2e.p99",
 * "dropped").  The file's schema is in Documentation/velox-ctl.rst.
 */
#ifndef VELOX_RESULT_H
#define VELOX_RESULT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <linux/velox.h>

#include "hist.h"
#include "report.h"
#include "sink.h"

#define VX_RESULT_SCHEMA	"velox-result"
/* Bumped when a reader of the last version would misread a file. */
#define VX_RESULT_VERSION	1
/* The most runs a file holds (run --repeat's limit). */
#define VX_RESULT_RUNS_MAX	1000

/**
 * struct vx_result_interval - one --interval step of a run's measured part
 * @t_s: seconds from the measured part's start to this step's end
 * @seconds: the step's length
 * @delivered: transactions delivered in the step
 * @dropped: dropped in it
 * @count: sampled latencies per stage in it
 * @pct: per stage, velox_percentiles[] of the step, in nanoseconds
 */
struct vx_result_interval {
	double t_s;
	double seconds;
	__u64 delivered;
	__u64 dropped;
	__u64 count[VELOX_STAGES];
	__u64 pct[VELOX_STAGES][VELOX_PERCENTILES];
};

/**
 * struct vx_result_run - one run, as reported: its measured part
 * @run: the module's run number
 * @state: its state at the end (velox_state_name())
 * @stop_reason: velox_stop_reason_name()
 * @seconds: the measured part's length: from the end of the warm-up to
 *	the stop
 * @warmup_s: the warm-up left out of @counters and @hist (0: none)
 * @whole_s: the whole run, warm-up included
 * @counters: every counter (velox_counter_name()), what the measured
 *	part added
 * @whole: every counter over the whole run: generated == delivered +
 *	dropped holds here
 * @hist: per stage, what the measured part recorded
 * @lanes: per lane, the whole run's counters
 * @nlanes: how many
 * @iv: the --interval steps, NULL if none
 * @niv: how many
 *
 * A run read back by vx_result_load() has no @lanes: nothing reads them.
 */
struct vx_result_run {
	__u64 run;
	char state[16];
	char stop_reason[32];
	double seconds;
	double warmup_s;
	double whole_s;
	__u64 counters[VELOX_NR_COUNTERS];
	__u64 whole[VELOX_NR_COUNTERS];
	struct velox_hist hist[VELOX_STAGES];
	struct velox_lane_counters *lanes;
	unsigned int nlanes;
	struct vx_result_interval *iv;
	size_t niv;
};

int vx_result_run_fill(struct vx_result_run *r, const struct velox_stats *end,
		       const struct velox_stats *warm);
int vx_result_run_step(struct vx_result_run *r, double t_s,
		       const struct velox_stats *now,
		       const struct velox_stats *then);
void vx_result_run_release(struct vx_result_run *r);

struct vx_doctor;
struct vx_json;

/**
 * struct vx_result_setup - what a saved file says of how its runs ran
 * @tool: the program that ran them, and its version ("velox-ctl 0.14.0")
 * @info: GET_INFO's answer
 * @cfg: the config that ran (the stats area's)
 * @cpu_set: its CPU set (the stats area's), @cpu_set_size bytes
 * @cpu_set_size: bytes at @cpu_set
 * @doctor: velox-ctl doctor's findings for those CPUs, or NULL
 * @duration_s: the measured part asked for (run --duration)
 * @warmup_s: the warm-up asked for (run --warmup), 0 for none
 * @interval_s: run --interval
 */
struct vx_result_setup {
	const char *tool;
	const struct velox_info *info;
	const struct velox_config *cfg;
	const __u64 *cpu_set;
	size_t cpu_set_size;
	const struct vx_doctor *doctor;
	double duration_s;
	double warmup_s;
	double interval_s;
};

int vx_result_can_save(const char *path);
int vx_result_save(const char *path, const struct vx_result_setup *setup,
		   const struct vx_result_run *runs, size_t n);

/**
 * struct vx_result - a saved file, read back
 * @path: where it was read from
 * @doc: the whole document (machine, config, doctor: as written)
 * @runs: its runs
 * @n: how many (at least one)
 */
struct vx_result {
	char *path;
	struct vx_json *doc;
	struct vx_result_run *runs;
	size_t n;
};

struct vx_result *vx_result_load(const char *path);
void vx_result_free(struct vx_result *r);

/*
 * metric.c: a number of a run by name: "STAGE.STAT" (e2e.p99, match.max;
 * STAT one of count, min, mean, max, p50, p90, p99, p999, p9999), a
 * counter's name (dropped), or throughput (delivered per second).
 */
enum vx_metric_kind { VX_METRIC_STAGE, VX_METRIC_COUNTER, VX_METRIC_THROUGHPUT };
enum {
	VX_STAT_COUNT = VELOX_PERCENTILES,
	VX_STAT_MIN,
	VX_STAT_MEAN,
	VX_STAT_MAX,
	VX_STATS
};

/**
 * struct vx_metric - which number of a run
 * @kind: a stage's statistic, a counter, or the throughput
 * @stage: for a stage's: which stage
 * @stat: for a stage's: a velox_percentiles[] index, or VX_STAT_*
 * @counter: for a counter: its word (velox_counter_name())
 */
struct vx_metric {
	enum vx_metric_kind kind;
	unsigned int stage;
	unsigned int stat;
	unsigned int counter;
};

/**
 * struct vx_spread - one number over a file's runs
 * @median: the median (of an even count, the mean of the middle two)
 * @min: the smallest
 * @max: the largest
 * @n: over how many runs
 */
struct vx_spread {
	double median;
	double min;
	double max;
	size_t n;
};

int vx_metric_parse(const char *name, struct vx_metric *m);
size_t vx_metric_name(char *buf, size_t len, const struct vx_metric *m);
bool vx_metric_is_ns(const struct vx_metric *m);
double vx_metric_value(const struct vx_result_run *r,
		       const struct vx_metric *m);
void vx_metric_spread(const struct vx_result_run *runs, size_t n,
		      const struct vx_metric *m, struct vx_spread *s);
const char *vx_metric_fmt(char *buf, size_t len, const struct vx_metric *m,
			  double v);

#endif /* VELOX_RESULT_H */
