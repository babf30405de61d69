/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libvelox: what every Velox tool needs to talk to velox.ko and to say
 * what it found, so that velox-ctl and velox-trace fail alike and print
 * alike.
 *
 *   err.c        one-line errors, named after the program that runs
 *   dev.c        /dev/velox and its ioctls
 *   stats.c      the mmap'd stats area: map, consistent copy, histograms
 *   status.c     a run's summary, status as text and JSON, config JSON
 *   histogram.c  a stage's histogram as text, JSON and HdrHistogram .hgrm
 *
 * It is built with module/core's hist.c, names.c and report.c, so the
 * names of stages, states and counters and the text of a histogram report
 * are those velox.ko's debugfs prints.  Those keep their velox_ prefix;
 * what is the library's own is vx_.
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

/* Exit status of every tool: the contract of DESIGN §4. */
enum { VX_EXIT_OK = 0, VX_EXIT_FAIL = 1, VX_EXIT_USAGE = 2 };

/* err.c: "<program>: <what>: <why>" on stderr. */
void vx_err(const char *what, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The same for a usage error; returns VX_EXIT_USAGE. */
int vx_usage_err(const char *what, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* dev.c: /dev/velox.  Each returns 0, or -1 after saying why. */
int vx_open(void);
int vx_get_info(int fd, struct velox_info *info);
int vx_get_config(int fd, struct velox_config *cfg);
/*
 * On success @cfg holds the config that runs (the thread count chosen for
 * threads 0).  Says nothing on EINVAL (errno): the caller knows which field
 * it set.
 */
int vx_start(int fd, struct velox_config *cfg);
int vx_stop(int fd);
int vx_reset(int fd);

/* stats.c: the stats area, mapped read-only. */
struct vx_stats {
	const struct velox_stats *area;
	size_t size;
};

int vx_stats_map(int fd, struct vx_stats *s);
void vx_stats_unmap(struct vx_stats *s);
int vx_stats_read(const struct vx_stats *s, struct velox_stats *out);
int vx_stats_snapshot(int fd, struct velox_stats *out);
void vx_stats_hist(const struct velox_stats *st, unsigned int stage,
		   struct velox_hist *h);
void vx_hist_sub(struct velox_hist *d, const struct velox_hist *now,
		 const struct velox_hist *then);

/* status.c and histogram.c: what people and scripts read. */
void vx_emit_file(void *file, const char *text);
void vx_print_summary(FILE *out, const struct velox_stats *st);
void vx_print_status(FILE *out, const struct velox_stats *st);
void vx_print_status_json(FILE *out, const struct velox_stats *st);
void vx_print_config_json(FILE *out, const struct velox_config *c);
void vx_print_hist(FILE *out, unsigned int stage, const struct velox_hist *h);
void vx_print_hist_json(FILE *out, unsigned int stage,
			const struct velox_hist *h);
void vx_print_hgrm(FILE *out, const struct velox_hist *h);

#endif /* VELOX_LIBVELOX_H */
