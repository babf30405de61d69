/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A run as Prometheus reads it: the text exposition format (version
 * 0.0.4), for node_exporter's textfile collector (velox-ctl export).  No
 * timestamps, which that collector refuses; every family has its HELP and
 * TYPE; values in base units (seconds), counters end in _total.
 *
 *   velox_run                       gauge    the run's number (struct velox_stats.run)
 *   velox_run_seconds               gauge    its length so far, or until it stopped
 *   velox_state{state}              gauge    1 for the pipeline's state, 0 for the others
 *   velox_stop_reason{reason}       gauge    1 for why the run stopped ("none" while running)
 *   velox_config_info{...}          gauge    1, the run's config as labels
 *   velox_in_flight                 gauge    generated - delivered - dropped
 *   velox_<counter>_total           counter  each counter of the stats area by its
 *                                            names.h name, but:
 *   velox_flushes_total{reason}     counter  the flush_<reason> words, one family
 *   velox_resting_qty               gauge    a level, not a count
 *   velox_lane_{generated,delivered,dropped}_total{lane}  counter  per lane
 *   velox_latency_seconds{stage}    histogram  see below
 *   velox_latency_percentile_seconds{stage,percentile}  gauge  velox-ctl
 *                                            hist's percentiles by its names
 *                                            ("p99.9"), NaN while empty
 *   velox_latency_{min,max}_seconds{stage}  gauge  exact; NaN while empty
 *
 * The histogram has fixed bounds, the same for every stage and run, so
 * series from different runs and hosts add up: 100 ns to 10 s in a 1-2-5
 * series (vx_prom_bounds_ns).  Each log-linear bucket of the stats area
 * is counted under the smallest bound at or above its upper edge, the
 * largest value it holds (vx_prom_fold()); so a bound's cumulative count
 * never includes a value above it, and misses at most the values of the
 * one log-linear bucket that straddles it (under 1/64 of the bound).  The
 * overflow bucket, and values above 10 s, count only in +Inf.  _count is
 * +Inf's count, _sum is exact.
 */
#ifndef VELOX_PROMETHEUS_H
#define VELOX_PROMETHEUS_H

#include <stdio.h>
#include <linux/types.h>
#include <linux/velox.h>

#include "hist.h"

/* The histograms' finite bounds, in ns, ascending; +Inf comes after. */
#define VX_PROM_BOUNDS	25
extern const __u64 vx_prom_bounds_ns[VX_PROM_BOUNDS];

/*
 * The bound log-linear bucket @index counts under: an index into
 * vx_prom_bounds_ns, or VX_PROM_BOUNDS for +Inf.
 */
unsigned int vx_prom_fold(unsigned int index);
/*
 * @h folded onto the bounds: @cum[i] values at or below bound i,
 * @cum[VX_PROM_BOUNDS] every value (+Inf).
 */
void vx_prom_cumulative(const struct velox_hist *h,
			__u64 cum[VX_PROM_BOUNDS + 1]);

/* A label value, quoted, with \ " and newline escaped as the format says. */
void vx_prom_label_value(FILE *out, const char *s);

/*
 * The exposition of a whole copy of the stats area (vx_stats_read()'s).
 * Return: 0, or -1 with errno set if writing to @out failed; says nothing.
 */
int vx_prom_write(FILE *out, const struct velox_stats *st);
/*
 * The same into @path, atomically: written to a temporary file beside it
 * (".NAME.XXXXXX", which the textfile collector does not read), synced,
 * mode 0644, then renamed over @path, so a reader sees the old file or
 * the new one, never a part.  Return: 0, or -1 after saying why, the
 * temporary file removed.
 */
int vx_prom_write_file(const char *path, const struct velox_stats *st);

#endif /* VELOX_PROMETHEUS_H */
