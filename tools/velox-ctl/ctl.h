/* SPDX-License-Identifier: GPL-2.0 */
/* velox-ctl: what the command files share. */
#ifndef VELOX_CTL_H
#define VELOX_CTL_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <linux/velox.h>

#include "hist.h"

/* Exit codes, as the man page gives them. */
enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

struct ctl_cmd {
	const char *name;
	const char *summary;
	int (*run)(int argc, char **argv);
	void (*usage)(FILE *out);
};

extern const struct ctl_cmd cmd_info, cmd_start, cmd_stop, cmd_run,
	cmd_status, cmd_hist, cmd_watch, cmd_reset;

int parse_json_only(int argc, char **argv, const struct ctl_cmd *cmd,
		    bool *json);

/* One line "velox-ctl: <what>: <why>" on stderr. */
void ctl_err(const char *what, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The same, for a usage error; returns EXIT_USAGE. */
int ctl_usage_err(const char *what, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* dev.c: /dev/velox.  Each prints why it failed and returns -1. */
int dev_open(void);
int dev_get_info(int fd, struct velox_info *info);
int dev_get_config(int fd, struct velox_config *cfg);
int dev_start(int fd, const struct velox_config *cfg);
int dev_stop(int fd);
int dev_reset(int fd);

/* stats.c: the mmap'd stats area. */
struct ctl_stats {
	const struct velox_stats *area;
	size_t size;
};
int stats_map(int fd, struct ctl_stats *s);
void stats_unmap(struct ctl_stats *s);
int stats_read(const struct ctl_stats *s, struct velox_stats *out);
int stats_snapshot(int fd, struct velox_stats *out);
void stats_hist(const struct velox_stats *st, int stage,
		struct velox_hist *h);
void hist_sub(struct velox_hist *d, const struct velox_hist *now,
	      const struct velox_hist *then);
int stage_parse(const char *s);
const char *stage_name(int stage);
const char *state_name(uint32_t state);

/* config.c: start options, shared by start and run. */
struct start_opts {
	struct velox_config cfg;
	unsigned int set;	/* which fields the options gave */
};
int start_opt_parse(struct start_opts *o, int opt, const char *arg);
void start_opts_usage(FILE *out);
void start_opts_apply(const struct start_opts *o, struct velox_config *cfg);
int start_with(int fd, const struct start_opts *o, struct velox_config *cfg);
int parse_rate(const char *s, uint32_t *rate);
int parse_u32(const char *s, uint32_t *v);
int parse_cpus(const char *s, __u64 *mask);
int parse_seconds(const char *s, double *sec);
const char *backoff_name(unsigned int b);
const char *policy_name(unsigned int f);
/* The start options of getopt_long, and their short-option string. */
#define START_OPTS_SHORT "r:l:b:f:R:B:p:s:c:t:S:C:"
#define START_LONG_OPTS 12
extern const struct option start_long_opts[START_LONG_OPTS];
struct option;
void opts_build(struct option *dst, const struct option *own, size_t nown);

/* report.c: what people and scripts read. */
const char *fmt_ns(char *buf, size_t len, unsigned long long ns);
void print_summary(FILE *out, const struct velox_stats *st);
void print_hist(FILE *out, int stage, const struct velox_hist *h);
void print_hist_json(FILE *out, int stage, const struct velox_hist *h);
void print_hgrm(FILE *out, const struct velox_hist *h);
void print_status(FILE *out, const struct velox_stats *st);
void print_status_json(FILE *out, const struct velox_stats *st);
void print_config_json(FILE *out, const struct velox_config *c);
void print_progress_header(FILE *out);
void print_progress(FILE *out, double secs, const struct velox_stats *now,
		    const struct velox_stats *then);

/* progress.c: watch and run. */
void progress_catch_signals(void);
int progress_loop(const struct ctl_stats *map, double interval, long count,
		  double duration);

#endif /* VELOX_CTL_H */
