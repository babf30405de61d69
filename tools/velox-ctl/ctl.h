/* SPDX-License-Identifier: GPL-2.0 */
/*
 * velox-ctl: what the command files share.  The device, the stats area
 * and the reports are libvelox's (tools/lib/velox), shared with
 * velox-trace; what is here is velox-ctl's own: verbs and their options.
 */
#ifndef VELOX_CTL_H
#define VELOX_CTL_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <linux/velox.h>

#include "libvelox.h"

struct ctl_cmd {
	const char *name;
	const char *summary;
	int (*run)(int argc, char **argv);
	void (*usage)(FILE *out);
};

extern const struct ctl_cmd cmd_info, cmd_start, cmd_stop, cmd_run,
	cmd_status, cmd_hist, cmd_watch, cmd_reset, cmd_tail, cmd_noise,
	cmd_compare, cmd_doctor, cmd_export;

int parse_json_only(int argc, char **argv, const struct ctl_cmd *cmd,
		    bool *json);

/* config.c: start options, shared by start and run. */
struct start_opts {
	struct velox_config cfg;
	unsigned int set;	/* which fields the options gave */
	const char *cpus;	/* --cpus: a cpulist (start_with() checks its CPUs) */
	__u64 stop_above;	/* run --stop-above, 0 if not given */
	bool snapshot;		/* run --snapshot */
};
int start_opt_parse(struct start_opts *o, int opt, const char *arg);
void start_opts_usage(FILE *out);
void start_opts_apply(const struct start_opts *o, struct velox_config *cfg);
int start_prepare(int fd, const struct start_opts *o, struct velox_config *cfg,
		  struct velox_info *info, __u64 **set);
int start_with(int fd, const struct start_opts *o, struct velox_config *cfg);
int parse_rate(const char *s, uint32_t *rate);
int parse_u32(const char *s, uint32_t *v);
int parse_seconds(const char *s, double *sec);
int parse_interval(const char *s, double *sec);
int parse_tail_duration(const char *opt, const char *s, bool zero_ok,
			__u64 *ns);
/* The start options of getopt_long, and their short-option string. */
#define START_OPTS_SHORT "r:l:b:f:R:B:p:s:c:t:S:C:T:"
#define START_LONG_OPTS 13
extern const struct option start_long_opts[START_LONG_OPTS];
struct option;
void opts_build(struct option *dst, const struct option *own, size_t nown);

/* gate.c: compare --fail-if EXPR. */
enum gate_op { GATE_GT, GATE_GE, GATE_LT, GATE_LE };

/**
 * struct gate - one --fail-if expression
 * @expr: as given
 * @metric: what it tests
 * @op: how
 * @bound: against what: the metric's unit (ns for a latency), or with
 *	@relative a change from the base in percent
 * @relative: @bound is a change from the base file
 */
struct gate {
	const char *expr;
	struct vx_metric metric;
	enum gate_op op;
	double bound;
	bool relative;
};
int gate_parse(const char *expr, struct gate *g);
double gate_change(double base, double v);
bool gate_test(const struct gate *g, const struct vx_result *base,
	       const struct vx_result *new);

/*
 * progress.c: watch and run, one line per interval.  A poll, if given, is
 * called every @every seconds between the lines; when it returns true the
 * loop ends, as on Ctrl-C.  A step, if given, sees each line's snapshots
 * (of the same run; @t seconds since the loop began); when it fails, so
 * does the loop.
 */
struct progress_hooks {
	bool (*poll)(void *ctx);
	double every;
	int (*step)(void *ctx, double t, const struct velox_stats *now,
		    const struct velox_stats *then);
	void *ctx;
};
void progress_catch_signals(void);
bool progress_interrupted(void);
int progress_loop(const struct vx_stats *map, double interval, long count,
		  double duration, const struct progress_hooks *hooks);

#endif /* VELOX_CTL_H */
