/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libvelox: what every Velox tool needs to talk to velox.ko and to say
 * what it found, so that velox-ctl and velox-trace fail alike and print
 * alike.
 *
 *   err.c        one-line errors, named after the program that runs
 *   dev.c        /dev/velox and its ioctls
 *   cpuset.c     CPU sets of any size, and cpulists ("0-3,64")
 *   stats.c      the mmap'd stats area: map, consistent copy, histograms
 *   status.c     a run's summary, status as text and JSON, config JSON
 *   histogram.c  a stage's histogram as text, JSON and HdrHistogram .hgrm
 *   duration.c   "200us", "1.5ms" to nanoseconds
 *   json.c       a kernel string as a JSON string
 *   json_parse.c JSON text into a tree, for the files velox-ctl saves
 *   result.c     a saved run (velox-ctl run --save): written and read back
 *   metric.c     a run's numbers by name ("e2e.p99"), over a file's runs
 *   doctor.c     the machine's settings that make or break a measurement
 *                (its checks in doctor_checks.c)
 *   prometheus.c a run in Prometheus' text format (velox-ctl export)
 *   spikes.c     the spikes captured (read() on /dev/velox)
 *   tail.c       the spikes' causes ranked, as a diagnosis and as JSON
 *   noise.c      what the machine took from each worker CPU
 *
 * It is built with module/core's hist.c, names.c and report.c, so the
 * names of stages, states, counters, causes, parts and offenders, and the
 * text of a histogram report and of a spike, are those velox.ko's debugfs
 * prints.  Those keep their velox_ prefix; what is the library's own is
 * vx_.
 *
 * Functions that talk to the module print why they failed, one line on
 * stderr, and return -1; the caller only chooses its exit status.
 */
#ifndef VELOX_LIBVELOX_H
#define VELOX_LIBVELOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <linux/velox.h>

#include "hist.h"
#include "names.h"
#include "report.h"

/*
 * Exit status of every tool: the contract of DESIGN §4.  VX_EXIT_SPIKE:
 * velox-ctl run --stop-above stopped the run at a spike.
 */
enum { VX_EXIT_OK = 0, VX_EXIT_FAIL = 1, VX_EXIT_USAGE = 2, VX_EXIT_SPIKE = 3 };

/* err.c: "<program>: <what>: <why>" on stderr. */
void vx_err(const char *what, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The same for a usage error; returns VX_EXIT_USAGE. */
int vx_usage_err(const char *what, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* dev.c: /dev/velox.  Each returns 0, or -1 after saying why. */
int vx_open(void);
int vx_get_info(int fd, struct velox_info *info);
/*
 * The config, its CPU set into @cpu_set (@cpu_set_size bytes, at least
 * velox_info.cpu_set_size), which @cfg then points to: a START from @cfg
 * binds the threads where this config would.
 */
int vx_get_config(int fd, struct velox_config *cfg, __u64 *cpu_set,
		  __u32 cpu_set_size);
/* A zeroed CPU set of this machine's size (info->cpu_set_size), or NULL. */
__u64 *vx_cpu_set_alloc(const struct velox_info *info);
/*
 * On success @cfg holds the config that runs (the thread count chosen for
 * threads 0).  Says nothing on EINVAL (errno): the caller knows which field
 * it set.
 */
int vx_start(int fd, struct velox_config *cfg);
int vx_stop(int fd);
int vx_reset(int fd);

/*
 * cpuset.c: CPU sets in the uapi's layout, bit n % 64 of word n / 64 is
 * CPU n, @size bytes (whole words).  Return 0 or a negative errno; they
 * print nothing.
 */
size_t vx_cpu_set_size(unsigned long ncpus);
int vx_cpulist_parse(const char *list, __u64 *set, size_t size,
		     unsigned long *beyond);
size_t vx_cpulist_format(char *buf, size_t len, const __u64 *set, size_t size);
char *vx_cpulist(const __u64 *set, size_t size);
unsigned long vx_cpu_set_count(const __u64 *set, size_t size);
long vx_cpu_set_first_not_in(const __u64 *set, size_t size, const __u64 *of,
			     size_t of_size);
int vx_cpu_set_sysfs(const char *which, __u64 *set, size_t size,
		     unsigned long *beyond);

/*
 * stats.c: the stats area, mapped read-only.  A copy is of the whole area
 * (@size bytes: struct velox_stats, then its arrays), in a buffer from
 * vx_stats_alloc() or vx_stats_snapshot(), to free().
 */
struct vx_stats {
	const struct velox_stats *area;
	size_t size;
};

int vx_stats_map(int fd, struct vx_stats *s);
void vx_stats_unmap(struct vx_stats *s);
struct velox_stats *vx_stats_alloc(const struct vx_stats *s);
int vx_stats_read(const struct vx_stats *s, struct velox_stats *out);
struct velox_stats *vx_stats_snapshot(int fd);
int vx_stats_check(const struct velox_stats *st, size_t size, char *why,
		   size_t len);
void vx_stats_hist(const struct velox_stats *st, unsigned int stage,
		   struct velox_hist *h);
void vx_hist_sub(struct velox_hist *d, const struct velox_hist *now,
		 const struct velox_hist *then);

/* status.c and histogram.c: what people and scripts read. */
void vx_emit_file(void *file, const char *text);
void vx_print_summary(FILE *out, const struct velox_stats *st);
void vx_print_status(FILE *out, const struct velox_stats *st);
void vx_print_status_json(FILE *out, const struct velox_stats *st);
void vx_print_config_json(FILE *out, const struct velox_config *c,
			  const __u64 *cpu_set, size_t cpu_set_size);
void vx_print_hist(FILE *out, unsigned int stage, const struct velox_hist *h);
void vx_print_hist_json(FILE *out, unsigned int stage,
			const struct velox_hist *h);
void vx_print_hgrm(FILE *out, const struct velox_hist *h);

/* duration.c */
int vx_parse_duration(const char *s, __u64 *ns);

/* json.c */
void vx_print_json_string(FILE *out, const char *s, size_t max);

/* json_parse.c: a JSON document as a tree. */
enum vx_json_type {
	VX_JSON_NULL,
	VX_JSON_BOOL,
	VX_JSON_NUMBER,
	VX_JSON_STRING,
	VX_JSON_ARRAY,
	VX_JSON_OBJECT,
};

/**
 * struct vx_json - one JSON value
 * @type: which of the fields below say what it is
 * @b: a bool's value
 * @num: a number's value
 * @is_u64: the number is a whole one from 0 to 2^64 - 1, exact in @u64
 * @u64: its exact value
 * @str: a string's value, UTF-8, without NULs
 * @items: an array's elements, or an object's member values
 * @keys: an object's member names, as many as @items
 * @n: how many items
 */
struct vx_json {
	enum vx_json_type type;
	bool b;
	double num;
	bool is_u64;
	unsigned long long u64;
	char *str;
	struct vx_json *items;
	char **keys;
	size_t n;
};

struct vx_json *vx_json_parse(const char *text, char *why, size_t len);
void vx_json_free(struct vx_json *j);
const struct vx_json *vx_json_get(const struct vx_json *j, const char *key);

/* spikes.c: the capture of a run with velox_config.tail_ns set. */
int vx_tail_check(const struct velox_info *info, const char *what);
int vx_read_spikes_at(int fd, size_t first, struct velox_spike *buf,
		      size_t max, size_t *got);
int vx_read_spikes(int fd, struct velox_spike **out, size_t *n);

/* tail.c */

/**
 * struct vx_cause_rank - one cause's time over all spikes
 * @cause: enum velox_cause
 * @ns: its time, summed over the spikes
 * @share: of the sum of every cause's time, 0..1
 * @top: for irq, softirq and preempted, the offender that took the most
 *	of this cause's time over all spikes (velox_offender_name()); else ""
 * @top_ns: how much it took
 * @top_spikes: in how many spikes it was the largest of its source
 * @top_cpu: the CPU it took the time from, -1 if not known
 * @flush: for bundle_wait, the enum velox_flush_reason that ended most
 *	of the wait; else -1
 */
struct vx_cause_rank {
	unsigned int cause;
	__u64 ns;
	double share;
	char top[VELOX_OFFENDER_LEN];
	__u64 top_ns;
	__u64 top_spikes;
	int top_cpu;
	int flush;
};

/**
 * struct vx_tail - a run's spikes and what they say
 * @threshold_ns: the run's velox_config.tail_ns
 * @captured: the stats area's tail_captured
 * @lost: tail_lost
 * @partial: tail_partial
 * @spikes: the spikes read, oldest first
 * @n: how many
 * @causes: by vx_tail_rank(): every cause, largest first
 * @total_ns: by vx_tail_rank(): the sum of every spike's causes
 * @cas_retries: by vx_tail_rank(): the spikes' order-book CAS retries
 */
struct vx_tail {
	__u64 threshold_ns;
	__u64 captured;
	__u64 lost;
	__u64 partial;
	const struct velox_spike *spikes;
	size_t n;
	struct vx_cause_rank causes[VELOX_CAUSES];
	__u64 total_ns;
	__u64 cas_retries;
};

int vx_tail_rank(struct vx_tail *t, const struct velox_stats *st);
void vx_print_tail_diagnosis(FILE *out, const struct vx_tail *t);
void vx_print_causes(FILE *out, const __u64 cause_ns[VELOX_CAUSES],
		     const struct velox_offender *top, unsigned int most);
void vx_print_spike_header(FILE *out);
void vx_print_spike(FILE *out, const struct velox_spike *s);
void vx_print_tail(FILE *out, const struct vx_tail *t, size_t last);
void vx_print_tail_json(FILE *out, const struct vx_tail *t, size_t last);

/* noise.c */
void vx_print_noise(FILE *out, const struct velox_stats *st);
void vx_print_noise_json(FILE *out, const struct velox_stats *st);

#include "result.h"
#include "doctor.h"
#include "prometheus.h"

#endif /* VELOX_LIBVELOX_H */
